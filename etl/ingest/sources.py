"""Find the tables in submission files: which file, or which sheet of a workbook, holds
which table, and its header as written. Files are CSV (UTF-8, with or without BOM,
comma/semicolon/tab separated), Excel workbooks (one sheet per table) or Parquet.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.ingest.spec import table_for_name

SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
}


class FileRefused(Exception):
    """The file as a whole cannot be loaded; nothing from it is loaded."""


@dataclass
class Source:
    """One table's worth of rows: a CSV or Parquet file, or one sheet of a workbook."""

    path: Path
    fmt: str
    sha256: str
    sheet: str | None = None
    table: str | None = None
    headers: list[str] = field(default_factory=list)
    lines: int = 0  # CSV only: lines in the file, blank lines at its end not counted

    @property
    def label(self) -> str:
        return f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name


def file_digest(path: Path, *, count_lines: bool = False) -> tuple[str, int]:
    """The file's SHA-256 and, if asked, its number of lines not counting blank lines at its
    very end (in the same read: a CSV's lines are compared with the records DuckDB found)."""
    digest = hashlib.sha256()
    newlines, tail = 0, b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            if count_lines:
                newlines += chunk.count(b"\n")
                tail = (
                    chunk[-(1 << 16) :] if len(chunk) >= 1 << 16 else (tail + chunk)[-(1 << 16) :]
                )
    trailing = tail[len(tail.rstrip(b"\r\n \t")) :].count(b"\n")
    return digest.hexdigest(), newlines - trailing + 1


def expand(paths: list[Path]) -> list[Path]:
    """Files named, plus every submission file in folders named (sorted, not recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # .txt only when named explicitly: folders often hold a README.txt
            out += sorted(
                f
                for f in p.iterdir()
                if f.suffix.lower() in SUFFIXES
                and f.suffix.lower() != ".txt"
                and not f.name.startswith(".")
            )
        else:
            out.append(p)
    return out


def sources(path: Path) -> list[Source]:
    """The tables in one file. Raises FileRefused for an unreadable or unknown file."""
    if not path.exists():
        raise FileRefused(f"{path}: no such file")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise FileRefused(f"{path.name}: not a submission file (expected .csv, .xlsx or .parquet)")
    if path.stat().st_size == 0:
        raise FileRefused(f"{path.name}: the file is empty")
    sha, lines = file_digest(path, count_lines=fmt == "csv")
    if fmt == "xlsx":
        return _workbook_sources(path, sha)
    table = table_for_name(path.stem)
    if table is None:
        raise FileRefused(
            f"{path.name}: cannot tell which table this is; name the file after one of "
            "cases, assessments, services, barriers, budgets (e.g. KH-A_2024Q1_cases.csv)"
        )
    src = Source(path, fmt, sha, table=table, lines=lines)
    src.headers = csv_header(path)[0] if fmt == "csv" else _parquet_header(path)
    return [src]


def _workbook_sources(path: Path, sha: str) -> list[Source]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(
            f"{path.name}: not a readable Excel workbook ({exc.__class__.__name__})"
        ) from exc
    out = []
    try:
        names = wb.sheetnames
        for name in names:
            table = table_for_name(name) or (table_for_name(path.stem) if len(names) == 1 else None)
            if table is None:
                if len(names) == 1:
                    raise FileRefused(
                        f"{path.name}: sheet '{name}' is not one of cases, assessments, services, "
                        "barriers, budgets; rename the sheet or the file"
                    )
                continue  # other sheets (instructions, pivots) are ignored and reported
            first = next(wb[name].iter_rows(max_row=1, values_only=True), None)
            headers = ["" if v is None else str(v).strip() for v in (first or ())]
            while headers and headers[-1] == "":
                headers.pop()
            out.append(Source(path, "xlsx", sha, sheet=name, table=table, headers=headers))
    finally:
        wb.close()
    if not out:
        raise FileRefused(f"{path.name}: no sheet is named after a table (cases, assessments, ...)")
    return out


def csv_header(path: Path) -> tuple[list[str], str]:
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the 64 KiB boundary
            raise FileRefused(
                f"{path.name}: not UTF-8 text; in Excel use 'Save as > CSV UTF-8'"
            ) from exc
        text = head[: exc.start].decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delim = max([",", ";", "\t", "|"], key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delim), [])
    return [h.strip() for h in header], delim


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
