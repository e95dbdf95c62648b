"""Service areas (guidebook Table #7): provision, coverage of those in need, change in the
outcome each service supports, cost over the period, and the barriers survivors reported.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.queries import base
from dashboard.queries.selection import Selection
from dashboard.suppress import Amount, Count, Derived, Mean, suppress
from reference import framework


def _order(df: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(keys)}
    df["order"] = df[column].map(rank).fillna(len(rank)).astype(int)
    return df.sort_values("order").reset_index(drop=True)


def by_area(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row per service area (framework order, every area present)."""
    keys = list(framework.load().service_area_keys)
    df = base.run(db, "services_by_area", sel.params())
    df = base.in_order(df, "service_area", keys)
    counts = ("provided_cases", "referred_cases", "declined_cases", "in_need_cases",
              "received_paired", "other_paired", "provided_started")  # fmt: skip
    for col in counts:
        df[col] = df[col].fillna(0)
    df["cost_usd"] = df["cost_usd"].fillna(0.0)
    df["change_gap"] = df["received_change"] - df["other_change"]
    f = base.fmt
    rules = {col: Count(f("count")) for col in counts}
    rules.update(
        {
            "coverage": Mean(n="in_need_cases", fmt=f("share")),
            "received_change": Mean(n="received_paired", fmt=f("delta_score")),
            "other_change": Mean(n="other_paired", fmt=f("delta_score")),
            "change_gap": Derived(of=("received_change", "other_change"), fmt=f("delta_score")),
            "cost_usd": Amount(f("usd")),
        }
    )
    safe = suppress(df, rules)
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe["judged_label"] = [_judged(s) for s in safe["service_area"]]
    # case management is judged on the composite index (0-100), the others on a 1-4 score
    fw = framework.load()
    safe["composite"] = [
        not fw.service_area(s).get("primary_outcome") for s in safe["service_area"]
    ]
    for col in ("received_change", "other_change", "change_gap"):
        rows = safe["composite"] & safe[col].notna()
        safe.loc[rows, f"{col}_label"] = [f("delta_index").format(v) for v in safe.loc[rows, col]]
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
        df["reports"] = df["reports"].fillna(0)
    safe = suppress(df, {"reports": Count(base.fmt("count"))})
    safe["barrier_label"] = [i18n.label("barrier", c) for c in safe["barrier_code"]]
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe = safe.sort_values(
        ["reports", "barrier_code"], ascending=[False, True], na_position="last"
    )
    safe = safe.reset_index(drop=True)
    return safe.head(top) if top else safe
