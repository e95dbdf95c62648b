"""Every string a user sees goes through t(key, **kwargs).

Catalogues are YAML files in dashboard/locales/<code>.yaml (nested mappings; the dotted
path is the key). Adding a language = adding a catalogue file: it is listed by
available_locales() and offered in the sidebar. A key missing from the chosen catalogue
falls back to English; framework labels (outcomes, service areas, barriers, scale, bands,
code lists, countries, provinces) fall back to data/reference/framework.yaml, so
"outcome.housing.label" needs no English entry but a Khmer catalogue can translate it.

A key found nowhere raises in strict mode (GMS_I18N_STRICT=1, set by the tests) and
otherwise yields a readable stand-in, never the raw key. Nothing here imports streamlit;
the language of the current script run is held in a context variable.
"""

from __future__ import annotations

import contextvars
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from reference import framework

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
FALLBACK = "en"
log = logging.getLogger(__name__)

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=FALLBACK)

# catalogue prefix -> framework code list (framework.Framework.code_list names)
_CODE_LISTS = {
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


class MissingTranslation(KeyError):
    pass


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{path}."))
        elif value is not None:
            out[path] = str(value)
    return out


@lru_cache(maxsize=32)
def _catalogue_cached(path: str, mtime_ns: int) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return _flatten(yaml.safe_load(fh) or {})


def catalogue(code: str) -> dict[str, str]:
    path = LOCALES_DIR / f"{code}.yaml"
    if not path.is_file():
        return {}
    return _catalogue_cached(str(path), path.stat().st_mtime_ns)


def available_locales() -> list[str]:
    """Catalogue codes, English first."""
    codes = sorted(p.stem for p in LOCALES_DIR.glob("*.yaml"))
    return sorted(codes, key=lambda c: c != FALLBACK)


def set_locale(code: str | None) -> str:
    code = code if code in available_locales() else FALLBACK
    _locale.set(code)
    return code


def get_locale() -> str:
    return _locale.get()


def _strict() -> bool:
    return os.environ.get("GMS_I18N_STRICT", "") not in ("", "0", "false")


def _framework_text(key: str) -> str | None:
    """Labels held by the framework file, for keys like 'outcome.housing.label'."""
    parts = key.split(".")
    if len(parts) != 3:
        return None
    kind, code, field = parts
    fw = framework.load()
    try:
        if kind == "outcome":
            value = fw.outcome(code).get(field)
        elif kind == "service_area":
            value = fw.service_area(code).get(field)
        elif kind == "barrier":
            value = next((b.get(field) for b in fw.barriers if b["code"] == code), None)
        elif kind == "scale":
            value = next((lv.get(field) for lv in fw.scale if str(lv["score"]) == code), None)
        elif kind in ("duration_band", "age_band"):
            bands = fw.duration_bands if kind == "duration_band" else fw.age_bands
            value = next((b.get(field) for b in bands if b["key"] == code), None)
        elif kind in _CODE_LISTS:
            entries = fw.code_list(_CODE_LISTS[kind])
            value = next((e.get(field) for e in entries if e["key"] == code), None)
        elif kind == "country" and field == "label":
            value = next((c["name"] for c in fw.countries if c["code"] == code), None)
        elif kind == "province" and field == "label":
            value = next((p["name"] for p in fw.provinces if p["code"] == code), None)
        else:
            value = None
    except StopIteration:
        value = None
    return None if value is None else str(value)


def _lookup(key: str) -> str | None:
    for code in dict.fromkeys([get_locale(), FALLBACK]):
        text = catalogue(code).get(key)
        if text is not None:
            return text
    return _framework_text(key)


def has(key: str) -> bool:
    return _lookup(key) is not None


def t(key: str, **kwargs: Any) -> str:
    """The text for key in the current language, formatted with kwargs."""
    text = _lookup(key)
    if text is None:
        if _strict():
            raise MissingTranslation(key)
        log.warning("missing translation: %s", key)
        text = key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    if kwargs:
        try:
            return text.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            if _strict():
                raise
            log.warning("bad placeholders in translation %s", key)
    return text


# --- labels for codes -------------------------------------------------------------------


def label(kind: str, code: str | None, field: str = "label") -> str:
    """The label of a framework code: outcome, service_area, barrier, sex, form, country,
    province, age_band, duration_band, ... Unknown codes are shown as they are (a code,
    never a catalogue key)."""
    if code is None or code == "":
        return t(f"{kind}.all") if has(f"{kind}.all") else ""
    if kind == "province" and code.endswith("-UNK"):
        return t("province.not_recorded", country=label("country", code.split("-")[0]))
    if kind == "province" and code in framework.load().country_codes:
        # a country-level role's figures: every province folded into its country
        return t("province.whole_country", country=label("country", code))
    key = f"{kind}.{code}.{field}"
    text = _lookup(key)
    return text if text is not None else str(code)


def quarter_label(quarter: Any) -> str:
    """'2024 Q3' for the quarter starting on 2024-07-01 (date, datetime or Timestamp)."""
    return t("period.quarter", year=quarter.year, q=(quarter.month - 1) // 3 + 1)
