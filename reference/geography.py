"""The six countries' first-level divisions as the framework file lists them: the code
kept for a case whose province was not recorded, and every spelling of a province (code,
name, local script, former names and codes) that leads to its current code."""

from __future__ import annotations

from functools import cache


def unknown_province(country: str) -> str:
    """The province code stored when an agency did not record the province."""
    return f"{country}-UNK"


@cache
def province_aliases() -> dict[str, dict[str, str]]:
    """country -> {normalised code, name, alias, former name or former code -> current code}."""
    from reference import framework

    out: dict[str, dict[str, str]] = {}
    for p in framework.load().provinces:
        names = out.setdefault(p["country"], {})
        entries = [p, *p.get("successor_of", [])]
        for entry in entries:
            spellings = [entry["code"], entry.get("name", ""), entry.get("local", "")]
            for text in [*spellings, *entry.get("aliases", [])]:
                if text:
                    names.setdefault(framework.norm(text), p["code"])
            # also accept the code without the country prefix ('12' for KH-12)
            names.setdefault(framework.norm(entry["code"].split("-", 1)[1]), p["code"])
    return out


@cache
def country_aliases() -> dict[str, str]:
    """Normalised code, name or alias of each of the six countries -> its code."""
    from reference import framework

    out: dict[str, str] = {}
    for c in framework.load().countries:
        for text in [c["code"], c["name"], c.get("local", ""), *c.get("aliases", [])]:
            if text:
                out.setdefault(framework.norm(text), c["code"])
    return out
