"""Outcome dimensions (guidebook Table #6): latest scores, share achieved, change between
first and latest assessment. Snapshot columns of mart_outcomes, taken at the last quarter
of the period (per quarter for trends), summed over the selected cells, then divided.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.protect import Count, Derived, Ratio, Sum
from dashboard.queries import base
from dashboard.queries.meta import countries
from dashboard.queries.selection import Selection
from reference import framework

# The measures a page may chart: column -> (format name, value range). Column names reach
# charts only from this allow-list.
MEASURES = ("mean_score", "share_achieved")
AREAS = ("country", "province")


def measure_kind(measure: str) -> str:
    """The number kind of a measure (dashboard/formats.py)."""
    return {"mean_score": "score", "share_achieved": "share"}[check_measure(measure)]


def measure_format(measure: str) -> str:
    """The map legend's number format of a measure (a Python format string)."""
    return i18n.t(f"format.{measure_kind(measure)}")


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


SCORE_UNIT = 1.0  # one score point: the floor of a score sum's noise


def latest_rules() -> dict:
    """Cases scored, their mean latest score and the share achieved."""
    return {
        "scored_cases": Count(),
        "achieved_cases": Count(),
        "score_sum": Sum(n="scored_cases", kind="score", unit=SCORE_UNIT),
        "mean_score": Ratio(num="score_sum", den="scored_cases", kind="score"),
        "share_achieved": Ratio(num="achieved_cases", den="scored_cases", kind="share"),
    }


def change_rules() -> dict:
    """Over cases scored twice or more: mean first and latest score, shares improved and
    declined."""
    return {
        "paired_cases": Count(),
        "improved_cases": Count(),
        "declined_cases": Count(),
        "first_sum": Sum(n="paired_cases", kind="score", unit=SCORE_UNIT),
        "latest_sum": Sum(n="paired_cases", kind="score", unit=SCORE_UNIT),
        "mean_first": Ratio(num="first_sum", den="paired_cases", kind="score"),
        "mean_latest": Ratio(num="latest_sum", den="paired_cases", kind="score"),
        "share_improved": Ratio(num="improved_cases", den="paired_cases", kind="share"),
        "share_declined": Ratio(num="declined_cases", den="paired_cases", kind="share"),
    }


def with_ratio_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Placeholders for the ratios protect() divides from the protected parts."""
    ratios = ["mean_score", "share_achieved"]
    if "paired_cases" in df.columns:
        ratios += ["mean_first", "mean_latest", "share_improved", "share_declined"]
    return df.assign(**dict.fromkeys(ratios, float("nan")))


def _zero_filled(df: pd.DataFrame) -> pd.DataFrame:
    return df.fillna({c: 0 for c in df.columns if c.endswith(("_cases", "_key", "_sum"))})


def trend(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per quarter of the period x dimension: scored cases, mean latest score, share
    achieved (each quarter's own snapshot, a group of its own). Every dimension appears in
    every quarter."""
    df = base.run(db, "outcomes_trend", sel.params())
    quarters = pd.date_range(pd.Timestamp(sel.q_from), pd.Timestamp(sel.q_to), freq="QS")
    grid = pd.MultiIndex.from_product([quarters, dimension_order()], names=["quarter", "dimension"])
    df["quarter"] = pd.to_datetime(df["quarter"])
    df = df.set_index(["quarter", "dimension"]).reindex(grid).reset_index()
    safe = base.protect(
        with_ratio_columns(_zero_filled(df)), latest_rules(), db, group_by=["quarter"]
    )
    safe["quarter_label"] = [i18n.quarter_label(q) for q in safe["quarter"]]
    return add_dimension_labels(safe)


def by_area(db: base.Database, sel: Selection, area: str) -> pd.DataFrame:
    """Per country or province (area) x dimension at the end of the period; each area is a
    group of its own.

    area='country' ignores the country and province filters (every country is shown)."""
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
    df = with_ratio_columns(_zero_filled(df))
    safe = base.protect(df, latest_rules() | change_rules(), db, group_by=["area"])
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
    df = with_ratio_columns(_zero_filled(df)).assign(change=float("nan"))
    rules = latest_rules() | change_rules()
    rules["change"] = Derived(
        of=("mean_first", "mean_latest"),
        kind="delta_score",
        compute=lambda first, latest: latest - first,
    )
    return add_dimension_labels(base.protect(df, rules, db))


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
