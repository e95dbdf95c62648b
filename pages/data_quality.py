"""Data quality: which quarters each agency submitted, rows set aside at load and why,
and the loads log (file, SHA-256, counts, outcome)."""

from dashboard import charts, filters, tables, ui
from dashboard.i18n import t
from dashboard.queries import meta as meta_q
from dashboard.queries import quality


def body(ctx: ui.PageContext) -> None:
    sel = ctx.sel
    exact = quality.exact_records(ctx.db)  # the data team: exact row counts and the loads log
    log = quality.loads(ctx.db) if exact else None
    first, second = ui.columns(2)
    if log is not None:
        last = quality.last_load(log)
        first.metric(
            t("quality.last_load"), last or t("value.no_data"), help=t("quality.time_help")
        )
    second.metric(
        t("quality.published_at"),
        meta_q.timestamp_label(ctx.meta.get("published_at")) or t("value.no_data"),
    )

    # 1. submissions: agency x quarter
    ui.section(t("quality.submissions.title"), t("quality.submissions.text"))
    table_name = filters.page_choice(
        "table",
        t("quality.table.choose"),
        ["all", *quality.TABLES],
        format_func=lambda name: t(f"quality.table.{name}"),
        widget="radio",
    )
    grid = quality.submissions(ctx.db, sel, None if table_name == "all" else table_name)
    if grid.empty:
        ui.no_rows()
    else:
        agencies = sorted(grid["agency"].unique())
        quarters = list(dict.fromkeys(grid["quarter_label"]))
        fig = charts.heatmap(
            grid,
            x="quarter_label",
            y="agency",
            z="rows_loaded",
            x_order=quarters,
            y_order=agencies,
            x_title=t("col.quarter"),
            y_title=t("col.agency"),
            z_title=t("col.rows_loaded"),
        )
        table = tables.view(
            grid,
            [
                ("agency", t("col.agency")),
                ("quarter_label", t("col.quarter")),
                ("rows_loaded", t("col.rows_loaded")),
            ],
        )
        ui.chart_block(fig, table, t("quality.submissions.reading"), f"submissions_{table_name}")

    if not exact:
        ui.reading(t("quality.data_team_only"))
        return

    # 2. rows set aside
    ui.section(t("quality.quarantine.title"), t("quality.quarantine.text"))
    quarantined = quality.quarantine(ctx.db)
    if quarantined.empty:
        ui.no_rows("quality.quarantine.none")
    else:
        ui.table_block(
            tables.view(
                quarantined,
                [
                    ("table_label", t("col.table")),
                    ("reason_label", t("col.reason")),
                    ("column_name", t("col.column")),
                    ("rows", t("col.rows")),
                ],
            ),
            "rows_set_aside",
        )

    # 3. loads log
    ui.section(t("quality.loads.title"), t("quality.loads.text"))
    if log.empty:
        ui.no_rows()
    else:
        ui.table_block(
            tables.view(
                log,
                [
                    ("loaded_at_label", t("col.loaded_at")),
                    ("file_name", t("col.file")),
                    ("table_name", t("col.table")),
                    ("agencies_label", t("col.agencies")),
                    ("sha256", t("col.sha256")),
                    ("rows_read", t("col.rows_read")),
                    ("rows_loaded", t("col.rows_loaded")),
                    ("rows_quarantined", t("col.rows_quarantined")),
                    ("rows_replaced", t("col.rows_replaced")),
                    ("outcome_label", t("col.outcome")),
                ],
            ),
            "loads_log",
            static=True,  # every agency and the whole fingerprint, wrapped, never cut
            break_anywhere=[t("col.sha256")],
        )


ui.run_page(
    "data_quality", body, scope=lambda sel: sel.replace(sex=None, age_group=None, form=None)
)
