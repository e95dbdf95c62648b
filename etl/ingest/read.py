"""Read one table of a submission into DuckDB as text, exactly as submitted.

Every cell is read as text so nothing is lost before validation; every row keeps the
number a spreadsheet shows for it (header = row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.ingest.sources import FileRefused, Source, csv_header


@dataclass
class Malformed:
    row_number: int
    raw: str
    reason: str
    message: str


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
    headers, delim = csv_header(src.path)
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
        first, last, count = con.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {name}_cells"  # noqa: S608
        ).fetchone()
        # DuckDB skips blank lines, which would shift the numbers of the records after them:
        # unless every line below the header is a record, the exact reader numbers them
        if rejected == 0 and (count == 0 or last - first + 1 == count) and count == src.lines - 1:
            # rowids count from a base (a large one inside a transaction), one per record
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT rowid - {int(first or 0)} + 2 AS _row, * "  # noqa: S608
                f"FROM {name}_cells"
            )
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
        for number, values in enumerate(
            wb[src.sheet].iter_rows(min_row=2, values_only=True), start=2
        ):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            rows.append(
                [number, *(_cell_text(values[i]) if i < len(values) else None for i in keep)]
            )
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
