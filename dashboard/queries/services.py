"""Service areas (guidebook Table #7): provision, coverage of those in need, change in the
outcome each service supports, cost over the period, and the barriers survivors reported.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.protect import Cases, Count, Derived, Ratio, Sum
from dashboard.queries import base
from dashboard.queries.selection import Selection
from reference import framework


def _order(df: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(keys)}
    df["order"] = df[column].map(rank).fillna(len(rank)).astype(int)
    return df.sort_values("order").reset_index(drop=True)


COUNTS = (
    "provided_cases", "referred_cases", "declined_cases", "in_need_cases", "in_need_provided",
    "received_paired", "other_paired", "records_started", "provided_started",
)  # fmt: skip
CHANGE_UNIT = 1.0  # one score point (case management: index points, see below)
COST_UNIT = 0.0  # money: the noise scales with the mean cost per record


def _rules() -> dict:
    rules = {col: Count() for col in COUNTS}
    rules.update(
        {
            # records (and their cost) are events: hidden when fewer than k people's
            "started_cases": Cases(),
            "provided_started_cases": Cases(),
            "records_started": Count(cases="started_cases"),
            "provided_started": Count(cases="provided_started_cases"),
            "received_change_sum": Sum(n="received_paired", kind="delta_score", unit=CHANGE_UNIT),
            "other_change_sum": Sum(n="other_paired", kind="delta_score", unit=CHANGE_UNIT),
            "cost_usd": Sum(n="records_started", kind="usd", unit=COST_UNIT),
            "coverage": Ratio(num="in_need_provided", den="in_need_cases", kind="share"),
            "received_change": Ratio(
                num="received_change_sum", den="received_paired", kind="delta_score"
            ),
            "other_change": Ratio(num="other_change_sum", den="other_paired", kind="delta_score"),
            "change_gap": Derived(
                of=("received_change", "other_change"),
                kind="delta_score",
                compute=lambda received, other: received - other,
            ),
        }
    )
    return rules


def by_area(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row per service area (framework order, every area present)."""
    keys = list(framework.load().service_area_keys)
    df = base.run(db, "services_by_area", sel.params())
    df = base.in_order(df, "service_area", keys)
    df = df.fillna({c: 0 for c in df.columns if c != "service_area"})
    df = df.assign(
        coverage=float("nan"),
        received_change=float("nan"),
        other_change=float("nan"),
        change_gap=float("nan"),
    )
    # case management is judged on the composite index (0-100), the others on a 1-4 score
    fw = framework.load()
    composite = [not fw.service_area(s).get("primary_outcome") for s in df["service_area"]]
    kind = ["delta_index" if c else "delta_score" for c in composite]
    changes = (
        "received_change_sum",
        "other_change_sum",
        "received_change",
        "other_change",
        "change_gap",
    )
    safe = base.protect(df, _rules(), db, kinds=dict.fromkeys(changes, kind))
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe["judged_label"] = [_judged(s) for s in safe["service_area"]]
    safe["composite"] = composite
    return _order(safe, "service_area", keys)


def _judged(service_area: str) -> str:
    fw = framework.load()
    primary = fw.service_area(service_area).get("primary_outcome")
    return i18n.label("outcome", primary, "short") if primary else i18n.t("services.composite")


def barriers(
    db: base.Database, sel: Selection, service_area: str | None = None, *, top: int | None = None
) -> pd.DataFrame:
    """Barriers reported during the period, most reported first (framework labels); for one
    service area every barrier of its list appears, for all areas the `top` most reported."""
    fw = framework.load()
    if service_area is not None and service_area not in fw.service_area_keys:
        raise ValueError(f"unknown service area {service_area!r}")
    df = base.run(db, "barriers", sel.params())
    if service_area is not None:
        codes = [b["code"] for b in fw.barriers if b["service_area"] == service_area]
        df = df[df["service_area"] == service_area]
        df = base.in_order(df, "barrier_code", codes)
        df["service_area"] = service_area
        df = df.fillna({"reports": 0, "reports_key": 0, "report_cases": 0})
    rules = {"report_cases": Cases(), "reports": Count(cases="report_cases")}
    safe = base.protect(df, rules, db)
    safe["barrier_label"] = [i18n.label("barrier", c) for c in safe["barrier_code"]]
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe = safe.sort_values(
        ["reports", "barrier_code"], ascending=[False, True], na_position="last"
    )
    safe = safe.reset_index(drop=True)
    return safe.head(top) if top else safe
