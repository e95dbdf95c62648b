"""Budget (donors): budgeted and spent per service area, country, province and year; cost
per case served and per case reintegrated; and the outcome change bought, against the cost.
"""

from dashboard import charts, filters, formats, tables, ui
from dashboard.i18n import t
from dashboard.protect import k_value
from dashboard.queries import budget


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    first, last = formats.year(sel.q_from.year), formats.year(sel.q_to.year)
    ui.reading(t("budget.scope", first=first, last=last))

    # key figures
    total = budget.totals(ctx.db, sel).iloc[0]
    figures = [
        ("cost_usd", "budget.kpi.cost"),
        ("served_cases", "budget.kpi.served"),
        ("cost_per_case", "budget.kpi.per_case"),
        ("reintegrated_cases", "budget.kpi.reintegrated"),
        ("share_reintegrated", "budget.kpi.share"),
        ("cost_per_reintegrated", "budget.kpi.per_reintegrated"),
    ]
    for row in (figures[:3], figures[3:]):
        for col, (key, label) in zip(ui.columns(3), row, strict=True):
            col.metric(
                t(label), total[f"{key}_label"], border=True, help=t(f"{label}_help", k=k_value())
            )

    # 1. per service area
    per_service = budget.by_service(ctx.db, sel)
    ui.section(t("budget.lines.title"), t("budget.lines.text"))
    fig = charts.grouped_bars(
        per_service,
        category="service_label",
        values=[("budgeted_usd", t("budget.col.budgeted")), ("spent_usd", t("budget.col.spent"))],
        category_title=t("col.service_area"),
        value_title=t("budget.col.usd"),
    )
    lines = budget.lines(ctx.db, sel)
    table = tables.view(
        lines,
        [
            ("service_label", t("col.service_area")),
            ("source_label", t("budget.col.source")),
            ("budgeted_usd", t("budget.col.budgeted")),
            ("spent_usd", t("budget.col.spent")),
            ("spent_share", t("budget.col.spent_share")),
        ],
    )
    ui.chart_block(fig, table, t("budget.lines.reading"), "budget_lines")

    # 2. per country, province or year
    ui.section(t("budget.areas.title"), t("budget.areas.text"))
    by = filters.page_choice(
        "budget_by",
        t("budget.areas.by"),
        budget.BREAKDOWNS,
        format_func=lambda b: t(f"budget.areas.{b}"),
        widget="radio",
    )
    if by == "province" and not sel.country:
        ui.no_rows("budget.areas.choose_country")
    else:
        if by == "province" and getattr(ctx.db, "geography", "province") == "country":
            ui.reading(t("access.geography_note"))
        groups = budget.breakdown(ctx.db, sel, by)
        if groups.empty:
            ui.no_rows()
        else:
            group_title = t(f"budget.areas.{by}")
            fig = charts.grouped_bars(
                groups,
                category="group_label",
                values=[
                    ("budgeted_usd", t("budget.col.budgeted")),
                    ("spent_usd", t("budget.col.spent")),
                ],
                category_title=group_title,
                value_title=t("budget.col.usd"),
            )
            table = tables.view(
                groups,
                [
                    ("group_label", group_title),
                    ("budgeted_usd", t("budget.col.budgeted")),
                    ("spent_usd", t("budget.col.spent")),
                    ("spent_share", t("budget.col.spent_share")),
                ],
            )
            ui.chart_block(fig, table, t(f"budget.areas.reading_{by}"), f"budget_by_{by}")

    # 3. cost per case served or reintegrated, per service area
    ui.section(t("budget.bought.title"), t("budget.bought.text"))
    per = filters.page_choice(
        "per",
        t("budget.bought.per"),
        budget.PER_CASE,
        format_func=lambda c: t(f"budget.col.{c}"),
        widget="radio",
    )
    fig = charts.bar(
        per_service,
        category="service_label",
        value=per,
        category_title=t("col.service_area"),
        value_title=t(f"budget.col.{per}"),
    )
    table = tables.view(
        per_service,
        [
            ("service_label", t("col.service_area")),
            ("cost_usd", t("budget.col.cost")),
            ("served_cases", t("budget.col.served")),
            ("cost_per_case", t("budget.col.cost_per_case")),
            ("reintegrated_cases", t("budget.col.reintegrated_cases")),
            ("share_reintegrated", t("budget.col.reintegrated")),
            ("cost_per_reintegrated", t("budget.col.cost_per_reintegrated")),
            ("judged_label", t("services.col.judged")),
            ("paired_cases", t("col.paired_cases")),
            ("mean_change", t("budget.col.change")),
        ],
    )
    ui.chart_block(fig, table, t(f"budget.bought.reading_{per}", k=k_value()), f"budget_{per}")

    # 4. cost per case against the change in the outcome each service supports
    ui.section(t("budget.change.title"), t("budget.change.text"))
    points = budget.spending_and_change(per_service)
    omitted = [str(s) for s in points.loc[~points["shown"], "service_label"]]
    if not points["shown"].any():
        ui.no_rows()
    else:
        fig = charts.scatter(
            points,
            x="cost_per_case",
            y="mean_change",
            size="served_cases",
            label="service_short",
            hover_label="service_label",
            x_title=t("budget.col.cost_per_case"),
            y_title=t("budget.change.axis"),
            size_title=t("budget.col.served"),
            x_tickformat="$,.0f",
            y_tickformat="+.2f",
        )
        table = tables.view(
            points,
            [
                ("service_label", t("col.service_area")),
                ("judged_label", t("services.col.judged")),
                ("cost_per_case", t("budget.col.cost_per_case")),
                ("paired_cases", t("col.paired_cases")),
                ("mean_change", t("budget.col.change")),
                ("served_cases", t("budget.col.served")),
            ],
        )
        note = t("budget.change.case_management")
        if omitted:
            note += " " + t("budget.change.omitted", names=", ".join(omitted), k=k_value())
        ui.chart_block(fig, table, t("budget.change.reading"), "budget_cost_and_change", note=note)


ui.run_page(
    "budget",
    body,
    scope=lambda sel: sel.replace(sex=None, age_group=None, form=None),
    small_selections=True,  # budget lines are not about cases; the rest is protected figure by figure
)
