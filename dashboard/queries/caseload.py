"""Caseload figures: the Overview's key figures, the country comparison, trends.

Semantics (etl/publish/sql/contract.sql): snapshot figures (active, assessed, reintegrated,
composite index, months of case management) are taken at the last quarter of the period;
flows (new, closed) are summed over the period. Shares and means are divided after
summing. The change is against the period of equal length just before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from dashboard import formats, i18n
from dashboard.protect import Count, Ratio, Statistic, Sum, hidden_text, k_value
from dashboard.queries import base
from dashboard.queries.meta import countries, data_range
from dashboard.queries.selection import Selection

KPIS = (
    "active_cases",
    "new_cases",
    "closed_cases",
    "share_reintegrated",
    "composite_index",
    "median_months",
)
COUNT_KPIS = ("active_cases", "new_cases", "closed_cases")
# which count each figure is over (the cases behind it)
MEAN_KPIS = {
    "share_reintegrated": "assessed_cases",
    "composite_index": "assessed_cases",
    "median_months": "months_cases",
}
# KPI -> (value kind, change kind, change colouring for st.metric)
FORMATS = {
    "active_cases": ("count", "delta_count", "off"),
    "new_cases": ("count", "delta_count", "off"),
    "closed_cases": ("count", "delta_count", "off"),
    "share_reintegrated": ("share", "delta_pp", "normal"),
    "composite_index": ("index", "delta_index", "normal"),
    "median_months": ("months", "delta_months", "off"),
}
# one unit of the composite index noise's floor: a tenth of its 0-100 scale
INDEX_UNIT = 10.0


def caseload_rules() -> dict:
    """The caseload counts, the share reintegrated and the composite index (every frame of
    caseload figures: totals, per area, per quarter, per duration band)."""
    return {
        "active_cases": Count(),
        "new_cases": Count(),
        "closed_cases": Count(),
        "assessed_cases": Count(),
        "reintegrated_cases": Count(),
        "composite_sum": Sum(n="assessed_cases", kind="index", unit=INDEX_UNIT),
        "share_reintegrated": Ratio(num="reintegrated_cases", den="assessed_cases", kind="share"),
        "composite_index": Ratio(num="composite_sum", den="assessed_cases", kind="index"),
    }


def with_ratio_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Placeholders for the ratios protect() divides from the protected parts."""
    return df.assign(share_reintegrated=float("nan"), composite_index=float("nan"))


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    """Median of values repeated weight times (the mean of the two middle ones when the
    total is even); NaN when the total weight is 0."""
    pairs = sorted((float(v), int(w)) for v, w in zip(values, weights, strict=True) if w and w > 0)
    n = sum(w for _, w in pairs)
    if n == 0:
        return math.nan
    lo_pos, hi_pos = (n + 1) // 2, n // 2 + 1
    lo = hi = math.nan
    seen = 0
    for value, weight in pairs:
        if seen < lo_pos <= seen + weight:
            lo = value
        if seen < hi_pos <= seen + weight:
            hi = value
            break
        seen += weight
    return (lo + hi) / 2


def months_histogram(db: base.Database, sel: Selection) -> tuple[float, int, int]:
    """(median whole months of case management from the perturbed histogram, the active
    cases it is over, their record-key sum)."""
    hist = base.run(db, "months_histogram", sel.params())
    if hist.empty:
        return math.nan, 0, 0
    # each month's count with its noise (counts under k are never shown, so they stay as
    # they are); the median is a statistic of all of them, shown only over k cases or more
    weights = base.noisy(db, hist["active_cases"], hist["active_cases_key"])
    return (
        weighted_median(hist["months"], weights),
        int(hist["active_cases"].sum()),
        int(hist["active_cases_key"].sum()),
    )


def _figures(db: base.Database, sel: Selection) -> dict[str, float]:
    row = base.run(db, "caseload_totals", sel.params()).iloc[0].to_dict()
    row["median_months"], row["months_cases"], row["months_cases_key"] = months_histogram(db, sel)
    return {k: (math.nan if v is None or pd.isna(v) else float(v)) for k, v in row.items()}


