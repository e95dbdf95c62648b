"""Outcomes by province: a map of one dimension, the province x dimension grid, a ranked
table with the cases behind each figure, and the change between first and latest
assessment."""

from dashboard import charts, filters, i18n, tables, ui
from dashboard.i18n import t
from dashboard.protect import k_value
from dashboard.queries import outcomes


def body(ctx: ui.PageContext) -> None:
    from dashboard import maps  # drawn by dashboard/maps.py

    sel = ctx.sel
    area = "province" if sel.country else "country"
    left, middle, right = ui.columns(3)
    filters.drill_country(ctx.options, t("outcomes.drill"), container=left)
    dimension = filters.page_choice(
        "dimension",
        t("outcomes.dimension"),
        outcomes.dimension_order(),
        format_func=lambda d: i18n.label("outcome", d, "short"),  # full label in titles
        container=middle,
    )
    measure = filters.page_choice(
        "measure",
        t("outcomes.measure"),
        outcomes.MEASURES,
        format_func=lambda m: t(f"measure.{m}.label"),
        widget="radio",
        container=right,
    )
    measure_title = t(f"measure.{measure}.label")
    dim_label = i18n.label("outcome", dimension)
    area_title = t(f"col.{area}")
    place = i18n.label("country", sel.country) if sel.country else t("filters.all_countries")

    by_area = outcomes.by_area(ctx.db, sel, area)
    one = outcomes.for_dimension(by_area, dimension, measure)
    # one set of colour classes for the map and the heatmap: a colour means the same values
    edges = maps.class_edges(by_area[measure])
    value_format = outcomes.measure_format(measure)
    classes = (edges, maps.class_colors(len(edges) - 1), [value_format.format(e) for e in edges])

    # 1. the map
    ui.section(t(f"outcomes.map.title_{area}", dimension=dim_label, place=place))
    values = outcomes.map_frame(one)
    map_text = {
        "value_label": measure_title,
        "value_format": value_format,
        "edges": edges,
        "height": ui.map_height(),
        "cases_label": t("col.cases_behind"),
        "no_data_label": t("map.no_data"),
        "missing_label": t("map.missing", k=k_value()),
    }
    if area == "province":
        fig = maps.province_map(values, country=sel.country, **map_text)
        unshaped = maps.provinces_without_shape(list(one["area"]))
    else:
        fig = maps.country_map(values, **map_text)
        unshaped = []
    notes = []
    if unshaped:
        names = ", ".join(i18n.label("province", c) for c in unshaped)
        notes.append(t("outcomes.map.no_shape", names=names))
    if any(maps.is_unrecorded(c) for c in one["area"]):
        notes.append(t("outcomes.map.unrecorded"))
    note = " ".join(notes) or None
    ranked = tables.view(
        one,
        [
            ("rank", t("col.rank")),
            ("area_label", area_title),
            ("value", measure_title),
            ("cases", t("col.cases_behind")),
        ],
    )
    ui.chart_block(
        fig,
        ranked,
        t(f"outcomes.map.reading_{measure}", dimension=dim_label, area=t(f"area.{area}.plural")),
        f"outcomes_{area}_{dimension}_{measure}",
        note=note,
    )

    # 2. ranked table, shown open
    ui.section(t("outcomes.ranking.title", dimension=dim_label), t("outcomes.ranking.text"))
    ui.table_block(ranked, f"ranking_{area}_{dimension}_{measure}")

    # 3. area x dimension heatmap
    ui.section(t(f"outcomes.heatmap.title_{area}"))
    if by_area.empty:
        ui.no_rows()
    else:
        dims = by_area.drop_duplicates("dimension").sort_values("dimension_order")
        fig = charts.heatmap(
            by_area,
            x="dimension_short",
            y="area_label",
            z=measure,
            x_order=list(dims["dimension_short"]),
            y_order=list(dict.fromkeys(by_area["area_label"])),  # not recorded: last
            x_title=t("col.dimension"),
            y_title=area_title,
            z_title=measure_title,
            tickformat=outcomes.measure_tickformat(measure),
            classes=classes,
        )
        grid = tables.view(
            by_area,
            [
                ("area_label", area_title),
                ("dimension_label", t("col.dimension")),
                (measure, measure_title),
                ("scored_cases", t("col.cases_behind")),
            ],
        )
        ui.chart_block(
            fig,
            grid,
            t(f"outcomes.heatmap.reading_{measure}", area=t(f"area.{area}.plural")),
            f"outcomes_grid_{area}_{measure}",
        )

    # 4. change between first and latest assessment
    ui.section(t("outcomes.change.title"), t("outcomes.change.text"))
    change = outcomes.change(ctx.db, sel)
    fig = charts.dumbbell(
        change,
        category="dimension_short",
        first="mean_first",
        latest="mean_latest",
        first_name=t("outcomes.change.first"),
        latest_name=t("outcomes.change.latest"),
        value_title=t("measure.mean_score.label"),
        value_range=outcomes.measure_range("mean_score"),
    )
    table = tables.view(
        change,
        [
            ("dimension_label", t("col.dimension")),
            ("paired_cases", t("col.paired_cases")),
            ("mean_first", t("outcomes.change.first")),
            ("mean_latest", t("outcomes.change.latest")),
            ("change", t("outcomes.change.change")),
            ("share_improved", t("outcomes.change.improved")),
            ("share_declined", t("outcomes.change.declined")),
        ],
    )
    ui.chart_block(fig, table, t("outcomes.change.reading"), "outcome_change")


ui.run_page("outcomes_by_province", body)
