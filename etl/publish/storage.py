"""How the published file stores the tables of the contract, etl/publish/sql/contract.sql.

The contract is what the dashboard, and anyone else, reads: one table per mart, with the
cell (country, province, sex, age_group, form) and the codes (duration_band, dimension,
service_area) as text. A mart with the cell columns has about a row per case-quarter (and
dimension), and writing those texts on every row was the largest part of writing it: at a
million cases, 1.7 of mart_outcomes' 4 seconds. So such a mart is stored in schema
`store`, keyed by integers in place of the texts, and the contract's table is a view that
joins the texts back from small code tables, with the contract's columns in its order and
types, and it is stored sorted by quarter and cell (sort_order), the way the dashboard reads
it. Marts without the cell columns are plain tables, as the contract has them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

CELL = ("country", "province", "sex", "age_group", "form")
# a code column of the contract -> its integer key and the code table listing both
CODES = {
    "duration_band": ("band_no", "duration_bands"),
    "dimension": ("dim_no", "dimensions"),
    "service_area": ("area_no", "service_areas"),
}
CODE_TABLES = {
    "cells": [("cell_id", "INTEGER"), *((column, "VARCHAR") for column in CELL)],
    **{table: [(key, "INTEGER"), (column, "VARCHAR")] for column, (key, table) in CODES.items()},
}

Columns = list[tuple[str, str]]


def contract(schema: Path) -> dict[str, Columns]:
    """Each table of the contract: its columns and their types, in order."""
    with duckdb.connect() as con:
        con.execute(schema.read_text())
        tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_oid").fetchall()
        return {
            table: [
                (name, kind) for name, kind, *_ in con.execute(f'DESCRIBE "{table}"').fetchall()
            ]
            for (table,) in tables
        }


def keyed(columns: Columns) -> bool:
    """Stored by integer keys, behind a view: the marts with the cell columns."""
    return set(CELL) <= {name for name, _ in columns}


def stored_columns(columns: Columns) -> Columns:
    """The columns of a keyed mart's stored table: cell_id for the cell, keys for codes."""
    stored: Columns = []
    for name, kind in columns:
        if name in CELL:
            if ("cell_id", "INTEGER") not in stored:
                stored.append(("cell_id", "INTEGER"))
        elif name in CODES:
            stored.append((CODES[name][0], "INTEGER"))
        else:
            stored.append((name, kind))
    return stored


def view_sql(table: str, columns: Columns) -> str:
    """The contract's table as a view over the stored one (names resolve within the file)."""
    joins = ["JOIN store.cells USING (cell_id)"] + [
        f"JOIN store.{CODES[name][1]} USING ({CODES[name][0]})"
        for name, _ in columns
        if name in CODES
    ]
    select = ", ".join(f'"{name}"' for name, _ in columns)
    return f"SELECT {select} FROM store.{table} " + " ".join(joins)  # noqa: S608 (names from contract.sql)


# The dashboard asks for one quarter (or a range) of some cells: rows stored in that order let
# DuckDB skip whole row groups by their min/max (zone maps), 5 to 8 times faster at 1M cases.
SORT_FIRST = ("quarter", "cohort_quarter")


def sort_order(table: str, contract_tables: dict[str, Columns]) -> list[str]:
    """The columns a keyed mart is stored sorted by (none for the other tables)."""
    if table in CODE_TABLES or not keyed(contract_tables[table]):
        return []
    names = [name for name, _ in contract_tables[table]]
    return [*(c for c in SORT_FIRST if c in names), "cell_id"]


def target(table: str, contract_tables: dict[str, Columns]) -> str:
    """Where rows of a published step are inserted (schema-qualified)."""
    if table in CODE_TABLES or keyed(contract_tables[table]):
        return f"store.{table}"
    return f"main.{table}"


def create(
    con: duckdb.DuckDBPyConnection, catalog: str, contract_tables: dict[str, Columns]
) -> None:
    """The code tables, stored tables and views (keyed marts) and plain tables, empty.

    The connection's default catalog is switched to `catalog` while the views are created,
    so that their SQL names tables within the file and reads the same wherever it is opened.
    """
    previous = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"USE {catalog}")
    try:
        con.execute("CREATE SCHEMA store")
        for table, columns in CODE_TABLES.items():
            con.execute(f"CREATE TABLE store.{table} ({_columns_sql(columns)})")
        for table, columns in contract_tables.items():
            if keyed(columns):
                con.execute(f"CREATE TABLE store.{table} ({_columns_sql(stored_columns(columns))})")
                con.execute(f"CREATE VIEW main.{table} AS {view_sql(table, columns)}")
            else:
                con.execute(f"CREATE TABLE main.{table} ({_columns_sql(columns)})")
    finally:
        con.execute(f"USE {previous}")


def _columns_sql(columns: Columns) -> str:
    return ", ".join(f'"{name}" {kind}' for name, kind in columns)
