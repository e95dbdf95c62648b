"""Case management and duration: how long cases stay, and how long reintegration takes.

Time to reintegration is a life table from mart_survival (cases first reintegrated at
month m, cases last seen at month m without being reintegrated), protected: months are
pooled until at least k cases reached reintegration in the pool (time is coarsened where
events are few), every count in it is perturbed (dashboard/cellkey.py), and the curve stops
where fewer than k cases are still followed.
"""

from __future__ import annotations

import pandas as pd

from dashboard import cellkey, i18n
from dashboard.protect import Cases, Count, Ratio, Statistic, k_value
from dashboard.queries import base, caseload, outcomes
from dashboard.queries.selection import Selection
from reference import framework


def by_duration(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Active cases per duration band at the end of the period (every band present); each
    band is a group of its own."""
    keys = [b["key"] for b in framework.load().duration_bands]
    df = base.run(db, "duration_bands", sel.params())
    df = base.in_order(df, "duration_band", keys)
    df = caseload.with_ratio_columns(df.fillna({c: 0 for c in df.columns if c != "duration_band"}))
    rules = caseload.caseload_rules()
    del rules["new_cases"], rules["closed_cases"]  # flows: not by band
    safe = base.protect(df, rules, db, group_by=["duration_band"])
    safe["band_label"] = [i18n.label("duration_band", b) for b in safe["duration_band"]]
    return safe


def life_table(hist: pd.DataFrame, table: cellkey.PTable, modulus: int) -> pd.DataFrame:
    """From months, reached(_key), censored(_key): one row per step of the curve, with the
    cases followed at its start (at_risk, with its key sum for perturbation) and the share
    reintegrated by its month. Pure function.

    Months are pooled from the last step until at least k cases reached reintegration in
    the pool; the step's hazard is reached / (followed at the pool's start - half the cases
    censored in it), from perturbed counts (the actuarial life table). The table stops
    at the first month where fewer than k cases are still followed: no step describes a
    time when fewer than k were."""
    k = table.k
    hist = hist.sort_values("months").reset_index(drop=True)
    if hist.empty:
        return pd.DataFrame(columns=["months", "at_risk", "at_risk_key", "reintegrated_by"])
    reached, censored = hist["reached"].to_numpy(), hist["censored"].to_numpy()
    reached_key, censored_key = hist["reached_key"].to_numpy(), hist["censored_key"].to_numpy()
    # followed at the start of each month: every case whose event or censoring is later
    exits, exit_keys = reached + censored, reached_key + censored_key
    at_risk = exits[::-1].cumsum()[::-1]
    at_risk_key = exit_keys[::-1].cumsum()[::-1]

    def noisy(n: int, key: int) -> float:
        return float(cellkey.perturb(table, [n], [key], modulus)[0])

    rows, survival, start = [], 1.0, 0
    pool_d = pool_dk = pool_c = pool_ck = 0
    for i, month in enumerate(hist["months"]):
        if at_risk[i] < k:
            break
        pool_d += int(reached[i])
        pool_dk += int(reached_key[i])
        pool_c += int(censored[i])
        pool_ck += int(censored_key[i])
        if pool_d >= k:
            followed = noisy(int(at_risk[start]), int(at_risk_key[start]))
            d, c = noisy(pool_d, pool_dk), noisy(pool_c, pool_ck)
            survival *= max(0.0, 1.0 - d / max(followed - c / 2.0, d))
            rows.append(
                {
                    "months": int(month),
                    "at_risk": int(at_risk[start]),
                    "at_risk_key": int(at_risk_key[start]),
                    "reintegrated_by": 1.0 - survival,
                }
            )
            start, pool_d, pool_dk, pool_c, pool_ck = i + 1, 0, 0, 0, 0
            if start >= len(at_risk):
                break
    return pd.DataFrame(rows, columns=["months", "at_risk", "at_risk_key", "reintegrated_by"])


def _curve(db: base.Database, sel: Selection) -> pd.DataFrame:
    hist = base.run(db, "survival", sel.params())
    return life_table(hist, cellkey.load(), base.key_modulus(db))


def time_to_reintegration(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Share of cases reintegrated by each step of the life table (months since opening),
    with the cases still followed at its start."""
    safe = base.protect(
        _curve(db, sel),
        {"at_risk": Count(), "reintegrated_by": Statistic(n="at_risk", kind="share")},
        db,
        group_by=None,  # every row is over at least k cases by construction
        passthrough=("months",),
    )
    safe["months_label"] = [str(m) for m in safe["months"]]
    return safe


