"""Overview: key figures with their change, and the trend of every outcome dimension."""

from dashboard import charts, filters, tables, ui
from dashboard.i18n import t
from dashboard.queries import caseload, outcomes


def body(ctx: ui.PageContext) -> None:
    ui.kpis(caseload.kpis(ctx.db, ctx.sel))
    ui.reading(t("overview.kpi_reading"))
    ui.section(t("overview.trend.title"), t("overview.trend.text"))

    measure = filters.page_choice(
        "measure",
        t("outcomes.measure"),
        outcomes.MEASURES,
        format_func=lambda m: t(f"measure.{m}.label"),
        widget="radio",
    )
    trend = outcomes.trend(ctx.db, ctx.sel)
    order = outcomes.dimension_order()
    quarters = list(dict.fromkeys(trend["quarter_label"]))
    fig = charts.small_multiples(
        trend,
        facet="dimension",
        facet_order=order,
        facet_titles=dict(zip(trend["dimension"], trend["dimension_short"], strict=True)),
        x="quarter_label",
        x_order=quarters,
        y=measure,
        y_title=t(f"measure.{measure}.label"),
        y_range=outcomes.measure_range(measure),
        tickformat=outcomes.measure_tickformat(measure),
    )
    table = tables.view(
        trend.sort_values(["dimension_order", "quarter"]),
        [
            ("dimension_label", t("col.dimension")),
            ("quarter_label", t("col.quarter")),
            (measure, t(f"measure.{measure}.label")),
            ("scored_cases", t("col.cases_behind")),
        ],
    )
    ui.chart_block(
        fig,
        table,
        t(f"overview.trend.reading_{measure}", first=quarters[0], last=quarters[-1]),
        f"outcome_trend_{measure}",
    )


ui.run_page("overview", body)
