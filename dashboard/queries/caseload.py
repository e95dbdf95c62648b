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

from dashboard import i18n
from dashboard.queries import base
from dashboard.queries.meta import countries, data_range
from dashboard.queries.selection import Selection
from dashboard.suppress import (
    Count,
    Derived,
    Mean,
    k_value,
    protect_total,
    suppress,
    suppressed_text,
)

KPIS = (
    "active_cases",
    "new_cases",
    "closed_cases",
    "share_reintegrated",
    "composite_index",
    "median_months",
)
COUNT_KPIS = ("active_cases", "new_cases", "closed_cases")
# which count each mean is computed over
MEAN_KPIS = {
    "share_reintegrated": "assessed_cases",
    "composite_index": "assessed_cases",
    "median_months": "months_cases",
}
# KPI -> (value format, change format, change colouring for st.metric)
FORMATS = {
    "active_cases": ("count", "delta_count", "off"),
    "new_cases": ("count", "delta_count", "off"),
    "closed_cases": ("count", "delta_count", "off"),
    "share_reintegrated": ("share", "delta_pp", "normal"),
    "composite_index": ("index", "delta_index", "normal"),
    "median_months": ("months", "delta_months", "off"),
}


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


def median_months(db: base.Database, sel: Selection) -> tuple[float, int]:
    """(median whole months of case management, active cases it is taken over)."""
    hist = base.run(db, "months_histogram", sel.params())
    n = int(hist["active_cases"].sum()) if len(hist) else 0
    return weighted_median(hist["months"], hist["active_cases"]), n


def _figures(db: base.Database, sel: Selection) -> dict[str, float]:
    row = base.run(db, "caseload_totals", sel.params()).iloc[0].to_dict()
    row["median_months"], row["months_cases"] = median_months(db, sel)
    return {k: (math.nan if v is None or pd.isna(v) else float(v)) for k, v in row.items()}


def kpis(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row per key figure: kpi, value, value_label, n_label (cases behind it),
    delta, delta_label (None when no change can be shown), delta_note, delta_zero (the change
    shows as zero: no arrow), delta_color."""
    current = _figures(db, sel)
    first, _ = data_range(db)
    previous_sel = sel.previous()
    has_previous = first is not None and previous_sel.q_from >= first
    previous = _figures(db, previous_sel) if has_previous else dict.fromkeys(current, math.nan)

    wide: dict[str, float] = {}
    rules: dict = {}
    for n_col in ("assessed_cases", "months_cases"):
        for suffix, src in (("", current), ("_prev", previous)):
            wide[n_col + suffix] = src[n_col]
            rules[n_col + suffix] = Count()
    for kpi in KPIS:
        value_fmt, delta_fmt, _ = FORMATS[kpi]
        scale = 100.0 if kpi == "share_reintegrated" else 1.0  # change in percentage points
        wide[kpi], wide[f"{kpi}_prev"] = current[kpi], previous[kpi]
        wide[f"{kpi}_delta"] = (current[kpi] - previous[kpi]) * scale
        if kpi in COUNT_KPIS:
            rules[kpi] = Count(base.fmt(value_fmt))
            rules[f"{kpi}_prev"] = Count(base.fmt(value_fmt))
        else:
            n_col = MEAN_KPIS[kpi]
            rules[kpi] = Mean(n=n_col, fmt=base.fmt(value_fmt))
            rules[f"{kpi}_prev"] = Mean(n=f"{n_col}_prev", fmt=base.fmt(value_fmt))
        rules[f"{kpi}_delta"] = Derived(of=(kpi, f"{kpi}_prev"), fmt=base.fmt(delta_fmt))
    safe_frame = suppress(pd.DataFrame([wide]), rules)
    safe = safe_frame.iloc[0]

    rows = []
    for kpi in KPIS:
        n_col = MEAN_KPIS.get(kpi)
        delta = safe[f"{kpi}_delta"]
        if not has_previous:
            note = i18n.t("kpi.no_previous")
        elif safe[f"{kpi}_delta_label"] == suppressed_text():
            note = i18n.t("kpi.change_hidden", k=k_value())
        elif pd.isna(delta):
            note = i18n.t("kpi.change_no_data")
        else:
            note = i18n.t(
                "kpi.change_against",
                first=i18n.quarter_label(previous_sel.q_from),
                last=i18n.quarter_label(previous_sel.q_to),
                previous=safe[f"{kpi}_prev_label"],
            )
        delta_label = None if pd.isna(delta) else safe[f"{kpi}_delta_label"]
        # a change that shows as zero ("+0", "+0.0 pp") gets neither arrow nor colour
        zero = delta_label is not None and not re.search(r"[1-9]", delta_label)
        rows.append(
            {
                "kpi": kpi,
                "value": safe[kpi],
                "value_label": safe[f"{kpi}_label"],
                "n_label": safe[f"{n_col}_label"] if n_col else safe[f"{kpi}_label"],
                "delta": delta,
                "delta_label": delta_label,
                "delta_note": note,
                "delta_zero": zero,
                "delta_color": "off" if zero else FORMATS[kpi][2],
            }
        )
    out = pd.DataFrame(rows)
    out.attrs.update(safe_frame.attrs)
    return out


# --- per country (COMMIT secretariat) ---------------------------------------------------

AREA_COUNTS = ("active_cases", "new_cases", "closed_cases", "assessed_cases")


def _area_rules() -> dict:
    return {
        "active_cases": Count(base.fmt("count")),
        "new_cases": Count(base.fmt("count")),
        "closed_cases": Count(base.fmt("count")),
        "assessed_cases": Count(base.fmt("count")),
        "share_reintegrated": Mean(n="assessed_cases", fmt=base.fmt("share")),
        "composite_index": Mean(n="assessed_cases", fmt=base.fmt("index")),
    }


def by_country(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Caseload figures for each of the six countries (country and province filters are
    not applied: every country is shown), with complementary suppression of each count
    (the regional totals are shown on the Overview)."""
    sel = sel.replace(country=None, provinces=())
    df = base.run(db, "caseload_by_area", sel.params(), area="country")
    df = base.in_order(df, "area", countries(df["area"]))
    for col in AREA_COUNTS:
        df[col] = df[col].fillna(0)
    safe = suppress(df, _area_rules())
    for col in ("active_cases", "new_cases", "closed_cases"):
        safe = protect_total(safe, col)
    safe = protect_total(
        safe, "assessed_cases", dependents=("share_reintegrated", "composite_index")
    )
    safe["area_label"] = [i18n.label("country", c) for c in safe["area"]]
    return safe


def trend_by_country(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per quarter of the period and country: share reintegrated and composite index."""
    sel = sel.replace(country=None, provinces=())
    df = base.run(db, "caseload_trend", sel.params(), area="country")
    safe = suppress(df, _area_rules())
    # each quarter's regional total is shown elsewhere (Overview): protect per quarter
    for col in ("active_cases", "new_cases", "closed_cases"):
        safe = protect_total(safe, col, by=["quarter"])
    safe = protect_total(
        safe, "assessed_cases", by=["quarter"], dependents=("share_reintegrated", "composite_index")
    )
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    safe["area_label"] = [i18n.label("country", c) for c in safe["area"]]
    return safe


TREND_MEASURES = ("composite_index", "share_reintegrated")


def trend_range(measure: str) -> tuple[float, float]:
    """The measure's full scale (the limits of an axis fitted to the data)."""
    return {"composite_index": (0.0, 100.0), "share_reintegrated": (0.0, 1.0)}[measure]


def trend_tickformat(measure: str) -> str:
    return {"composite_index": ".0f", "share_reintegrated": ".0%"}[measure]
