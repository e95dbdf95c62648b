"""Read one table of a submission into DuckDB as text, exactly as submitted.

Every cell is read as text so nothing is lost before validation; every row keeps the
number a spreadsheet shows for it (the header's row, found by etl/ingest/recognise.py, then
one per line or sheet row below it). Text files are read from their UTF-8 text (a copy when
the file was in another encoding, etl/ingest/encodings.py); workbooks with every merged cell
holding its range's value (etl/ingest/workbooks.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.ingest import workbooks
from etl.ingest.errors import FileRefused
from etl.ingest.sources import Source

# the first cell of each row when its column is not one of the format's: a totals row's
# label is often there ("Total" under a "No." column); read only to recognise those rows
FIRST_CELL = "_first_cell"


@dataclass
class Malformed:
    row_number: int
    raw: str
    reason: str
    message: str


def materialise(
    con: duckdb.DuckDBPyConnection, src: Source, keep: dict[int, str], name: str = "raw"
) -> list[Malformed]:
    """Create `name` (_row BIGINT, then one VARCHAR column per kept header position, then
    _first_cell when the first column is not kept).

    keep maps header positions to column names; other columns are never read. Returns the
    records that could not be split into the header's columns (text only). `name` may be a
    view over a TEMP table `<name>_cells`.
    """
    con.execute(f"DROP VIEW IF EXISTS {name}; DROP TABLE IF EXISTS {name}_cells")
    # rows must keep their file order while they are read (their numbers depend on it)
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")
    try:
        return _materialise(con, src, _with_first_cell(src, keep), name)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if kept else 'false'}")


def _with_first_cell(src: Source, keep: dict[int, str]) -> dict[int, str]:
    if 0 in keep or not src.headers or src.fmt == "parquet":
        return keep
    return {**keep, 0: FIRST_CELL}


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
    width = src.width or len(src.headers)
    positional = {f"c{i}": "VARCHAR" for i in range(max(width, max(keep, default=0) + 1))}
    select = ", ".join(f'c{i} AS "{c}"' for i, c in keep.items())
    try:
        # a plain parallel scan: with insertion order preserved (materialise) the table's
        # rowids follow the file, the first record being the row below the header (a window
        # numbering the rows instead would make the scan single-threaded)
        con.execute(
            f"CREATE TEMP TABLE {name}_cells AS SELECT {select} "  # noqa: S608
            "FROM read_csv($path, header=true, skip=$skip, "
            "auto_detect=false, columns=$cols, delim=$delim, quote='\"', escape='\"', "
            "store_rejects=true, rejects_table='read_rejects', rejects_scan='read_rejects_scan')",
            {
                "path": str(src.text_path or src.path),
                "skip": src.header_row - 1,
                "cols": positional,
                "delim": src.delimiter,
            },
        )
        rejected = con.execute("SELECT count(*) FROM read_rejects").fetchone()[0]
        con.execute("DROP TABLE IF EXISTS read_rejects; DROP TABLE IF EXISTS read_rejects_scan")
        first, last, count = con.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {name}_cells"  # noqa: S608
        ).fetchone()
        # DuckDB skips blank lines, which would shift the numbers of the records after them:
        # unless every line below the header is a record, the exact reader numbers them
        expected = src.lines - src.header_row
        if rejected == 0 and (count == 0 or last - first + 1 == count) and count == expected:
            # rowids count from a base (a large one inside a transaction), one per record
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT rowid - {int(first or 0)} + "  # noqa: S608
                f"{src.header_row + 1} AS _row, * FROM {name}_cells"
            )
            return []
    except duckdb.InvalidInputException:
        pass  # e.g. a malformed quote deep in the file: the exact reader below says where
    con.execute(f"DROP TABLE IF EXISTS {name}_cells")
    return _materialise_csv_exact(con, src, keep, name, width)


def _materialise_csv_exact(con, src, keep, name, width) -> list[Malformed]:
    """Slow but exact: Python's csv reader, for files with malformed or blank lines."""
    rows: list[list] = []
    bad: list[Malformed] = []
    delim = src.delimiter
    with open(src.text_path or src.path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delim)
        try:
            for _ in range(src.header_row):
                next(reader)
            for number, record in enumerate(reader, start=src.header_row + 1):
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
        except UnicodeDecodeError as exc:  # the encoding was checked up front: a safety net
            raise FileRefused(
                f"{src.label}: not UTF-8 text (after row {len(rows) + len(bad) + src.header_row}); "
                "in Excel use 'Save as > CSV UTF-8'"
            ) from exc
        except csv.Error as exc:
            raise FileRefused(f"{src.label}: cannot be read as CSV ({exc})") from exc
    _create_from_rows(con, name, list(keep.values()), rows)
    return bad


def _materialise_xlsx(con, src: Source, keep: dict[int, str], name: str) -> list[Malformed]:
    import openpyxl

    merges = workbooks.merged_ranges(src.path).get(src.sheet, []) if src.merged_ranges else []
    wb = openpyxl.load_workbook(src.path, read_only=True, data_only=True)
    try:
        rows = []
        cell_text = workbooks.cell_text
        for number, values, blank in workbooks.filled_rows(wb[src.sheet], merges):
            if number <= src.header_row or blank:
                continue
            rows.append(
                [number, *(cell_text(values[i]) if i < len(values) else None for i in keep)]
            )
    finally:
        wb.close()
    _create_from_rows(con, name, list(keep.values()), rows)
    return []


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