def kpis(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row per key figure: kpi, value, value_label, n_label (cases behind it),
    delta, delta_label (None when no change can be shown), delta_note, delta_zero (the change
    shows as zero: no arrow), delta_color."""
    first, _ = data_range(db)
    previous_sel = sel.previous()
    has_previous = first is not None and previous_sel.q_from >= first
    periods = [_figures(db, sel)]
    if has_previous:
        periods.append(_figures(db, previous_sel))
    frame = with_ratio_columns(pd.DataFrame(periods)).assign(period=range(len(periods)))
    frame["median_months"] = [p["median_months"] for p in periods]
    rules = caseload_rules() | {
        "months_cases": Count(),
        "median_months": Statistic(n="months_cases", kind="months"),
    }
    frame = frame[[c for c in frame.columns if c in rules or c.endswith("_key") or c == "period"]]
    # the two periods are two groups of cases: each shows or hides on its own
    safe = base.protect(frame, rules, db, group_by=["period"], passthrough=("period",))
    current = safe.iloc[0]
    previous = safe.iloc[1] if has_previous else None

    rows = []
    for kpi in KPIS:
        value_kind, delta_kind, colour = FORMATS[kpi]
        n_col = MEAN_KPIS.get(kpi, kpi)
        scale = 100.0 if kpi == "share_reintegrated" else 1.0  # change in percentage points
        delta, delta_label = math.nan, None
        if previous is None:
            note = i18n.t("kpi.no_previous")
        elif hidden_text() in (current[f"{kpi}_label"], previous[f"{kpi}_label"]):
            note = i18n.t("kpi.change_hidden", k=k_value())
        elif pd.isna(current[kpi]) or pd.isna(previous[kpi]):
            note = i18n.t("kpi.change_no_data")
        else:
            delta = (current[kpi] - previous[kpi]) * scale
            delta_label = formats.number(formats.rounded(delta, delta_kind), delta_kind)
            note = i18n.t(
                "kpi.change_against",
                first=i18n.quarter_label(previous_sel.q_from),
                last=i18n.quarter_label(previous_sel.q_to),
                previous=previous[f"{kpi}_label"],
            )
        # a change that shows as zero ("+0", "+0.0 pp") gets neither arrow nor colour
        zero = delta_label is not None and not re.search(r"[1-9]", delta_label)
        rows.append(
            {
                "kpi": kpi,
                "value": current[kpi],
                "value_label": current[f"{kpi}_label"],
                "n_label": current[f"{n_col}_label"],
                "delta": delta,
                "delta_label": delta_label,
                "delta_note": note,
                "delta_zero": zero,
                "delta_color": "off" if zero else colour,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs.update(safe.attrs)
    return out


# --- per country (COMMIT secretariat) ---------------------------------------------------


def by_country(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Caseload figures for each of the six countries (country and province filters are
    not applied: every country is shown). Each country is a group of its own; the regional
    totals (Overview) are perturbed apart, so the countries may not add up to them exactly."""
    sel = sel.replace(country=None, provinces=())
    df = base.run(db, "caseload_by_area", sel.params(), area="country")
    df = base.in_order(df, "area", countries(df["area"]))
    df = with_ratio_columns(df.fillna({c: 0 for c in df.columns if c != "area"}))
    safe = base.protect(df, caseload_rules(), db, group_by=["area"])
    safe["area_label"] = [i18n.label("country", c) for c in safe["area"]]
    return safe


def trend_by_country(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per quarter of the period and country: share reintegrated and composite index."""
    sel = sel.replace(country=None, provinces=())
    df = with_ratio_columns(base.run(db, "caseload_trend", sel.params(), area="country"))
    safe = base.protect(df, caseload_rules(), db, group_by=["quarter", "area"])
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    safe["area_label"] = [i18n.label("country", c) for c in safe["area"]]
    return safe


TREND_MEASURES = ("composite_index", "share_reintegrated")


def trend_range(measure: str) -> tuple[float, float]:
    """The measure's full scale (the limits of an axis fitted to the data)."""
    return {"composite_index": (0.0, 100.0), "share_reintegrated": (0.0, 1.0)}[measure]


def trend_tickformat(measure: str) -> str:
    return {"composite_index": ".0f", "share_reintegrated": ".0%"}[measure]
