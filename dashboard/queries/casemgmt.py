"""Case management and duration: how long cases stay, and how long reintegration takes.

Time to reintegration is a Kaplan-Meier estimate from mart_survival (cases first
reintegrated at month m, cases last seen at month m without being reintegrated).
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.queries import base, outcomes
from dashboard.queries.selection import Selection
from dashboard.suppress import Count, Mean, k_value, protect_total, suppress
from reference import framework


def by_duration(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Active cases per duration band at the end of the period (every band present)."""
    keys = [b["key"] for b in framework.load().duration_bands]
    df = base.run(db, "duration_bands", sel.params())
    df = base.in_order(df, "duration_band", keys)
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


# --- outcomes, follow-up and setbacks by time in case management --------------------------


def _band_keys() -> list[str]:
    return [b["key"] for b in framework.load().duration_bands]


def _band_labels(df: pd.DataFrame) -> pd.DataFrame:
    order = {key: i for i, key in enumerate(_band_keys())}
    df["band_order"] = df["duration_band"].map(order).fillna(len(order)).astype(int)
    df["band_label"] = [i18n.label("duration_band", b) for b in df["duration_band"]]
    return df


def outcomes_by_band(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per duration band x outcome dimension at the end of the period: cases scored, mean
    latest score, share achieved (every band and dimension present). The bands split each
    dimension's scored cases, whose total is shown elsewhere: complementary suppression per
    dimension."""
    df = base.run(db, "outcomes_by_band", sel.params())
    grid = pd.MultiIndex.from_product(
        [_band_keys(), outcomes.dimension_order()], names=["duration_band", "dimension"]
    )
    df = df.set_index(["duration_band", "dimension"]).reindex(grid).reset_index()
    df["scored_cases"] = df["scored_cases"].fillna(0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "scored_cases": Count(f("count")),
            "mean_score": Mean(n="scored_cases", fmt=f("score")),
            "share_achieved": Mean(n="scored_cases", fmt=f("share")),
        },
    )
    safe = protect_total(
        safe, "scored_cases", by=["dimension"], dependents=("mean_score", "share_achieved")
    )
    safe = outcomes.add_dimension_labels(_band_labels(safe))
    return safe.sort_values(["dimension_order", "band_order"]).reset_index(drop=True)


def followup_by_band(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per duration band over the quarters of the period: assessments, case-years of case
    management, and assessments per case-year. A rate or exposure is hidden when the band
    had fewer than k active cases in every quarter (most_cases: a lower bound on the
    distinct cases behind it)."""
    df = base.run(db, "followup_by_band", sel.params())
    df = base.in_order(df, "duration_band", _band_keys())
    for col in ("assessments", "case_quarters", "most_cases"):
        df[col] = df[col].fillna(0)
    df["case_years"] = df["case_quarters"] / 4.0
    df = df.drop(columns="case_quarters")
    f = base.fmt
    safe = suppress(
        df,
        {
            "most_cases": Count(f("count")),
            "assessments": Count(f("count")),
            "case_years": Mean(n="most_cases", fmt=f("count")),
            "per_case_year": Mean(n="most_cases", fmt=f("rate")),
        },
    )
    return _band_labels(safe).sort_values("band_order").reset_index(drop=True)


def followup_trend(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Quarter by quarter: assessments per case-year of the cases active in the quarter
    (every quarter of the period present)."""
    df = base.run(db, "followup_trend", sel.params())
    quarters = pd.date_range(pd.Timestamp(sel.q_from), pd.Timestamp(sel.q_to), freq="QS")
    df["quarter"] = pd.to_datetime(df["quarter"])
    df = base.in_order(df, "quarter", quarters)
    df["assessments"] = df["assessments"].fillna(0)
    df["active_cases"] = df["active_cases"].fillna(0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "active_cases": Count(f("count")),
            "assessments": Count(f("count")),
            "per_case_year": Mean(n="active_cases", fmt=f("rate")),
        },
    )
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    safe["series"] = i18n.t("casemgmt.followup.series")
    return safe


def setbacks(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per outcome dimension over the quarters of the period: scores compared with the
    case's previous score, how many were lower (setbacks), and their share."""
    df = base.run(db, "setbacks", sel.params())
    order = outcomes.dimension_order()
    df = base.in_order(df, "dimension", order)
    df["compared"] = df["compared"].fillna(0)
    df["setbacks"] = df["setbacks"].fillna(0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "compared": Count(f("count")),
            "setbacks": Count(f("count")),
            "share_setback": Mean(n="compared", fmt=f("share")),
        },
    )
    return outcomes.add_dimension_labels(safe).sort_values("dimension_order").reset_index(drop=True)
