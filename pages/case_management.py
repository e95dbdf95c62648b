"""Case management and duration: how long cases have been followed, how outcomes differ by
duration, and how long it takes to reach reintegration."""

from dashboard import charts, tables, ui
from dashboard.i18n import t
from dashboard.queries import casemgmt


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    bands = casemgmt.by_duration(ctx.db, sel)

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
