"""Budget (donors): budgeted and spent per service area and funding source, cost per case
served, and what the cases served reached."""

from dashboard import charts, tables, ui
from dashboard.i18n import t
from dashboard.queries import budget


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    ui.reading(t("budget.scope", first=sel.q_from.year, last=sel.q_to.year))

    total = budget.totals(ctx.db, sel).iloc[0]
    cols = ui.columns(3)
    for col, (key, label) in zip(
        cols,
        [
            ("cost_usd", "budget.kpi.cost"),
            ("served_cases", "budget.kpi.served"),
            ("cost_per_case", "budget.kpi.per_case"),
        ],
        strict=True,
    ):
        col.metric(t(label), total[f"{key}_label"], border=True, help=t(f"{label}_help"))

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

    ui.section(t("budget.bought.title"), t("budget.bought.text"))
    fig = charts.bar(
        per_service,
        category="service_label",
        value="cost_per_case",
        category_title=t("col.service_area"),
        value_title=t("budget.col.per_case"),
    )
    table = tables.view(
        per_service,
        [
            ("service_label", t("col.service_area")),
            ("cost_usd", t("budget.col.cost")),
            ("served_cases", t("budget.col.served")),
            ("cost_per_case", t("budget.col.per_case")),
            ("share_reintegrated", t("budget.col.reintegrated")),
            ("paired_cases", t("col.paired_cases")),
            ("mean_change", t("budget.col.change")),
        ],
    )
    ui.chart_block(fig, table, t("budget.bought.reading"), "budget_per_case")


ui.run_page("budget", body, scope=lambda sel: sel.replace(sex=None, age_group=None, form=None))