def median_time(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row: the month by which half the cases followed were reintegrated (the life
    table's first step at or above one half, taken only where at least k cases are still
    followed) and the cases the table starts from; 'not reached yet' when it stays under."""
    hist = base.run(db, "survival", sel.params())
    curve = life_table(hist, cellkey.load(), base.key_modulus(db))
    cases = int(hist["reached"].sum() + hist["censored"].sum()) if len(hist) else 0
    key = int(hist["reached_key"].sum() + hist["censored_key"].sum()) if len(hist) else 0
    reached = curve[curve["reintegrated_by"] >= 0.5]
    median = float(reached["months"].iloc[0]) if len(reached) else float("nan")
    frame = pd.DataFrame([{"cases": cases, "cases_key": key, "median_months": median}])
    safe = base.protect(
        frame,
        {"cases": Count(), "median_months": Statistic(n="cases", kind="months")},
        db,
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
    latest score, share achieved (every band and dimension present); each band is a group
    of its own."""
    df = base.run(db, "outcomes_by_band", sel.params())
    grid = pd.MultiIndex.from_product(
        [_band_keys(), outcomes.dimension_order()], names=["duration_band", "dimension"]
    )
    df = df.set_index(["duration_band", "dimension"]).reindex(grid).reset_index()
    df = outcomes.with_ratio_columns(
        df.fillna({c: 0 for c in df.columns if c.endswith(("_cases", "_key", "_sum"))})
    )
    safe = base.protect(df, outcomes.latest_rules(), db, group_by=["duration_band"])
    safe = outcomes.add_dimension_labels(_band_labels(safe))
    return safe.sort_values(["dimension_order", "band_order"]).reset_index(drop=True)


def followup_by_band(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per duration band over the quarters of the period: assessments, case-years of case
    management, and assessments per case-year. A rate or exposure is hidden when the band
    had fewer than k active cases in every quarter (most_cases: a lower bound on the
    distinct cases behind it)."""
    df = base.run(db, "followup_by_band", sel.params())
    df = base.in_order(df, "duration_band", _band_keys())
    df = df.fillna({c: 0 for c in df.columns if c != "duration_band"})
    df["case_years"] = float("nan")
    df["per_case_year"] = float("nan")
    safe = base.protect(
        df,
        {
            "most_cases": Count(),
            "assessed_cases": Cases(),
            "assessments": Count(cases="assessed_cases"),
            "case_quarters": Count(cases="most_cases"),
            # case-years = case-quarters / 4; assessments per case-year = 4 x the ratio
            "case_years": Ratio(
                num="case_quarters", den=None, kind="count", scale=0.25, over="most_cases"
            ),
            "per_case_year": Ratio(
                num="assessments", den="case_quarters", kind="rate", scale=4.0, over="most_cases"
            ),
        },
        db,
        group_by=["duration_band"],
    )
    return _band_labels(safe).sort_values("band_order").reset_index(drop=True)


def followup_trend(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Quarter by quarter: assessments per case-year of the cases active in the quarter
    (every quarter of the period present); each quarter is a group of its own."""
    df = base.run(db, "followup_trend", sel.params())
    quarters = pd.date_range(pd.Timestamp(sel.q_from), pd.Timestamp(sel.q_to), freq="QS")
    df["quarter"] = pd.to_datetime(df["quarter"])
    df = base.in_order(df, "quarter", quarters)
    df = df.fillna({c: 0 for c in df.columns if c != "quarter"})
    df["per_case_year"] = float("nan")
    safe = base.protect(
        df,
        {
            "active_cases": Count(),
            "assessed_cases": Cases(),
            "assessments": Count(cases="assessed_cases"),
            "per_case_year": Ratio(num="assessments", den="active_cases", kind="rate", scale=4.0),
        },
        db,
        group_by=["quarter"],
    )
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    safe["series"] = i18n.t("casemgmt.followup.series")
    return safe


def setbacks(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per outcome dimension over the quarters of the period: scores compared with the
    case's previous score, how many were lower (setbacks), and their share."""
    df = base.run(db, "setbacks", sel.params())
    df = base.in_order(df, "dimension", outcomes.dimension_order())
    df = df.fillna({c: 0 for c in df.columns if c != "dimension"})
    df["share_setback"] = float("nan")
    safe = base.protect(
        df,
        {
            "compared_cases": Cases(),
            "setback_cases": Cases(),
            "compared": Count(cases="compared_cases"),
            "setbacks": Count(cases="setback_cases"),
            "share_setback": Ratio(num="setbacks", den="compared", kind="share"),
        },
        db,
    )
    return outcomes.add_dimension_labels(safe).sort_values("dimension_order").reset_index(drop=True)
