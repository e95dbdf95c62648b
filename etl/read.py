"""Read submission files into DuckDB as text, exactly as submitted.

Every cell is read as text so nothing is lost before validation; every row keeps the
number a spreadsheet shows for it (header = row 1). Files are CSV (UTF-8, with or without
BOM, comma/semicolon/tab separated), Excel workbooks (one sheet per table) or Parquet.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.spec import table_for_name

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}


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


@dataclass
class Malformed:
    row_number: int
    raw: str
    reason: str
    message: str


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
                tail = chunk[-(1 << 16):] if len(chunk) >= 1 << 16 else (tail + chunk)[-(1 << 16):]
    trailing = tail[len(tail.rstrip(b"\r\n \t")):].count(b"\n")
    return digest.hexdigest(), newlines - trailing + 1


def expand(paths: list[Path]) -> list[Path]:
    """Files named, plus every submission file in folders named (sorted, not recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # .txt only when named explicitly: folders often hold a README.txt
            out += sorted(f for f in p.iterdir()
                          if f.suffix.lower() in SUFFIXES and f.suffix.lower() != ".txt" and not f.name.startswith("."))
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
    src.headers = _csv_header(path)[0] if fmt == "csv" else _parquet_header(path)
    return [src]


def _workbook_sources(path: Path, sha: str) -> list[Source]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(f"{path.name}: not a readable Excel workbook ({exc.__class__.__name__})") from exc
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


def _csv_header(path: Path) -> tuple[list[str], str]:
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
            return [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall()]
        finally:
            con.close()
    except duckdb.Error as exc:
        raise FileRefused(f"{path.name}: not a readable Parquet file ({exc})") from exc


def materialise(
    con: duckdb.DuckDBPyConnection, src: Source, keep: dict[int, str], name: str = "raw"
) -> list[Malformed]:
    """Create `name` (_row BIGINT, then one VARCHAR column per kept header position).

    keep maps header positions to column names; other columns are never read. Returns the
    records that could not be split into the header's columns (CSV only). `name` may be a
    view over a TEMP table `<name>_cells`.
    """
    con.execute(f"DROP VIEW IF EXISTS {name}; DROP TABLE IF EXISTS {name}_cells")
    # rows must keep their file order while they are read (their numbers depend on it)
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")
    try:
        return _materialise(con, src, keep, name)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if kept else 'false'}")


def _materialise(con, src: Source, keep: dict[int, str], name: str) -> list[Malformed]:
    if src.fmt == "csv":
        return _materialise_csv(con, src, keep, name)
    if src.fmt == "parquet":
        cols = ", ".join(f'CAST("{src.headers[i]}" AS VARCHAR) AS "{c}"' for i, c in keep.items())
        con.execute(
            f"CREATE TEMP TABLE {name}_cells AS SELECT row_number() OVER () AS _row, {cols} "  # noqa: S608
            "FROM read_parquet($p)",
            {"p": str(src.path)},
        )
        con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_cells")  # noqa: S608
        return []
    return _materialise_xlsx(con, src, keep, name)


def _materialise_csv(con, src: Source, keep: dict[int, str], name: str) -> list[Malformed]:
    headers, delim = _csv_header(src.path)
    positional = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    select = ", ".join(f'c{i} AS "{c}"' for i, c in keep.items())
    try:
        # a plain parallel scan: with insertion order preserved (materialise) the table's
        # rowids follow the file, the first record being spreadsheet row 2 (a window
        # numbering the rows instead would make the scan single-threaded)
        con.execute(
            f"CREATE TEMP TABLE {name}_cells AS SELECT {select} "  # noqa: S608
            "FROM read_csv($path, header=true, "
            "auto_detect=false, columns=$cols, delim=$delim, quote='\"', escape='\"', "
            "store_rejects=true, rejects_table='read_rejects', rejects_scan='read_rejects_scan')",
            {"path": str(src.path), "cols": positional, "delim": delim},
        )
        rejected = con.execute("SELECT count(*) FROM read_rejects").fetchone()[0]
        con.execute("DROP TABLE IF EXISTS read_rejects; DROP TABLE IF EXISTS read_rejects_scan")
        first, last, count = con.execute(f"SELECT min(rowid), max(rowid), count(*) FROM {name}_cells").fetchone()  # noqa: S608
        # DuckDB skips blank lines, which would shift the numbers of the records after them:
        # unless every line below the header is a record, the exact reader numbers them
        if rejected == 0 and (count == 0 or last - first + 1 == count) and count == src.lines - 1:
            # rowids count from a base (a large one inside a transaction), one per record
            con.execute(f"CREATE TEMP VIEW {name} AS SELECT rowid - {int(first or 0)} + 2 AS _row, * "  # noqa: S608
                        f"FROM {name}_cells")
            return []
    except duckdb.InvalidInputException:
        pass  # e.g. invalid UTF-8 deep in the file: the exact reader below says where
    con.execute(f"DROP TABLE IF EXISTS {name}_cells")
    return _materialise_csv_exact(con, src, keep, name, delim, len(headers))


def _materialise_csv_exact(con, src, keep, name, delim, width) -> list[Malformed]:
    """Slow but exact: Python's csv reader, for files with malformed lines."""
    rows: list[list] = []
    bad: list[Malformed] = []
    with open(src.path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delim)
        try:
            next(reader)
            for number, record in enumerate(reader, start=2):
                if len(record) != width and any(cell.strip() for cell in record):
                    bad.append(
                        Malformed(
                            number,
                            delim.join(record),
                            "wrong_number_of_fields",
                            f"{src.label} row {number}: {len(record)} fields where the header has "
                            f"{width}; check for a stray separator or a missing quote",
                        )
                    )
                    continue
                if not any(cell.strip() for cell in record):
                    continue  # blank line
                rows.append([number, *(record[i] if i < len(record) else None for i in keep)])
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"{src.label}: not UTF-8 text (after row {len(rows) + len(bad) + 1}); "
                "in Excel use 'Save as > CSV UTF-8'"
            ) from exc
        except csv.Error as exc:
            raise FileRefused(f"{src.label}: cannot be read as CSV ({exc})") from exc
    _create_from_rows(con, name, list(keep.values()), rows)
    return bad


def _materialise_xlsx(con, src: Source, keep: dict[int, str], name: str) -> list[Malformed]:
    import openpyxl

    wb = openpyxl.load_workbook(src.path, read_only=True, data_only=True)
    try:
        rows = []
        for number, values in enumerate(wb[src.sheet].iter_rows(min_row=2, values_only=True), start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            rows.append([number, *(_cell_text(values[i]) if i < len(values) else None for i in keep)])
    finally:
        wb.close()
    _create_from_rows(con, name, list(keep.values()), rows)
    return []


def _cell_text(value) -> str | None:
    """Excel cells as the text a clerk typed: dates ISO, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _create_from_rows(con, name: str, columns: list[str], rows: list[list]) -> None:
    frame = pd.DataFrame(rows, columns=["_row", *columns], dtype=object)
    frame["_row"] = frame["_row"].astype("int64")
    for col in columns:
        frame[col] = frame[col].astype("string")
    con.register("_frame", frame)
    try:
        cols = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"CREATE TEMP TABLE {name}_cells AS SELECT _row, {cols} FROM _frame")  # noqa: S608
    finally:
        con.unregister("_frame")
    con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_cells")  # noqa: S608
