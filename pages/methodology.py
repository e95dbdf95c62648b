"""Methodology: the framework, how every figure is computed, how survivors are protected,
who sees what, data sources. Runs without data."""

import streamlit as st

from dashboard import config, framework_tables, ui
from dashboard.i18n import t
from dashboard.protect import k_value
from dashboard.queries import meta as meta_q
from reference import framework


def body(ctx: ui.PageContext) -> None:
    fw = framework.load()
    k = k_value()

    ui.section(
        t("method.outcomes.title"),
        t("method.outcomes.text", n=len(fw.outcomes), person=len(fw.person_outcome_keys)),
    )
    ui.reference_table(framework_tables.outcomes())

    ui.section(
        t("method.scale.title"),
        t(
            "method.scale.text",
            threshold=fw.achieved_threshold,
            low=fw.min_score,
            high=fw.max_score,
        ),
    )
    ui.reference_table(framework_tables.scale())

    ui.section(t("method.figures.title"))
    for key in (
        "snapshot",
        "active",
        "new_closed",
        "reintegrated",
        "composite",
        "median",
        "mean_score",
        "share_achieved",
        "change",
        "previous",
        "coverage",
        "time_to_reintegration",
        "by_band",
        "followup",
        "setbacks",
        "cost_per_case",
        "cost_per_reintegrated",
        "cells",
    ):
        st.markdown(t(f"method.figures.{key}", threshold=fw.achieved_threshold, k=k))

    settings = config.settings()
    ui.section(
        t("method.suppression.title"),
        t("method.suppression.text", k=k, max_noise=settings.max_noise),
    )
    st.markdown(t("method.suppression.table", k=k))
    ui.reference_table(framework_tables.perturbation())
    st.caption(t("method.suppression.references"))
    ui.section(t("method.access.title"), t("method.access.text"))
    ui.reference_table(framework_tables.roles())

    ui.section(t("method.services.title"), t("method.services.text"))
    for label, description, judged, barriers in framework_tables.service_areas():
        with st.expander(label):
            st.markdown(description)
            st.markdown(t("method.services.judged", outcome=judged))
            if not barriers.empty:
                ui.reference_table(barriers)

    ui.section(t("method.bands.title"), t("method.bands.text", age=fw.child_under_age))
    left, right = ui.columns(2)
    with left:
        st.markdown(f"**{t('method.bands.duration')}**")
        ui.reference_table(framework_tables.duration_bands())
    with right:
        st.markdown(f"**{t('method.bands.age')}**")
        ui.reference_table(framework_tables.age_bands())

    ui.section(
        t("method.sources.title"),
        t("method.sources.text", source=" ".join(str(fw.data.get("source", "")).split())),
    )
    if ctx.meta:
        st.markdown(
            t(
                "method.sources.publication",
                published=meta_q.timestamp_label(ctx.meta.get("published_at"))
                or t("value.no_data"),
                as_of=ctx.meta.get("as_of") or t("value.no_data"),
                version=ctx.meta.get("framework_version") or fw.data.get("version", ""),
            )
        )
    ui.section(t("method.synthetic.title"), t("method.synthetic.text"))


ui.run_page("methodology", body, needs_data=False)
