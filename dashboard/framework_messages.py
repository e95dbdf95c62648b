"""The framework's own labels (data/reference/framework.yaml) as catalogue messages.

Outcomes (label, short name, description), the scale, service areas (label, short name,
description), barriers, duration and age bands, every code list, countries and provinces:
each becomes a message whose key (msgctxt) names where it comes from, e.g.
"outcome.housing.short" or "province.KH-12.label", and whose English text (msgid) is the
framework's. `python -m dashboard.catalogues update` writes them into the catalogues, where
each language translates them; dashboard.i18n reads the English from here, so a label
added to the framework shows in English before the catalogues are updated.

Default translations come from data, never from guesses: a province's and a country's
`local` name for the country's own `language`, and the other countries' names from CLDR
(the Unicode Common Locale Data Repository, shipped with Babel).

Nothing here imports streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from babel import Locale

from reference import framework

# key prefix -> framework code list (framework.Framework.code_list names)
CODE_LISTS = {
    "sex": "sexes",
    "form": "forms_of_trafficking",
    "labour_sector": "labour_sectors",
    "return_type": "return_types",
    "setting": "settings",
    "closure_reason": "closure_reasons",
    "service_status": "service_statuses",
    "provider_type": "provider_types",
    "funding_source": "funding_sources",
}
# the kinds of key (the first part) this module makes
KINDS = ("outcome", "service_area", "barrier", "scale", "duration_band", "age_band",
         *CODE_LISTS, "country", "province")  # fmt: skip
SOURCE = "data/reference/framework.yaml"
# Marks a message as made from the framework (an extracted comment in every catalogue), so
# `update` can tell it from the interface's own messages, which are kept by hand.
MARK = f"From {SOURCE}"


@dataclass(frozen=True)
class FrameworkMessage:
    key: str
    english: str
    note: str  # for translators: what the text is
    defaults: dict[str, str] = field(default_factory=dict)  # language -> default translation

    @property
    def comment(self) -> str:
        return f"{MARK}: {self.note}"


def _cldr_country(code: str, language: str) -> str | None:
    """CLDR's name of a country in a language, without its bracketed alternative
    ("Myanmar (Burma)" -> "Myanmar")."""
    try:
        name = Locale.parse(language).territories.get(code)
    except (ValueError, TypeError):
        return None
    return re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", name) if name else None


def _country_defaults(country: dict, languages: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for language in languages:
        if language == "en":
            continue
        if language == country.get("language") and country.get("local"):
            out[language] = country["local"]
        elif name := _cldr_country(country["code"], language):
            out[language] = name
    return out


@cache
def messages(fw: framework.Framework | None = None, languages: tuple[str, ...] = ()) -> tuple:
    """Every framework message, in the framework's order. `languages`: the catalogues whose
    default translations (local and CLDR names) to fill in."""
    fw = fw or framework.load()
    out: list[FrameworkMessage] = []

    def add(key: str, english: object, note: str, defaults: dict | None = None) -> None:
        if english is not None and str(english).strip():
            out.append(FrameworkMessage(key, " ".join(str(english).split()), note, defaults or {}))

    for i, o in enumerate(fw.outcomes, start=1):
        about = f"outcome of reintegration {i} of {len(fw.outcomes)} (guidebook Table #6)"
        add(f"outcome.{o['key']}.label", o["label"], f"{about}, full name")
        add(f"outcome.{o['key']}.short", o["short"], f"{about}, short name for chart labels")
        add(f"outcome.{o['key']}.description", o["description"], f"{about}, what it means")
    for level in fw.scale:
        add(f"scale.{level['score']}.label", level["label"], f"assessment score {level['score']}")
    for i, s in enumerate(fw.service_areas, start=1):
        about = f"service area {i} of {len(fw.service_areas)} (guidebook Table #7)"
        add(f"service_area.{s['key']}.label", s["label"], f"{about}, full name")
        add(f"service_area.{s['key']}.short", s.get("short"), f"{about}, short name for charts")
        add(f"service_area.{s['key']}.description", s["description"], f"{about}, its purpose")
        for b in s["barriers"]:
            add(
                f"barrier.{b['code']}.label",
                b["label"],
                f"a barrier survivors reported ({s['label']})",
            )
    for b in fw.duration_bands:
        add(f"duration_band.{b['key']}.label", b["label"], "months of case management")
    for b in fw.age_bands:
        add(f"age_band.{b['key']}.label", b["label"], "age when trafficked, in years")
    for prefix, list_name in CODE_LISTS.items():
        for entry in fw.code_list(list_name):
            add(f"{prefix}.{entry['key']}.label", entry["label"], f"code list {list_name}")
    for c in fw.countries:
        add(f"country.{c['code']}.label", c["name"], "country", _country_defaults(c, languages))
    for c in fw.countries:
        local = {c["language"]: None} if c.get("language") else {}
        for p in c.get("provinces", []):
            defaults = {lang: p["local"] for lang in local if lang in languages and p.get("local")}
            note = f"{c.get('division', 'province')} of {c['name']} ({p['code']}): a proper name"
            add(f"province.{p['code']}.label", p["name"], note, defaults)
    return tuple(out)


@cache
def english(fw: framework.Framework | None = None) -> dict[str, str]:
    """key -> English text of every framework message."""
    return {m.key: m.english for m in messages(fw or framework.load())}


@cache
def country_codes() -> frozenset[str]:
    return frozenset(framework.load().country_codes)


def is_framework_key(key: str) -> bool:
    return key in english()
