"""Service areas: who received each service, coverage of those in need, the change in the
outcome each service supports, and the barriers survivors reported."""

from dashboard import charts, filters, i18n, tables, ui
from dashboard.i18n import t
from dashboard.queries import services
from reference import framework


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    areas = services.by_area(ctx.db, sel)

    ui.section(t("services.coverage.title"), t("services.coverage.text"))
    fig = charts.bar(
        areas,
        category="service_label",
        value="coverage",
        category_title=t("col.service_area"),
        value_title=t("services.coverage.label"),
        value_range=(0.0, 1.0),
        tickformat=".0%",
    )
    table = tables.view(
        areas,
        [
            ("service_label", t("col.service_area")),
            ("provided_cases", t("services.col.provided")),
            ("referred_cases", t("services.col.referred")),
            ("declined_cases", t("services.col.declined")),
            ("in_need_cases", t("services.col.in_need")),
            ("coverage", t("services.coverage.label")),
            ("provided_started", t("services.col.started")),
            ("cost_usd", t("services.col.cost")),
        ],
    )
    ui.chart_block(fig, table, t("services.coverage.reading"), "service_coverage")

    ui.section(t("services.change.title"), t("services.change.text"))
    fig = charts.dumbbell_apart(
        areas,
        areas["composite"],
        category="service_label",
        first="other_change",
        latest="received_change",
        first_name=t("services.change.other"),
        latest_name=t("services.change.received"),
        value_title=t("services.change.axis"),
        apart_title=t("services.change.axis_composite"),
    )
    table = tables.view(
        areas,
        [
            ("service_label", t("col.service_area")),
            ("judged_label", t("services.col.judged")),
            ("received_paired", t("services.col.received_paired")),
            ("received_change", t("services.change.received")),
            ("other_paired", t("services.col.other_paired")),
            ("other_change", t("services.change.other")),
            ("change_gap", t("services.col.gap")),
        ],
    )
    ui.chart_block(fig, table, t("services.change.reading"), "service_outcome_change")

    ui.section(t("services.barriers.title"), t("services.barriers.text"))
    keys = framework.load().service_area_keys
    area = filters.page_choice(
        "service",
        t("col.service_area"),
        ["all", *keys],
        format_func=lambda k: (
            t("services.barriers.all") if k == "all" else i18n.label("service_area", k)
        ),
    )
    reported = services.barriers(ctx.db, sel, None if area == "all" else area, top=15)
    if reported.empty:
        ui.no_rows()
        return
    fig = charts.bar(
        reported,
        category="barrier_label",
        value="reports",
        category_title=t("col.barrier"),
        value_title=t("services.barriers.reports"),
    )
    table = tables.view(
        reported,
        [
            ("service_label", t("col.service_area")),
            ("barrier_code", t("col.code")),
            ("barrier_label", t("col.barrier")),
            ("reports", t("services.barriers.reports")),
        ],
    )
    ui.chart_block(fig, table, t("services.barriers.reading"), f"barriers_{area}")


ui.run_page("service_areas", body)
