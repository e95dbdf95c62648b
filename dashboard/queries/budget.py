"""Budget (donors): budgeted and spent per service area and funding source, cost per case,
and what the cases served reached. Budget lines are per country, province (or national)
and year: the sex, child/adult and form filters do not apply to them; the years are those
of the chosen period.

Money is not a count of cases and is shown as is; a cost per case, a share or a mean over
the cases served is hidden when fewer than k cases are behind it.
"""

from __future__ import annotations

import pandas as pd

from dashboard import formats, i18n
from dashboard.protect import Amount, Cases, Count, Derived, Ratio, Sum
from dashboard.queries import base
from dashboard.queries.meta import countries
from dashboard.queries.selection import Selection
from reference import framework


def _cells(sel: Selection) -> dict:
    return sel.params()


def _case_years(names: tuple[str, ...]) -> dict:
    """Cases counted per year and summed over the years of the period: a case served in
    two years counts twice, so each count is hidden when the most cases of any one year
    (<name>_people, a lower bound on the people behind it) is under k."""
    rules: dict = {}
    for name in names:
        rules[f"{name}_people"] = Cases()
        rules[f"{name}_cases"] = Count(cases=f"{name}_people")
    return rules


def _spent_share() -> Derived:
    return Derived(
        of=("budgeted_usd", "spent_usd"),
        kind="share",
        compute=lambda budgeted, spent: spent / budgeted.where(budgeted > 0),
    )


def lines(db: base.Database, sel: Selection) -> pd.DataFrame:
    """Per service area and funding source: budgeted, spent, share of the budget spent."""
    fw = framework.load()
    df = base.run(db, "budget_lines", _cells(sel)).assign(spent_share=float("nan"))
    safe = base.protect(
        df,
        {"budgeted_usd": Amount(), "spent_usd": Amount(), "spent_share": _spent_share()},
        db,
        group_by=None,  # budget lines are not about cases
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
    df = df.fillna({c: 0 for c in df.columns if c != "service_area"})
    fw = framework.load()
    df["primary_outcome"] = [fw.service_area(s).get("primary_outcome") for s in df["service_area"]]
    ratios = (
        "spent_share",
        "cost_per_case",
        "share_reintegrated",
        "cost_per_reintegrated",
        "mean_change",
    )
    df = df.assign(**dict.fromkeys(ratios, float("nan")))
    safe = base.protect(
        df,
        {
            "budgeted_usd": Amount(),
            "spent_usd": Amount(),
            "spent_share": _spent_share(),
            **_case_years(("costed", "served", "reintegrated", "paired")),
            "cost_usd": Sum(n="costed_cases", kind="usd"),
            "change_sum": Sum(n="paired_cases", kind="delta_score", unit=1.0),
            "cost_per_case": Ratio(
                num="cost_usd", den="served_cases", kind="usd", over="costed_cases"
            ),
            "share_reintegrated": Ratio(num="reintegrated_cases", den="served_cases", kind="share"),
            "cost_per_reintegrated": Ratio(num="cost_usd", den="reintegrated_cases", kind="usd"),
            # case management has no primary outcome: its change is in composite index
            # points (0-100), not in score points (1-4)
            "mean_change": Ratio(num="change_sum", den="paired_cases", kind="delta_score"),
        },
        db,
        kinds=dict.fromkeys(
            ("change_sum", "mean_change"),
            ["delta_score" if o else "delta_index" for o in df["primary_outcome"]],
        ),
    )
    safe["service_label"] = [i18n.label("service_area", s) for s in safe["service_area"]]
    safe["service_short"] = [i18n.label("service_area", s, "short") for s in safe["service_area"]]
    safe["judged_label"] = [
        i18n.label("outcome", o, "short") if o else i18n.t("services.composite")
        for o in safe["primary_outcome"]
    ]
    return safe


PER_CASE = ("cost_per_case", "cost_per_reintegrated")


def spending_and_change(per_service: pd.DataFrame) -> pd.DataFrame:
    """The service areas judged on a 1-4 outcome score (not case management, judged on the
    composite index), for a chart of cost per case served against the mean change in that
    outcome; `shown` is False where either figure is hidden or missing. Only selects rows
    of an already suppressed frame."""
    part = per_service[per_service["primary_outcome"].notna()].copy()
    part["shown"] = part["cost_per_case"].notna() & part["mean_change"].notna()
    part.attrs.update(per_service.attrs)
    return part.reset_index(drop=True)


BREAKDOWNS = ("country", "province", "year")


def breakdown(db: base.Database, sel: Selection, by: str) -> pd.DataFrame:
    """Budgeted and spent (summed over service areas and funding sources) per country, per
    province (national lines apart, labelled as such) or per year of the period."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    df = base.run(db, "budget_by_area", _cells(sel))
    money = ["budgeted_usd", "spent_usd"]
    if by == "year":
        years = list(range(sel.q_from.year, sel.q_to.year + 1))
        out = df.groupby("year")[money].sum().reindex(years, fill_value=0.0)
        out = out.rename_axis("group").reset_index()
        out["group_label"] = [formats.year(y) for y in out["group"]]
        out["order"] = range(len(out))
    elif by == "country":
        out = df.groupby("country")[money].sum()
        out = out.reindex([c for c in countries(df["country"]) if c in out.index])
        out = out.rename_axis("group").reset_index()
        out["group_label"] = [i18n.label("country", c) for c in out["group"]]
        out["order"] = range(len(out))
    else:
        df["national"] = df["province"].fillna("") == ""
        df["group"] = df["province"].where(~df["national"], df["country"] + "-national")
        out = df.groupby(["group", "country", "national"], as_index=False)[money].sum()
        out["group_label"] = [
            i18n.t("budget.national", country=i18n.label("country", c))
            if national
            else i18n.label("province", g)
            for g, c, national in zip(out["group"], out["country"], out["national"], strict=True)
        ]
        rank = {c: i for i, c in enumerate(countries(out["country"]))}
        out["country_rank"] = out["country"].map(rank)
        out = out.sort_values(
            ["country_rank", "national", "group_label"], ascending=[True, False, True]
        )
        out = out.drop(columns=["country", "national", "country_rank"]).reset_index(drop=True)
        out["order"] = range(len(out))
    out["group_label"] = out["group_label"].astype("object")  # text, even with no rows
    return base.protect(
        out.assign(spent_share=float("nan")),
        {"budgeted_usd": Amount(), "spent_usd": Amount(), "spent_share": _spent_share()},
        db,
        group_by=None,  # budget lines are not about cases
        passthrough=("order", "group"),  # keys (the year, a code), not measures
    )


def totals(db: base.Database, sel: Selection) -> pd.DataFrame:
    """One row: cases served by any service, those reintegrated among them and their share,
    total case-level cost, cost per case served and per case reintegrated (a mean over
    the reintegrated cases: hidden when fewer than k)."""
    df = base.run(db, "case_totals", _cells(sel))
    df = df.assign(
        share_reintegrated=float("nan"),
        cost_per_case=float("nan"),
        cost_per_reintegrated=float("nan"),
    )
    return base.protect(
        df,
        {
            **_case_years(("served", "reintegrated", "costed")),
            "share_reintegrated": Ratio(num="reintegrated_cases", den="served_cases", kind="share"),
            "cost_usd": Sum(n="costed_cases", kind="usd"),
            "cost_per_case": Ratio(
                num="cost_usd", den="served_cases", kind="usd", over="costed_cases"
            ),
            "cost_per_reintegrated": Ratio(num="cost_usd", den="reintegrated_cases", kind="usd"),
        },
        db,
    )
