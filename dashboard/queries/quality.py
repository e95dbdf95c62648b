"""Data quality: what each agency submitted, what was set aside at load, the loads log."""

from __future__ import annotations

import pandas as pd

from dashboard import formats, i18n
from dashboard.queries import base
from dashboard.queries.selection import Selection
from dashboard.suppress import Count, Records, suppress

# mart_quality.table_name values (etl/publish/sql/contract.sql)
TABLES = ("cases", "assessments", "services", "barriers")


def submissions(db: base.Database, sel: Selection, table_name: str | None = None) -> pd.DataFrame:
    """Agency x quarter of the period: rows loaded (0 when nothing was submitted).

    The rows are counted by province and quarter, so small counts are suppressed like
    case counts: a cell shows "<10", still meaning "something was submitted"."""
    if table_name is not None and table_name not in TABLES:
        raise ValueError(f"unknown table {table_name!r}")
    params = {**sel.params(), "table_name": table_name}
    df = base.run(db, "quality_submissions", params)
    safe = suppress(df, {"rows_loaded": Count(base.fmt("count"))})
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    return safe


def quarantine(db: base.Database) -> pd.DataFrame:
    """Rows set aside at load, by table, reason and column (counts of records)."""
    df = base.run(db, "quality_quarantine", {})
    safe = suppress(df, {"rows": Records(base.fmt("count"))})
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
    """The loads log, newest first: file, SHA-256, rows read / loaded / set aside."""
    df = base.run(db, "loads", {})
    records = ("rows_read", "rows_loaded", "rows_quarantined", "rows_replaced")
    safe = suppress(
        df,
        {c: Records(base.fmt("count")) for c in records},
        passthrough=("load_id",),
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
