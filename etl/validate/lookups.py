"""Map the distinct raw values of coded columns to framework keys.

Submissions spell the same thing many ways ('Phnom Penh', 'KH-12', 'ភ្នំពេញ'; 'Yes', 'Y',
'1'). Matching happens here, in Python, on the few distinct values of each column, with the
one normalisation the framework uses (framework.norm); the loader then joins the result
back in SQL. Each function returns {raw value: key}; values absent from the result are
invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pycountry

from reference import framework, geography
from reference.framework import norm
from reference.geography import unknown_province

UNKNOWN_WORDS = {"unknown", "not known", "not recorded", "n/a", "na", "-", "?"}
TRUE_WORDS = {"yes", "y", "1", "true", "t", "x", "oui", "si"}
FALSE_WORDS = {"no", "n", "0", "false", "f", "non"}


@cache
def any_country_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            if hasattr(c, attr):
                out.setdefault(norm(getattr(c, attr)), c.alpha_2)
    for text, code in geography.country_aliases().items():  # local names of the six, e.g. Lao PDR
        out.setdefault(text, code)
    out.setdefault(norm("Hong Kong"), "HK")
    out.setdefault(norm("Taiwan"), "TW")
    return out


def countries(values: Iterable[str]) -> dict[str, str]:
    aliases = geography.country_aliases()
    return {v: aliases[norm(v)] for v in values if norm(v) in aliases}


def any_countries(values: Iterable[str]) -> dict[str, str]:
    aliases = any_country_aliases()
    return {v: aliases[norm(v)] for v in values if norm(v) in aliases}


def provinces(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(raw country, raw province) -> province code; 'unknown' -> '<CC>-UNK'."""
    by_country = geography.province_aliases()
    out: dict[tuple[str, str], str] = {}
    for raw_country, raw_province in pairs:
        code = (
            geography.country_aliases().get(norm(raw_country)) if raw_country is not None else None
        )
        if code is None or raw_province is None:
            continue
        key = norm(raw_province)
        if key in UNKNOWN_WORDS:
            out[(raw_country, raw_province)] = unknown_province(code)
        elif key in by_country.get(code, {}):
            out[(raw_country, raw_province)] = by_country[code][key]
    return out


def codes(list_name: str, values: Iterable[str]) -> dict[str, str]:
    aliases = framework.load().alias_map(list_name)
    return {v: aliases[norm(v)] for v in values if norm(v) in aliases}


def booleans(values: Iterable[str]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for v in values:
        key = norm(v)
        if key in TRUE_WORDS:
            out[v] = True
        elif key in FALSE_WORDS:
            out[v] = False
    return out


def age_bands(values: Iterable[str]) -> dict[str, str]:
    """Whole years (0-120, '16', '16.0') or a band key/label -> band key; 'unknown' kept."""
    fw = framework.load()
    bands = fw.alias_map("age_bands")
    out: dict[str, str] = {}
    for v in values:
        key = norm(v)
        if re.fullmatch(r"\d{1,3}(\.0+)?", v.strip()) and 0 <= int(float(v)) <= 120:
            out[v] = fw.age_band_for(int(float(v)))
        elif key in bands:
            out[v] = bands[key]
        elif key in UNKNOWN_WORDS:
            out[v] = "unknown"
    return out


def scores(values: Iterable[str]) -> dict[str, int]:
    levels = {level["score"] for level in framework.load().scale}
    out: dict[str, int] = {}
    for v in values:
        if re.fullmatch(r"\d(\.0+)?", v.strip()) and int(float(v)) in levels:
            out[v] = int(float(v))
    return out


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def currencies(values: Iterable[str]) -> dict[str, str]:
    return {v: v.strip().upper() for v in values if v.strip().upper() in currency_codes()}
