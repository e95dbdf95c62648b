"""Data quality: what each agency submitted, what was set aside at load, the loads log."""

from __future__ import annotations

import pandas as pd

from dashboard import formats, i18n
from dashboard.protect import Cases, Count, Records
from dashboard.queries import base
from dashboard.queries.selection import Selection

# mart_quality.table_name values (etl/publish/sql/contract.sql)
TABLES = ("cases", "assessments", "services", "barriers")


def exact_records(db: base.Database) -> bool:
    """Whether this database's user may see exact record counts (db.Scoped says per role)."""
    return bool(getattr(db, "exact_records", False))


def _require_exact(db: base.Database) -> None:
    if not exact_records(db):
        raise PermissionError("exact record counts are for the data team only")


def submissions(db: base.Database, sel: Selection, table_name: str | None = None) -> pd.DataFrame:
    """Agency x quarter of the period: rows loaded (0 when nothing was submitted).

    The rows are about cases, so for everyone but the data team (exact records) they are
    protected like case counts: a cell shows "<10", still meaning "something was
    submitted"; each agency is a group of its own."""
    exact = exact_records(db)
    if table_name is not None and table_name not in TABLES:
        raise ValueError(f"unknown table {table_name!r}")
    params = {**sel.params(), "table_name": table_name}
    df = base.run(db, "quality_submissions", params)
    if exact:
        safe = base.protect(
            df.drop(columns=["rows_loaded_key", "row_cases"]),
            {"rows_loaded": Records()},
            db,
            group_by=None,
            exact=True,
        )
    else:
        rules = {"row_cases": Cases(), "rows_loaded": Count(cases="row_cases")}
        safe = base.protect(df, rules, db, group_by=["agency"])
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    return safe


def quarantine(db: base.Database) -> pd.DataFrame:
    """Rows set aside at load, by table, reason and column (exact counts of records: for the
    data team only)."""
    _require_exact(db)
    df = base.run(db, "quality_quarantine", {})
    safe = base.protect(df, {"rows": Records()}, db, group_by=None, exact=True)
    safe["table_label"] = [
        i18n.t(f"quality.table.{name}") if i18n.has(f"quality.table.{name}") else name
        for name in safe["table_name"]
    ]
    safe["reason_label"] = [
        i18n.t(f"quality.reason.{r}") if i18n.has(f"quality.reason.{r}") else str(r)
        for r in safe["reason"]
    ]
    return safe


def loads(db: base.Database) -> pd.DataFrame:
    """The loads log, newest first: file, SHA-256, rows read / loaded / set aside (exact
    counts of records: for the data team only)."""
    _require_exact(db)
    df = base.run(db, "loads", {})
    records = ("rows_read", "rows_loaded", "rows_quarantined", "rows_replaced")
    safe = base.protect(
        df, {c: Records() for c in records}, db, group_by=None, exact=True, passthrough=("load_id",)
    )
    # loaded_at: local time of the machine that loaded, without a time zone (the column
    # header says so); agencies: one code per agency, comma-separated in the log
    safe["loaded_at_label"] = [
        "" if pd.isna(v) else formats.datetime(pd.Timestamp(v).to_pydatetime())
        for v in safe["loaded_at"]
    ]
    safe["agencies_label"] = [
        ", ".join(a.strip() for a in str(v).split(",") if a.strip()) if isinstance(v, str) else ""
        for v in safe["agencies"]
    ]
    safe["outcome_label"] = [
        i18n.t(f"quality.outcome.{o}") if i18n.has(f"quality.outcome.{o}") else str(o)
        for o in safe["outcome"]
    ]
    return safe


def last_load(loads_df: pd.DataFrame) -> str | None:
    """When data was last loaded, as shown (the newest row of the loads log)."""
    if loads_df.empty:
        return None
    return str(loads_df["loaded_at_label"].iloc[0])
