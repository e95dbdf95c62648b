"""Find the tables in submission files: which file, or which sheet of a workbook, holds which
table, in which encoding and with which separator, and on which row its header is.

Files are text (.csv, .tsv, .txt: UTF-8, UTF-16 such as Excel's "Unicode Text", or a legacy
code page of the region, etl/ingest/encodings.py; comma, semicolon, tab or bar separated),
Excel workbooks (.xlsx, .xlsm: any number of sheets) or Parquet. Every file of a folder and
every sheet of a workbook is either a table to load or named with the reason it is not.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.ingest import encodings, workbooks
from etl.ingest.encodings import Encoding
from etl.ingest.errors import FileRefused
from etl.ingest.recognise import HEADER_SEARCH_ROWS, Header, find_header, header_cells
from etl.ingest.spec import table_for_name

__all__ = ["FileRefused", "ReadOptions", "Skipped", "Source", "expand", "sources"]

SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
}
# spreadsheets the loader cannot read, and what they are called in the advice
OTHER_SPREADSHEETS = {
    ".xls": "an Excel 97-2003 workbook",
    ".xlsb": "an Excel binary workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".numbers": "a Numbers spreadsheet",
}
SEPARATORS = [",", ";", "\t", "|"]
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ReadOptions:
    """What the clerk decided on the command line, for every file of the run."""

    encoding: str | None = None  # --encoding
    decimal: str | None = None  # --decimal: "." or ","
    date_order: str | None = None  # --date-order: "DMY" or "MDY"


@dataclass
class Source:
    """One table's worth of rows: a text or Parquet file, or one sheet of a workbook."""

    path: Path
    fmt: str
    sha256: str
    sheet: str | None = None
    table: str | None = None
    headers: list[str] = field(default_factory=list)
    lines: int = 0  # text only: lines in the file, blank lines at its end not counted
    header_row: int = 1  # the spreadsheet row (line) of the header; data start below it
    text_path: Path | None = None  # text only: the UTF-8 text read (a copy when not UTF-8)
    encoding: Encoding | None = None
    delimiter: str | None = None
    recognised_by: str = "file name"  # what told the table: file name, sheet name, header row
    merged_ranges: int = 0  # workbooks: merged ranges filled with their value
    width: int = 0  # text only: fields in the header line, empty ones at its end included

    @property
    def label(self) -> str:
        return f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name

    def reading(self) -> str:
        """How the file was read, for the load summary."""
        parts = []
        if self.fmt == "csv":
            parts.append(self.encoding.describe() if self.encoding else "UTF-8")
            parts.append(f"{SEPARATOR_NAMES.get(self.delimiter, repr(self.delimiter))} separated")
        elif self.fmt == "xlsx":
            parts.append("Excel sheet")
            if self.merged_ranges:
                parts.append(f"{self.merged_ranges:,} merged ranges read as their value")
        else:
            parts.append("Parquet")
        parts.append(f"header on row {self.header_row}")
        parts.append(f"table {self.table} from its {self.recognised_by}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Skipped:
    """A file or sheet not loaded, and why: skipped (not a table) or refused (an error)."""

    label: str
    reason: str
    refused: bool = False


def file_digest(path: Path, *, count_lines: bool = False, check_utf8: bool = False):
    """(SHA-256, lines, row of the first byte that is not UTF-8 or None), in one read.

    lines: the file's lines not counting blank lines at its very end (compared with the
    records DuckDB found); counted only if asked, as is the UTF-8 check, which decodes only
    the chunks that are not plain ASCII.
    """
    digest = hashlib.sha256()
    newlines, tail = 0, b""
    decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
    bad_row = None
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            before = newlines
            if count_lines or check_utf8:
                newlines += chunk.count(b"\n")
                tail = (
                    chunk[-(1 << 16) :] if len(chunk) >= 1 << 16 else (tail + chunk)[-(1 << 16) :]
                )
            if decoder is not None and bad_row is None:
                pending = decoder.getstate()[0]
                if pending or not chunk.isascii():
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        bad_row = before + 1 + exc.object[: exc.start].count(b"\n")
    if decoder is not None and bad_row is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_row = newlines + 1
    trailing = tail[len(tail.rstrip(b"\r\n \t")) :].count(b"\n")
    return digest.hexdigest(), newlines - trailing + 1, bad_row


def expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(file, found in a folder) for the files named and every file of the folders named
    (sorted, not recursive, hidden files left out)."""
    out: list[tuple[Path, bool]] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += [
                (f, True) for f in sorted(p.iterdir()) if f.is_file() and not f.name.startswith(".")
            ]
        else:
            out.append((p, False))
    return out


def sources(
    path: Path, *, scratch: Path, options: ReadOptions | None = None, in_folder: bool = False
) -> tuple[list[Source], list[Skipped]]:
    """The tables in one file, and its sheets that are not loaded. Raises FileRefused when
    the file as a whole cannot be read or holds no table."""
    options = options or ReadOptions()
    if not path.exists():
        raise FileRefused(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        raise FileRefused(
            f"{path.name}: {OTHER_SPREADSHEETS[suffix]} cannot be read; save it as an Excel "
            "workbook (.xlsx) or as 'CSV UTF-8'"
        )
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        if in_folder:
            return [], [Skipped(path.name, "not a submission file (.csv, .txt, .xlsx, .parquet)")]
        raise FileRefused(f"{path.name}: not a submission file (expected .csv, .xlsx or .parquet)")
    if path.stat().st_size == 0:
        raise FileRefused(f"{path.name}: the file is empty")
    sha, lines, bad_row = file_digest(path, count_lines=fmt == "csv", check_utf8=fmt == "csv")
    if fmt == "xlsx":
        return _workbook_sources(path, sha)
    if fmt == "parquet":
        headers = _parquet_header(path)
        header = find_header(
            [headers], named=table_for_name(path.stem), how="file name", label=path.name
        )
        if header is None:
            raise FileRefused(_unknown_table(path.name))
        return [
            Source(path, fmt, sha, table=header.table, headers=headers, recognised_by=header.how)
        ], []
    src = Source(path, fmt, sha, lines=lines, text_path=path)
    src.encoding = encodings.decide(path.name, path, _head(path), bad_row, options.encoding)
    if not src.encoding.is_utf8:
        src.text_path = scratch / f"{sha[:16]}-{len(list(scratch.iterdir()))}.csv"
        encodings.transcode(path.name, path, src.encoding.codec, src.text_path)
        src.lines = file_digest(src.text_path, count_lines=True)[1]
    src.delimiter, header, rows = _text_layout(_head_text(src.text_path), path)
    if header is None:
        if suffix == ".txt" and in_folder:
            return [], [Skipped(path.name, "not a table: no header row of one in its first lines")]
        raise FileRefused(_unknown_table(path.name))
    src.table, src.recognised_by = header.table, header.how
    src.headers = header_cells(rows[header.index])
    src.width = len(rows[header.index])
    src.header_row = header.index + 1
    return [src], []


def _unknown_table(label: str) -> str:
    return (
        f"{label}: cannot tell which table this is; name the file after one of cases, "
        "assessments, services, barriers, budgets (e.g. KH-A_2024Q1_cases.csv), or give it "
        "the header row of one"
    )


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def _head_text(path: Path) -> str:
    """The first 64 KiB of a UTF-8 file as text (a character cut at the end left out)."""
    head = _head(path)
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return head[: exc.start].decode("utf-8-sig")


def _text_layout(text: str, path: Path) -> tuple[str, Header | None, list[list[str]]]:
    """The separator, the header and the first rows of a text file. The separator is the one
    under which a row of the first lines reads as the fullest header; Excel's 'sep=;' first
    line, when present, says it."""
    lines = [line.rstrip("\r") for line in text.split("\n")[: HEADER_SEARCH_ROWS + 1]]
    named = table_for_name(path.stem)
    hint = re.fullmatch(r"\s*sep=(.)\s*", lines[0]) if lines else None
    rows_above = 1 if hint else 0
    best: tuple[str, Header | None, list[list[str]]] | None = None
    for delim in [hint.group(1)] if hint else SEPARATORS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines[rows_above:])), delimiter=delim))
        except csv.Error:
            continue
        header = find_header(rows, named=named, how="file name", label=path.name)
        if header is not None and header.named and (best is None or header.named > best[1].named):
            best = (delim, header, rows)
    if best is None:
        # no separator gives a header: the one the first line has most of, for the messages
        first = next((line for line in lines[rows_above:] if line.strip()), "")
        delim = hint.group(1) if hint else max(SEPARATORS, key=first.count)
        rows = list(csv.reader(io.StringIO("\n".join(lines[rows_above:])), delimiter=delim))
        header = Header(named, 0, 0, "file name") if named else None
        best = (delim, header, rows)
    delim, header, rows = best
    if header is not None and rows_above:  # the rows as numbered in the file
        rows = [[], *rows]
        header = Header(header.table, header.index + 1, header.named, header.how)
    return delim, header, rows


def _workbook_sources(path: Path, sha: str) -> tuple[list[Source], list[Skipped]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        merges = workbooks.merged_ranges(path)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(
            f"{path.name}: not a readable Excel workbook ({exc.__class__.__name__})"
        ) from exc
    out: list[Source] = []
    skipped: list[Skipped] = []
    try:
        names = wb.sheetnames
        for name in names:
            label = f"{path.name} [{name}]"
            rows = [
                ["" if v is None else workbooks.cell_text(v) for v in values]
                for _, values, _ in workbooks.filled_rows(
                    wb[name], merges.get(name, []), max_row=HEADER_SEARCH_ROWS
                )
            ]
            named, how = table_for_name(name), "sheet name"
            if named is None and len(names) == 1:
                named, how = table_for_name(path.stem), "file name"
            if not any(any(c.strip() for c in r) for r in rows):
                skipped.append(Skipped(label, "the sheet is empty"))
                continue
            try:
                header = find_header(rows, named=named, how=how, label=label)
            except FileRefused as exc:
                skipped.append(Skipped(label, str(exc), refused=True))
                continue
            if header is None:
                skipped.append(
                    Skipped(label, "not a table: no header row of one in its first 20 rows")
                )
                continue
            out.append(
                Source(
                    path,
                    "xlsx",
                    sha,
                    sheet=name,
                    table=header.table,
                    headers=header_cells(rows[header.index]),
                    header_row=header.index + 1,
                    recognised_by=header.how,
                    merged_ranges=len(merges.get(name, [])),
                )
            )
    finally:
        wb.close()
    if not out and not any(s.refused for s in skipped):
        detail = "; ".join(f"'{s.label.split(' [', 1)[1][:-1]}': {s.reason}" for s in skipped)
        raise FileRefused(
            f"{path.name}: no sheet holds a table ({detail}); name each sheet after its table "
            "(cases, assessments, services, barriers, budgets) or give it the header row of one"
        )
    return out, skipped


def _parquet_header(path: Path) -> list[str]:
    try:
        con = duckdb.connect()
        try:
            return [
                r[0]
                for r in con.execute(
                    "DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(path)}
                ).fetchall()
            ]
        finally:
            con.close()
    except duckdb.Error as exc:
        raise FileRefused(f"{path.name}: not a readable Parquet file ({exc})") from exc
