"""Budget (donors): budgeted and spent per service area and funding source, cost per case,
and what the cases served reached. Budget lines are per country, province (or national)
and year: the sex, child/adult and form filters do not apply to them; the years are those
of the chosen period.

Money is not a count of cases and is shown as is; a cost per case, a share or a mean over
the cases served is hidden when fewer than k cases are behind it.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.queries import base
from dashboard.queries.selection import Selection
from dashboard.suppress import Amount, Count, Derived, Mean, suppress
from etl import framework


def _cells(sel: Selection) -> dict:
    return sel.params()


def lines(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per service area and funding source: budgeted, spent, share of the budget spent."""
    fw = framework.load()
    df = base.run(db, "budget_lines", _cells(sel))
    df["spent_share"] = df["spent_usd"] / df["budgeted_usd"].where(df["budgeted_usd"] > 0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "budgeted_usd": Amount(f("usd")),
            "spent_usd": Amount(f("usd")),
            "spent_share": Derived(of=("budgeted_usd", "spent_usd"), fmt=f("share")),
        },
    )
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe["source_label"] = [i18n.label("funding_source", s) for s in safe["funding_source"]]
    rank = {k: i for i, k in enumerate(fw.service_area_keys)}
    safe["order"] = safe["service_area"].map(rank).fillna(len(rank)).astype(int)
    return safe.sort_values(["order", "funding_source"]).reset_index(drop=True)


def by_service(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per service area: budget lines summed over funding sources, and what the case-level
    spending bought (cost per case served, share reintegrated, change in the outcome the
    service supports)."""
    keys = list(framework.load().service_area_keys)
    budget = base.run(db, "budget_lines", _cells(sel))
    budget = budget.groupby("service_area", as_index=True)[["budgeted_usd", "spent_usd"]].sum()
    costs = base.run(db, "service_costs", _cells(sel)).set_index("service_area")
    df = budget.join(costs, how="outer").reindex(keys).rename_axis("service_area").reset_index()
    for col in ("budgeted_usd", "spent_usd", "cost_usd"):
        df[col] = df[col].fillna(0.0)
    for col in ("served_cases", "paired_cases"):
        df[col] = df[col].fillna(0)
    f = base.fmt
    safe = suppress(
        df,
        {
            "budgeted_usd": Amount(f("usd")),
            "spent_usd": Amount(f("usd")),
            "cost_usd": Amount(f("usd")),
            "served_cases": Count(f("count")),
            "cost_per_case": Mean(n="served_cases", fmt=f("usd")),
            "share_reintegrated": Mean(n="served_cases", fmt=f("share")),
            "paired_cases": Count(f("count")),
            "mean_change": Mean(n="paired_cases", fmt=f("delta_score")),
        },
    )
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    return safe


def totals(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row: cases served by any service, their share reintegrated, total case-level
    cost, cost per case."""
    df = base.run(db, "case_totals", _cells(sel))
    f = base.fmt
    return suppress(
        df,
        {
            "served_cases": Count(f("count")),
            "share_reintegrated": Mean(n="served_cases", fmt=f("share")),
            "cost_usd": Amount(f("usd")),
            "cost_per_case": Mean(n="served_cases", fmt=f("usd")),
        },
    )
