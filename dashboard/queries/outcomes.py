"""Outcome dimensions (guidebook Table #6): latest scores, share achieved, change between
first and latest assessment. Snapshot columns of mart_outcomes, taken at the last quarter
of the period (per quarter for trends), summed over the selected cells, then divided.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.queries import base
from dashboard.queries.meta import countries
from dashboard.queries.selection import Selection
from dashboard.suppress import Count, Derived, Mean, protect_total, suppress
from reference import framework

# The measures a page may chart: column -> (format name, value range). Column names reach
# charts only from this allow-list.
MEASURES = ("mean_score", "share_achieved")
AREAS = ("country", "province")


def measure_format(measure: str):
    """How the measure's values are written (callable: value -> text)."""
    return base.fmt({"mean_score": "score", "share_achieved": "share"}[measure])


def measure_tickformat(measure: str) -> str:
    """Axis tick format (plotly/d3) for a measure."""
    return {"mean_score": ".1f", "share_achieved": ".0%"}[check_measure(measure)]


def measure_range(measure: str) -> tuple[float, float]:
    fw = framework.load()
    if measure == "mean_score":
        return float(fw.min_score), float(fw.max_score)
    if measure == "share_achieved":
        return 0.0, 1.0
    raise ValueError(measure)


def check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    return measure


def dimension_order() -> list[str]:
    return list(framework.load().outcome_keys)


def add_dimension_labels(df: pd.DataFrame) -> pd.DataFrame:
    order = {key: i for i, key in enumerate(dimension_order())}
    df["dimension_order"] = df["dimension"].map(order).fillna(len(order)).astype(int)
    df["dimension_label"] = [i18n.label("outcome", d) for d in df["dimension"]]
    df["dimension_short"] = [i18n.label("outcome", d, "short") for d in df["dimension"]]
    return df


def trend(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per quarter of the period x dimension: scored cases, mean latest score, share
    achieved (each quarter's own snapshot). Every dimension appears in every quarter."""
    df = base.run(db, "outcomes_trend", sel.params())
    quarters = pd.date_range(pd.Timestamp(sel.q_from), pd.Timestamp(sel.q_to), freq="QS")
    grid = pd.MultiIndex.from_product([quarters, dimension_order()], names=["quarter", "dimension"])
    df["quarter"] = pd.to_datetime(df["quarter"])
    df = df.set_index(["quarter", "dimension"]).reindex(grid).reset_index()
    df["scored_cases"] = df["scored_cases"].fillna(0)
    safe = suppress(
        df,
        {
            "scored_cases": Count(base.fmt("count")),
            "mean_score": Mean(n="scored_cases", fmt=base.fmt("score")),
            "share_achieved": Mean(n="scored_cases", fmt=base.fmt("share")),
        },
    )
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    return add_dimension_labels(safe)


def _rules() -> dict:
    f = base.fmt
    return {
        "scored_cases": Count(f("count")),
        "mean_score": Mean(n="scored_cases", fmt=f("score")),
        "share_achieved": Mean(n="scored_cases", fmt=f("share")),
        "paired_cases": Count(f("count")),
        "mean_first": Mean(n="paired_cases", fmt=f("score")),
        "mean_latest": Mean(n="paired_cases", fmt=f("score")),
        "share_improved": Mean(n="paired_cases", fmt=f("share")),
        "share_declined": Mean(n="paired_cases", fmt=f("share")),
    }


def by_area(db: base.Database, sel: Selection, area: str) -> pd.DataFrame:
    """Per country or province (area) x dimension at the end of the period.

    area='country' ignores the country and province filters (every country is shown).
    Complementary suppression per dimension protects the cases behind each figure (the
    totals appear elsewhere: the country comparison and the change table)."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}")
    if area == "country":
        sel = sel.replace(country=None, provinces=())
    df = base.run(db, "outcomes_by_area", sel.params(), area=area)
    if area == "country":  # every country shows, with 0 cases when it has none
        grid = pd.MultiIndex.from_product(
            [countries(df["area"]), dimension_order()], names=["area", "dimension"]
        )
        df = df.set_index(["area", "dimension"]).reindex(grid).reset_index()
        df["scored_cases"] = df["scored_cases"].fillna(0)
        df["paired_cases"] = df["paired_cases"].fillna(0)
    safe = suppress(df, _rules())
    safe = protect_total(
        safe, "scored_cases", by=["dimension"], dependents=("mean_score", "share_achieved")
    )
    safe = protect_total(
        safe,
        "paired_cases",
        by=["dimension"],
        dependents=("mean_first", "mean_latest", "share_improved", "share_declined"),
    )
    safe["area_label"] = [i18n.label(area, a) for a in safe["area"]]
    # '<CC>-UNK' (province not recorded) is not a place: after every province
    safe["unrecorded"] = safe["area"].astype(str).str.endswith("-UNK")
    safe = add_dimension_labels(safe)
    return safe.sort_values(["unrecorded", "area_label", "dimension_order"]).reset_index(drop=True)


def change(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per dimension, over the cases assessed at least twice by the end of the period:
    mean first score, mean latest score, the change, shares improved and declined."""
    df = base.run(db, "outcomes_by_area", sel.params(), area="all")
    df = base.in_order(df, "dimension", dimension_order())
    df["area"] = "all"
    df["scored_cases"] = df["scored_cases"].fillna(0)
    df["paired_cases"] = df["paired_cases"].fillna(0)
    df["change"] = df["mean_latest"] - df["mean_first"]
    rules = _rules()
    rules["change"] = Derived(of=("mean_first", "mean_latest"), fmt=base.fmt("delta_score"))
    safe = suppress(df, rules)
    return add_dimension_labels(safe)


def for_dimension(by_area_df: pd.DataFrame, dimension: str, measure: str) -> pd.DataFrame:
    """Rows of one dimension, best first (suppressed and empty rows, then "province not
    recorded", last), with the measure under the generic names value/value_label and the
    cases behind it as cases_label.
    Only selects and renames columns of an already suppressed frame."""
    check_measure(measure)
    part = by_area_df[by_area_df["dimension"] == dimension]
    out = pd.DataFrame(
        {
            "area": part["area"],
            "area_label": part["area_label"],
            "value": part[measure],
            "value_label": part[f"{measure}_label"],
            "cases": part["scored_cases"],
            "cases_label": part["scored_cases_label"],
        }
    )
    out["unrecorded"] = part["unrecorded"].to_numpy()
    out = out.sort_values(
        ["unrecorded", "value", "area_label"], ascending=[True, False, True], na_position="last"
    )
    out = out.reset_index(drop=True)
    ranked = out["value"].notna() & ~out["unrecorded"]  # "province not recorded": no rank
    out.insert(0, "rank", [str(i + 1) if r else "" for i, r in enumerate(ranked)])
    out.attrs.update(by_area_df.attrs)
    return out


def map_frame(one_dimension: pd.DataFrame) -> pd.DataFrame:
    """The frame dashboard.maps expects: province (or country code), value, label, cases."""
    out = pd.DataFrame(
        {
            "province": one_dimension["area"].astype(str),
            "value": one_dimension["value"].astype(float),
            "label": one_dimension["value_label"].astype(str),
            "cases": one_dimension["cases_label"].astype(str),
        }
    )
    out.attrs.update(one_dimension.attrs)
    return out
