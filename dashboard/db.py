"""The one read-only connection to the published database.

The dashboard opens only <warehouse>/published.duckdb, read-only. ui.published() caches
one Published object per process (st.cache_resource); every query takes its own cursor
(Streamlit runs each session in its own thread).

The ETL publishes by building a new file and swapping it in with os.replace(). Before each
query the file's identity (device, inode, mtime, size) is compared with the one that was
opened; when it changed, the connection is closed and reopened once the queries running on
the old one have finished, so a new publication shows without a restart. (DuckDB keeps one
database instance per path while any connection to it is open, so the old connection must
be closed before the new file can be seen.)

Nothing here imports streamlit.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reference import framework

Identity = tuple[int, int, int, int]
_PARAMETER = re.compile(r"\$[A-Za-z_]\w*")
META_VIEW = Path(__file__).resolve().parent / "sql" / "_scoped_meta.sql"


class DataMissing(Exception):
    """No published database at the expected place."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


class DataUnreadable(Exception):
    """The file exists but cannot be opened as a published database."""


def file_identity(path: Path) -> Identity | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class Published:
    # the whole file, uncut: what the ETL wrote. Pages never read it directly; each user
    # reads it through Scoped, which decides their countries and exact records.
    exact_records = True

    def __init__(self, path: Path, *, drain_seconds: float = 30.0):
        self.path = Path(path)
        self._drain_seconds = drain_seconds
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: Identity | None = None
        self._active = 0
        self._cond = threading.Condition()
        self._relations: tuple[Identity | None, list[tuple[str, bool]]] | None = None
        self._provinces: tuple[Identity | None, set[str]] | None = None
        self.opened = 0  # how many times a file was opened (tests check the reopen)

    def exists(self) -> bool:
        return file_identity(self.path) is not None

    def version(self) -> Identity | None:
        """Changes whenever a new file is published: a cache key for derived data."""
        return file_identity(self.path)

    def _open(self, identity: Identity) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        try:
            self._con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            self._identity = None
            raise DataUnreadable(str(exc)) from exc
        self._identity = identity
        self.opened += 1

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        identity = file_identity(self.path)  # before connecting: a swap after it reopens again
        if identity is None:
            raise DataMissing(self.path)
        with self._cond:
            if (
                self._con is None
                or identity != self._identity
                and self._cond.wait_for(lambda: self._active == 0, timeout=self._drain_seconds)
            ):
                self._open(identity)
            assert self._con is not None
            cur = self._con.cursor()
            self._active += 1
        try:
            yield cur
        finally:
            cur.close()
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params or {}).df()

    def relations(self, cur: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
        """The main schema's relations and whether each has a country column, read once per
        published file (cur: a cursor of the current one)."""
        identity = self._identity
        cached = self._relations
        if cached is None or cached[0] != identity:
            found = cur.execute(
                "SELECT table_name, bool_or(column_name = 'country') FROM information_schema.columns "
                "WHERE table_catalog = current_database() AND table_schema = 'main' GROUP BY table_name"
            ).fetchall()
            self._relations = cached = (identity, found)
        return cached[1]

    def province_relations(self, cur: duckdb.DuckDBPyConnection) -> set[str]:
        """The main schema's relations with a province column (read once per file)."""
        identity = self._identity
        if self._provinces is None or self._provinces[0] != identity:
            found = {
                row[0]
                for row in cur.execute(
                    "SELECT DISTINCT table_name FROM information_schema.columns WHERE "
                    "table_catalog = current_database() AND table_schema = 'main' AND column_name = 'province'"
                ).fetchall()
            }
            self._provinces = (identity, found)
        return self._provinces[1]

    def close(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._active == 0, timeout=self._drain_seconds)
            if self._con is not None:
                self._con.close()
            self._con = None
            self._identity = None


@functools.lru_cache(maxsize=256)
def _tables_named(sql: str) -> frozenset[str]:
    """The relations a query names, as written (qualified names kept), parsed once per text."""
    try:
        # the parser cannot prepare $parameters here: their values do not name tables
        return frozenset(duckdb.get_table_names(_PARAMETER.sub("NULL", sql), qualified=True))
    except duckdb.Error as exc:
        raise PermissionError(f"the query cannot be checked ({exc})") from exc


class Scoped:
    """The published database as one user may see it: their countries only, and exact
    record counts (the loads log) only for a role that may see them.

    With countries given, every relation of the published file's main schema is shadowed,
    on the query's own cursor, by a temporary view of the same name: rows of the allowed
    countries where it has a `country` column; of meta, the file's own facts and the
    per-country flags of the allowed countries, told as the file-wide flags; and nothing of
    any other table. Whatever the user, a query may name only those relations, unqualified
    (never store.*, another catalog or a temporary table of its own): query() refuses
    anything else, so no page can reach past the cut. Country codes are checked against the
    framework before they become SQL text: views take no bound parameters.
    """

    def __init__(
        self,
        published: Published,
        countries: tuple[str, ...] | None = None,
        *,
        exact_records: bool = False,
        geography: str = "province",
    ):
        known = set(framework.load().country_codes)
        if countries is not None and (not countries or not set(countries) <= known):
            raise ValueError(f"countries {countries!r} are not framework country codes")
        if geography not in ("country", "province"):
            raise ValueError(f"geography {geography!r} is not country or province")
        self.published = published
        self.countries = tuple(countries) if countries else None
        self.exact_records = exact_records
        self.geography = geography
        self.path = published.path

    @property
    def _cut(self) -> bool:
        return bool(self.countries) or self.geography == "country"

    def exists(self) -> bool:
        return self.published.exists()

    def version(self) -> Identity | None:
        return self.published.version()

    def _relations(self, cur: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
        return self.published.relations(cur)

    def _shadow(self, cur: duckdb.DuckDBPyConnection, relations: list[tuple[str, bool]]) -> None:
        catalog = cur.execute("SELECT current_database()").fetchone()[0]
        allowed = ", ".join(f"'{c}'" for c in self.countries or ())
        folded = self.published.province_relations(cur)
        for name, has_country in relations:
            source = '"{}".main."{}"'.format(catalog.replace('"', '""'), name.replace('"', '""'))
            if name == "meta" and self.countries:
                cur.execute(f'CREATE TEMP VIEW "meta" AS {self._meta_sql(source)}')
                continue
            if has_country:
                where = f"country IN ({allowed})" if self.countries else "true"
            else:  # no country to cut by: a country-limited user sees none of it
                where = "false" if self.countries else "true"
            # a country-level role: every province folded into its country (the code of
            # the country stands for its provinces), so no figure can be for one province
            select = (
                "* REPLACE (country AS province)"
                if self.geography == "country" and name in folded
                else "*"
            )
            cur.execute(
                f'CREATE TEMP VIEW "{name}" AS SELECT {select} FROM {source} WHERE {where}'  # noqa: S608
            )

    def _meta_sql(self, source: str) -> str:
        """sql/_scoped_meta.sql for this user's countries."""
        allowed = ", ".join(f"'{c}'" for c in self.countries or ())
        return (
            META_VIEW.read_text(encoding="utf-8")
            .replace("{{source}}", source)
            .replace("{{countries}}", allowed)
        )

    def _check(self, sql: str, relations: list[tuple[str, bool]]) -> None:
        names = {name for name, _ in relations}
        beyond = sorted(n for n in _tables_named(sql) if n not in names)  # CTEs are not listed
        if beyond:
            raise PermissionError(f"the query names relations out of reach: {beyond}")

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.published.cursor() as cur:
            if self._cut:
                self._shadow(cur, self._relations(cur))
            yield cur

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        with self.published.cursor() as cur:
            relations = self._relations(cur)
            self._check(sql, relations)
            if self._cut:
                self._shadow(cur, relations)
            return cur.execute(sql, params or {}).df()
