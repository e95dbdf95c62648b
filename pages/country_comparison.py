"""Country comparison (COMMIT secretariat): the six countries on every dimension, on the
same scale, with the cases behind each figure, and their trends."""

from dashboard import charts, filters, i18n, tables, ui
from dashboard.i18n import t
from dashboard.queries import caseload, outcomes


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    ui.reading(t("comparison.scope"))
    countries = [i18n.label("country", c) for c in ctx.options.countries]

    # 1. caseload per country
    ui.section(t("comparison.caseload.title"))
    per_country = caseload.by_country(ctx.db, sel)
    ui.table_block(
        tables.view(
            per_country,
            [
                ("area_label", t("col.country")),
                ("active_cases", t("kpi.active_cases.label")),
                ("new_cases", t("kpi.new_cases.label")),
                ("closed_cases", t("kpi.closed_cases.label")),
                ("assessed_cases", t("col.assessed_cases")),
                ("share_reintegrated", t("kpi.share_reintegrated.label")),
                ("composite_index", t("kpi.composite_index.label")),
            ],
        ),
        "countries_caseload",
        caption=t("comparison.caseload.reading"),
    )

    # 2. every dimension, same scale
    ui.section(t("comparison.outcomes.title"))
    measure = filters.page_choice(
        "measure",
        t("outcomes.measure"),
        outcomes.MEASURES,
        format_func=lambda m: t(f"measure.{m}.label"),
        widget="radio",
    )
    measure_title = t(f"measure.{measure}.label")
    by_country = outcomes.by_area(ctx.db, sel, "country")
    if by_country.empty:
        ui.no_rows()
    else:
        dims = by_country.drop_duplicates("dimension").sort_values("dimension_order")
        fig = charts.heatmap(
            by_country,
            x="area_label",
            y="dimension_label",
            z=measure,
            x_order=[c for c in countries if c in set(by_country["area_label"])],
            y_order=list(dims["dimension_label"]),
            x_title=t("col.country"),
            y_title=t("col.dimension"),
            z_title=measure_title,
            z_range=outcomes.measure_range(measure),
            tickformat=outcomes.measure_tickformat(measure),
        )
        table = tables.view(
            by_country.sort_values(["dimension_order", "area_label"]),
            [
                ("dimension_label", t("col.dimension")),
                ("area_label", t("col.country")),
                (measure, measure_title),
                ("scored_cases", t("col.cases_behind")),
            ],
        )
        ui.chart_block(
            fig, table, t(f"comparison.outcomes.reading_{measure}"), f"countries_outcomes_{measure}"
        )

    # 3. trends
    ui.section(t("comparison.trend.title"))
    trend_measure = filters.page_choice(
        "trend",
        t("comparison.trend.measure"),
        caseload.TREND_MEASURES,
        format_func=lambda m: t(f"kpi.{m}.label"),
        widget="radio",
    )
    trend = caseload.trend_by_country(ctx.db, sel)
    if trend.empty:
        ui.no_rows()
        return
    quarters = list(dict.fromkeys(trend["quarter_label"]))
    fig = charts.lines(
        trend,
        x="quarter_label",
        x_order=quarters,
        y=trend_measure,
        series="area_label",
        series_order=[c for c in countries if c in set(trend["area_label"])],
        x_title=t("col.quarter"),
        y_title=t(f"kpi.{trend_measure}.label"),
        # fitted to the data (within the measure's scale), one axis for the six countries
        y_range=charts.fitted_range(trend[trend_measure], caseload.trend_range(trend_measure)),
        tickformat=caseload.trend_tickformat(trend_measure),
    )
    table = tables.view(
        trend,
        [
            ("area_label", t("col.country")),
            ("quarter_label", t("col.quarter")),
            (trend_measure, t(f"kpi.{trend_measure}.label")),
            ("assessed_cases", t("col.assessed_cases")),
        ],
    )
    ui.chart_block(
        fig,
        table,
        t(f"comparison.trend.reading_{trend_measure}"),
        f"countries_trend_{trend_measure}",
    )


ui.run_page("country_comparison", body, scope=lambda sel: sel.replace(country=None, provinces=()))
