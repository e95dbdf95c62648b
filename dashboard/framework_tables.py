"""The framework (data/reference/framework.yaml) and the roles (dashboard.yaml) as tables of
text for the Methodology page. Reference text only: no figure from the data passes here.
Nothing here imports streamlit."""

from __future__ import annotations

import pandas as pd

from dashboard import access, cellkey, formats, i18n
from dashboard.i18n import t
from reference import framework


def _text(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype(str)


def outcomes() -> pd.DataFrame:
    fw = framework.load()
    return _text(
        [
            {
                t("col.number"): i + 1,
                t("col.dimension"): i18n.label("outcome", o["key"]),
                t("method.col.about"): t(f"method.scope.{o['scope']}"),
                t("method.col.meaning"): i18n.label("outcome", o["key"], "description"),
                t("method.col.service_area"): i18n.label("service_area", o["service_area"])
                if o.get("service_area")
                else "",
            }
            for i, o in enumerate(fw.outcomes)
        ]
    )


def scale() -> pd.DataFrame:
    fw = framework.load()
    return _text(
        [
            {
                t("method.col.score"): level["score"],
                t("method.col.level"): i18n.label("scale", str(level["score"])),
                t("method.col.achieved"): t("method.answer_yes")
                if level["score"] >= fw.achieved_threshold
                else t("method.answer_no"),
            }
            for level in fw.scale
        ]
    )


def service_areas() -> list[tuple[str, str, str, pd.DataFrame]]:
    """(label, description, judged against, barriers table) per service area."""
    fw = framework.load()
    out = []
    for area in fw.service_areas:
        primary = area.get("primary_outcome")
        judged = i18n.label("outcome", primary) if primary else t("method.services.composite")
        barriers = _text(
            [
                {t("col.code"): b["code"], t("col.barrier"): i18n.label("barrier", b["code"])}
                for b in area.get("barriers", [])
            ]
        )
        out.append(
            (
                i18n.label("service_area", area["key"]),
                i18n.label("service_area", area["key"], "description"),
                judged,
                barriers,
            )
        )
    return out


def _band_range(low: object, high: object, unit: str, inclusive: bool) -> str:
    if high is None:
        return t(f"method.band.{unit}_from", low=low)
    key = "to_incl" if inclusive else "to_excl"
    return t(f"method.band.{unit}_{key}", low=low, high=high)


def duration_bands() -> pd.DataFrame:
    fw = framework.load()
    return _text(
        [
            {
                t("col.band"): i18n.label("duration_band", b["key"]),
                t("method.col.range"): _band_range(
                    b["min_months"], b["max_months"], "months", False
                ),
            }
            for b in fw.duration_bands
        ]
    )


def age_bands() -> pd.DataFrame:
    fw = framework.load()
    return _text(
        [
            {
                t("col.band"): i18n.label("age_band", b["key"]),
                t("method.col.range"): _band_range(b["min_age"], b["max_age"], "years", True),
                t("method.col.group"): t("filters.age_child", age=fw.child_under_age)
                if b["key"] in fw.child_age_bands
                else t("filters.age_adult", age=fw.child_under_age),
            }
            for b in fw.age_bands
        ]
    )


def code_list(kind: str, list_name: str) -> pd.DataFrame:
    fw = framework.load()
    return _text([{t("col.category"): i18n.label(kind, e["key"])} for e in fw.code_list(list_name)])


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]  # "COMMIT secretariat" keeps its capitals


def roles() -> pd.DataFrame:
    """The roles of data/reference/dashboard.yaml (access.roles): their pages and countries."""
    return _text(
        [
            {
                t("method.col.role"): _sentence(t(f"access.role.{role.key}")),
                t("method.col.pages"): ", ".join(t(f"page.{p}.title") for p in role.pages),
                t("method.col.countries"): t(
                    "method.access.one_country"
                    if role.one_country
                    else "method.access.every_country"
                ),
            }
            for role in access.roles().values()
        ]
    )


def perturbation() -> pd.DataFrame:
    """The perturbation table (data/reference/ptable.yaml): for a true count, the chance of
    each adjustment. Reference text: the method's parameters, not figures from the data."""
    table = cellkey.load()
    noises = sorted({d for row in table.rows.values() for d in row})
    rows = []
    for n, row in sorted(table.rows.items()):
        label = t("method.ptable.count_and_above", n=n) if n == table.top else str(n)
        entry = {t("method.ptable.count"): label}
        for d in noises:
            share = row.get(d, 0) / cellkey.RESOLUTION
            entry[f"{d:+d}"] = formats.number(share, "share") if d in row else "–"
        rows.append(entry)
    return _text(rows)
