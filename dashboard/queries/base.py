"""Running the SQL files in dashboard/sql with bound parameters.

* Values are always bound ($name parameters; lists as one list parameter).
* `{{name}}` placeholders are filled before binding, and only from IDENTIFIERS (an
  allow-list fixed in code) or from fragment files (sql/_<name>.sql, e.g. the cell
  filter shared by every query). Nothing a user typed or picked reaches the SQL text.

Nothing here imports streamlit.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from reference.sql import bind, strip_comments

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

# placeholder -> allowed choice -> SQL text
IDENTIFIERS: dict[str, dict[str, str]] = {
    "area": {"country": "country", "province": "province", "all": "'all'"},
}

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class Database(Protocol):
    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame: ...


@cache
def _read(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != SQL_DIR:
        raise FileNotFoundError(f"no SQL file {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def build(name: str, **identifiers: str) -> str:
    """The SQL text of sql/<name>.sql with its placeholders filled."""

    def fill(match: re.Match[str], seen: frozenset[str]) -> str:
        slot = match.group(1)
        if slot in IDENTIFIERS:
            choice = identifiers.get(slot)
            if choice not in IDENTIFIERS[slot]:
                raise ValueError(f"{slot}={choice!r} is not one of {sorted(IDENTIFIERS[slot])}")
            return IDENTIFIERS[slot][choice]
        if slot in seen:
            raise ValueError(f"fragment {slot!r} includes itself")
        fragment = strip_comments(_read(f"_{slot}")).strip()
        return "(" + _PLACEHOLDER.sub(lambda m: fill(m, seen | {slot}), fragment) + ")"

    def fill_top(match: re.Match[str]) -> str:
        return fill(match, frozenset())

    return _PLACEHOLDER.sub(fill_top, strip_comments(_read(name)))


def run(db: Database, name: str, params: dict[str, Any], **identifiers: str) -> pd.DataFrame:
    sql = build(name, **identifiers)
    return db.query(sql, bind(sql, params))


class DataOutdated(Exception):
    """The published file predates record keys: it must be published again."""


_MODULI: dict[tuple, int] = {}


def key_modulus(db: Database) -> int:
    """The record keys' modulus of the published file (meta record_key_modulus), read once
    per published version."""
    version = (str(getattr(db, "path", id(db))), getattr(db, "version", lambda: None)())
    if version not in _MODULI:
        meta = run(db, "meta", {})
        found = meta.loc[meta["key"] == "record_key_modulus", "value"]
        if found.empty:
            raise DataOutdated("the published file has no record keys")
        _MODULI[version] = int(found.iloc[0])
    return _MODULI[version]


def noisy(db: Database, counts: Any, key_sums: Any) -> Any:
    """Counts with their cell-key noise (dashboard/cellkey.py), for a statistic computed from
    them (a median): never shown as such."""
    from dashboard import cellkey

    return cellkey.perturb(cellkey.load(), counts, key_sums, key_modulus(db))


def protect(df: pd.DataFrame, rules: dict, db: Database, **options: Any) -> pd.DataFrame:
    """dashboard.protect.protect() with the published file's record-key modulus."""
    from dashboard.protect import protect as protect_frame

    return protect_frame(df, rules, modulus=key_modulus(db), **options)


def in_order(df: pd.DataFrame, column: str, keys: list) -> pd.DataFrame:
    """One row per key of `column`, in the order of `keys` (missing keys as empty rows).

    Charts and tables list every band, dimension or service area in framework order, even
    those with no rows in the selection.
    """
    return df.set_index(column).reindex(keys).rename_axis(column).reset_index()
