"""The warehouse file: its connection settings, its schema (etl/warehouse/sql/schema.sql),
the key it was built with, and the reference tables a load checks against.

A warehouse written by an earlier version of the loader, or keyed with another secret key,
is refused with what to do: loading into it would mix incompatible rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.anonymise import case_keys
from reference import framework, paths, settings

SQL = Path(__file__).resolve().parent / "sql"


class KeyMismatch(Exception):
    pass


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    resources = settings.resources("load")
    con.execute(f"SET threads = {resources.threads}; SET memory_limit = '{resources.memory_limit}'")
    # insertion order is kept only while a file is read (etl/ingest/read.materialise);
    # elsewhere it would cost memory and parallelism for nothing
    con.execute("SET preserve_insertion_order = false")
    return con


class OlderWarehouse(Exception):
    pass


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    schema = (SQL / "schema.sql").read_text() + (SQL / "warehouse_info.sql").read_text()
    con.execute(schema)
    # CREATE TABLE IF NOT EXISTS keeps the tables of a warehouse written by an earlier
    # version as they were: compare them with the schema as it is now
    with duckdb.connect() as fresh:
        fresh.execute(schema)
        expected = _columns(fresh)
    found = _columns(con)
    if found != expected:
        changed = sorted({t for t, *_ in set(found) ^ set(expected)})
        raise OlderWarehouse(
            f"this warehouse was written by an earlier version of the loader (its tables {', '.join(changed)} "
            "are laid out differently); load the agencies' files into a new warehouse folder (--warehouse) "
            "and publish from it"
        )


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main' "
        "ORDER BY table_name, ordinal_position"
    ).fetchall()


def check_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    fp = case_keys.fingerprint(key)
    row = con.execute("SELECT value FROM warehouse_info WHERE name = 'key_fingerprint'").fetchone()
    if row is None:
        con.execute("INSERT INTO warehouse_info VALUES ('key_fingerprint', $fp)", {"fp": fp})
    elif row[0] != fp:
        raise KeyMismatch(
            f"this warehouse was built with a different case-reference key than {case_keys.key_path()}; "
            "restore the original key file (or set GMS_HASH_KEY_FILE to it) and load again"
        )


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ref_rates AS SELECT upper(currency) AS currency, "
        "CAST(year AS SMALLINT) AS year, CAST(per_usd AS DOUBLE) AS per_usd FROM read_csv($p, header=true)",
        {"p": str(paths.EXCHANGE_RATES)},
    )
    con.execute("DELETE FROM exchange_rates")
    con.execute("INSERT INTO exchange_rates SELECT * FROM ref_rates")
    barriers = [(b["code"], b["service_area"]) for b in framework.load().barriers]
    con.execute("CREATE OR REPLACE TEMP TABLE ref_barriers (code VARCHAR, service_area VARCHAR)")
    con.executemany("INSERT INTO ref_barriers VALUES (?, ?)", barriers)
