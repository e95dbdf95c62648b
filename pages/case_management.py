"""Case management and duration: how long cases have been followed, how outcomes differ by
time in case management, how often cases are assessed, how often scores fall back, and how
long it takes to reach reintegration."""

from dashboard import charts, filters, tables, ui
from dashboard.i18n import t
from dashboard.queries import casemgmt, outcomes
from reference import framework


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    threshold = framework.load().achieved_threshold
    bands = casemgmt.by_duration(ctx.db, sel)

    # 1. how long cases have been followed
    ui.section(t("casemgmt.duration.title"), t("casemgmt.duration.text"))
    fig = charts.bar(
        bands,
        category="band_label",
        value="active_cases",
        category_title=t("col.band"),
        value_title=t("kpi.active_cases.label"),
    )
    table = tables.view(
        bands,
        [
            ("band_label", t("col.band")),
            ("active_cases", t("kpi.active_cases.label")),
            ("assessed_cases", t("col.assessed_cases")),
            ("share_reintegrated", t("kpi.share_reintegrated.label")),
            ("composite_index", t("kpi.composite_index.label")),
        ],
    )
    ui.chart_block(fig, table, t("casemgmt.duration.reading"), "duration_bands")

    # 2. share reintegrated by band
    ui.section(t("casemgmt.by_band.title"))
    fig = charts.bar(
        bands,
        category="band_label",
        value="share_reintegrated",
        category_title=t("col.band"),
        value_title=t("kpi.share_reintegrated.label"),
        value_range=(0.0, 1.0),
        tickformat=".0%",
    )
    ui.chart_block(fig, table, t("casemgmt.by_band.reading"), "duration_bands_reintegrated")

    # 3. every outcome by band
    ui.section(t("casemgmt.outcomes.title"), t("casemgmt.outcomes.text", threshold=threshold))
    measure = filters.page_choice(
        "measure",
        t("outcomes.measure"),
        outcomes.MEASURES,
        format_func=lambda m: t(f"measure.{m}.label"),
        widget="radio",
    )
    measure_title = t(f"measure.{measure}.label")
    grid = casemgmt.outcomes_by_band(ctx.db, sel)
    band_order = list(bands["band_label"])
    dims = grid.drop_duplicates("dimension").sort_values("dimension_order")
    fig = charts.heatmap(
        grid,
        x="band_label",
        y="dimension_short",
        z=measure,
        x_order=band_order,
        y_order=list(dims["dimension_short"]),
        x_title=t("col.band"),
        y_title=t("col.dimension"),
        z_title=measure_title,
        tickformat=outcomes.measure_tickformat(measure),
    )
    table = tables.view(
        grid,
        [
            ("dimension_label", t("col.dimension")),
            ("band_label", t("col.band")),
            (measure, measure_title),
            ("scored_cases", t("col.cases_behind")),
        ],
    )
    ui.chart_block(
        fig,
        table,
        t(f"casemgmt.outcomes.reading_{measure}", threshold=threshold),
        f"outcomes_by_band_{measure}",
    )

    # 4. follow-up intensity
    ui.section(t("casemgmt.followup.title"), t("casemgmt.followup.text"))
    rate_title = t("casemgmt.followup.per_case_year")
    by_band, over_time = ui.columns(2)
    followup = casemgmt.followup_by_band(ctx.db, sel)
    with by_band:
        fig = charts.bar(
            followup,
            category="band_label",
            value="per_case_year",
            category_title=t("col.band"),
            value_title=rate_title,
        )
        table = tables.view(
            followup,
            [
                ("band_label", t("col.band")),
                ("per_case_year", rate_title),
                ("assessments", t("casemgmt.followup.assessments")),
                ("case_years", t("casemgmt.followup.case_years")),
                ("most_cases", t("casemgmt.followup.most_cases")),
            ],
        )
        ui.chart_block(fig, table, t("casemgmt.followup.reading_band"), "followup_by_band")
    trend = casemgmt.followup_trend(ctx.db, sel)
    with over_time:
        quarters = list(trend["quarter_label"])
        fig = charts.lines(
            trend,
            x="quarter_label",
            x_order=quarters,
            y="per_case_year",
            series="series",
            series_order=list(dict.fromkeys(trend["series"])),
            x_title=t("col.quarter"),
            y_title=rate_title,
            y_range=charts.zero_based_range(trend["per_case_year"]),
            height=max(240, 60 + 28 * len(followup)),
        )
        table = tables.view(
            trend,
            [
                ("quarter_label", t("col.quarter")),
                ("per_case_year", rate_title),
                ("assessments", t("casemgmt.followup.assessments")),
                ("active_cases", t("kpi.active_cases.label")),
            ],
        )
        ui.chart_block(fig, table, t("casemgmt.followup.reading_trend"), "followup_trend")

    # 5. setbacks
    ui.section(t("casemgmt.setbacks.title"), t("casemgmt.setbacks.text"))
    fell = casemgmt.setbacks(ctx.db, sel)
    fig = charts.bar(
        fell,
        category="dimension_short",
        value="share_setback",
        category_title=t("col.dimension"),
        value_title=t("casemgmt.setbacks.share"),
        tickformat=".0%",
    )
    table = tables.view(
        fell,
        [
            ("dimension_label", t("col.dimension")),
            ("share_setback", t("casemgmt.setbacks.share")),
            ("setbacks", t("casemgmt.setbacks.setbacks")),
            ("compared", t("casemgmt.setbacks.compared")),
        ],
    )
    ui.chart_block(fig, table, t("casemgmt.setbacks.reading"), "setbacks")

    # 6. time to reintegration
    ui.section(t("casemgmt.survival.title"), t("casemgmt.survival.text"))
    median = casemgmt.median_time(ctx.db, sel).iloc[0]
    ui.columns(3)[0].metric(
        t("casemgmt.median"),
        median["median_months_label"],
        help=t("kpi.cases_behind", n=median["cases_label"]),
        border=True,
    )
    curve = casemgmt.time_to_reintegration(ctx.db, sel)
    if curve.empty:
        ui.no_rows()
        return
    fig = charts.curve(
        curve,
        x="months",
        y="reintegrated_by",
        x_title=t("casemgmt.survival.months"),
        y_title=t("casemgmt.survival.share"),
        y_range=(0.0, 1.0),
        tickformat=".0%",
    )
    table = tables.view(
        curve,
        [
            ("months_label", t("casemgmt.survival.months")),
            ("at_risk", t("casemgmt.survival.at_risk")),
            ("reintegrated_by", t("casemgmt.survival.share")),
        ],
    )
    ui.chart_block(fig, table, t("casemgmt.survival.reading"), "time_to_reintegration")


ui.run_page("case_management", body)
