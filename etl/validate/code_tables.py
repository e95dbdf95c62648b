"""The coded columns' distinct raw values, matched to framework keys in Python
(etl/validate/lookups.py) and written as TEMP tables map_<column>(raw, val) that the cell
rules join (etl/validate/cell_rules.py)."""

from __future__ import annotations

import duckdb

from etl.ingest import spec
from etl.ingest.errors import FileRefused
from etl.validate import damage, lookups
from etl.validate.cell_rules import MAPPED, clean, first_of, map_table


def create(
    con: duckdb.DuckDBPyConnection, table: str, present: dict[str, str], label: str = ""
) -> None:
    """TEMP tables map_<column>(raw, val) for every coded column, from its distinct raw values.

    present: column -> header as written. Raises FileRefused when a coded column holds text
    damaged on saving ('????' where Khmer letters were, etl/validate/damage.py).
    """
    coded = [c for c in spec.columns(table) if c.name in present and c.type in MAPPED]
    plain = [c.name for c in coded if c.type != "province"]
    distinct: dict[str, list] = {}
    if plain:
        # every column's distinct cells in one scan, cleaned afterwards: there are far fewer
        # distinct cells than cells
        cleaned = clean("v")
        scan = ", ".join(f"list(DISTINCT {c}) AS {c}" for c in plain)
        lists = ", ".join(
            f"list_distinct(list_filter(list_transform({c}, lambda v: {cleaned}), lambda v: v IS NOT NULL))"
            for c in plain
        )
        row = con.execute(
            f"WITH cells AS (SELECT {scan} FROM raw) SELECT {lists} FROM cells"  # noqa: S608
        ).fetchone()
        distinct = {c: values or [] for c, values in zip(plain, row, strict=True)}
        for c, values in distinct.items():
            _refuse_damaged(con, label, c, present[c], values)
    for col in coded:
        m = map_table(col)
        if col.type == "province":
            country = clean("country") if "country" in present else "NULL"
            province = clean("province")
            pairs = con.execute(
                f"SELECT DISTINCT {country}, {province} FROM raw WHERE {province} IS NOT NULL"  # noqa: S608
            ).fetchall()
            _refuse_damaged(con, label, col.name, present[col.name], [p for _, p in pairs])
            rows = [(c, p, code) for (c, p), code in lookups.provinces(pairs).items()]
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {m} (country_raw VARCHAR, raw VARCHAR, val VARCHAR)"
            )
            if rows:
                con.executemany(f"INSERT INTO {m} VALUES (?, ?, ?)", rows)  # noqa: S608
            continue
        values = distinct[col.name]
        mapping: dict
        sql_type = "VARCHAR"
        if col.type == "country":
            mapping = lookups.countries(values)
        elif col.type == "any_country":
            mapping = lookups.any_countries(values)
        elif col.type == "code":
            mapping = lookups.codes(col.list, values)
        elif col.type == "age":
            mapping = lookups.age_bands(values)
        elif col.type == "score":
            mapping, sql_type = lookups.scores(values), "UTINYINT"
        elif col.type == "boolean":
            mapping, sql_type = lookups.booleans(values), "BOOLEAN"
        else:
            mapping = lookups.currencies(values)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {m} (raw VARCHAR, val {sql_type})")
        if mapping:
            con.executemany(f"INSERT INTO {m} VALUES (?, ?)", list(mapping.items()))  # noqa: S608


def _refuse_damaged(con, label: str, col: str, header: str, values: list[str]) -> None:
    lost = [v for v in values if damage.is_damaged(v)]
    if lost:
        row, value = first_of(con, col, lost)
        raise FileRefused(damage.message(label, row, header, value))
