"""Case management and duration: how long cases stay, and how long reintegration takes.

Time to reintegration is a Kaplan-Meier estimate from mart_survival (cases first
reintegrated at month m, cases last seen at month m without being reintegrated).
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.queries import base
from dashboard.queries.selection import Selection
from dashboard.suppress import Count, Mean, k_value, protect_total, suppress
from etl import framework


def by_duration(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Active cases per duration band at the end of the period (every band present)."""
    keys = [b["key"] for b in framework.load().duration_bands]
    df = base.run(db, "duration_bands", sel.params())
    df = df.set_index("duration_band").reindex(keys).rename_axis("duration_band").reset_index()
    df["active_cases"] = df["active_cases"].fillna(0)
    df["assessed_cases"] = df["assessed_cases"].fillna(0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "active_cases": Count(f("count")),
            "assessed_cases": Count(f("count")),
            "share_reintegrated": Mean(n="assessed_cases", fmt=f("share")),
            "composite_index": Mean(n="assessed_cases", fmt=f("index")),
        },
    )
    # the bands split the active cases shown on the Overview: protect that total
    safe = protect_total(safe, "active_cases")
    safe = protect_total(
        safe, "assessed_cases", dependents=("share_reintegrated", "composite_index")
    )
    safe["band_label"] = [i18n.label("duration_band", b) for b in safe["duration_band"]]
    return safe


def kaplan_meier(hist: pd.DataFrame) -> pd.DataFrame:
    """From months, reached, censored: at_risk and the share reintegrated by each month
    (1 - survival). Pure function."""
    hist = hist.sort_values("months").reset_index(drop=True)
    total = float(hist["reached"].sum() + hist["censored"].sum())
    at_risk, survival, rows = total, 1.0, []
    for months, reached, censored in zip(
        hist["months"], hist["reached"], hist["censored"], strict=True
    ):
        if at_risk > 0:
            survival *= 1.0 - float(reached) / at_risk
        rows.append({"months": int(months), "at_risk": at_risk, "reintegrated_by": 1.0 - survival})
        at_risk -= float(reached) + float(censored)
    return pd.DataFrame(rows, columns=["months", "at_risk", "reintegrated_by"])


def _km(db: base.Database, sel: Selection) -> pd.DataFrame:
    return kaplan_meier(base.run(db, "survival", sel.params()))


def time_to_reintegration(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Share of cases reintegrated by each month since opening; a point is hidden when fewer
    than k cases were still followed at that month."""
    safe = suppress(
        _km(db, sel),
        {
            "at_risk": Count(base.fmt("count")),
            "reintegrated_by": Mean(n="at_risk", fmt=base.fmt("share")),
        },
        passthrough=("months",),
    )
    safe["months_label"] = [str(m) for m in safe["months"]]
    return safe


def median_time(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row: the month by which half the cases followed were reintegrated (Kaplan-Meier
    median) and the cases it is computed over; 'not reached yet' when the curve stays
    under one half."""
    km = _km(db, sel)
    cases = float(km["at_risk"].iloc[0]) if len(km) else 0.0
    reached = km[km["reintegrated_by"] >= 0.5]
    median = float(reached["months"].iloc[0]) if len(reached) else float("nan")
    safe = suppress(
        pd.DataFrame([{"cases": cases, "median_months": median}]),
        {
            "cases": Count(base.fmt("count")),
            "median_months": Mean(n="cases", fmt=base.fmt("months")),
        },
    )
    if cases >= k_value() and pd.isna(median):
        safe["median_months_label"] = i18n.t("casemgmt.median_not_reached")
    return safe
