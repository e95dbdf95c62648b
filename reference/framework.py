"""The reintegration framework (data/reference/framework.yaml), loaded once.

Both the ETL and the dashboard read the framework through this module, so labels,
orderings, thresholds and code lists live in one file. Nothing here imports streamlit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from reference import paths
from reference.geography import unknown_province

# libyaml's parser is ~10x faster than the pure-Python one; fall back where it is missing
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FRAMEWORK_FILE = paths.FRAMEWORK_FILE
SUBMISSION_FILE = paths.SUBMISSION_FILE
SCHEMA_DIR = paths.SCHEMA_DIR


def norm(text: object) -> str:
    """Normalise a label for matching: Latin accents off, lower case, single spaces.

    'Phnom  Penh', 'phnom-penh' and 'Phnom_Penh' match; 'Đà Nẵng' matches 'Da Nang'.
    Marks on non-Latin letters (Khmer, Thai, Lao, Burmese vowel signs) are kept: there
    they are part of the word.
    """
    s = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    kept: list[str] = []
    for ch in s:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    s = unicodedata.normalize("NFC", "".join(kept))
    return re.sub(r"[\s_\-.'’]+", " ", s).strip().lower()


@dataclass(frozen=True, eq=False)  # identity hash: one instance per file
class Framework:
    data: dict[str, Any] = field(repr=False)

    # --- outcome framework -------------------------------------------------
    @cached_property
    def outcomes(self) -> list[dict]:
        return self.data["outcomes"]

    @cached_property
    def outcome_keys(self) -> list[str]:
        return [o["key"] for o in self.outcomes]

    @cached_property
    def person_outcome_keys(self) -> list[str]:
        return [o["key"] for o in self.outcomes if o["scope"] == "person"]

    def outcome(self, key: str) -> dict:
        return next(o for o in self.outcomes if o["key"] == key)

    @cached_property
    def service_areas(self) -> list[dict]:
        return self.data["service_areas"]

    @cached_property
    def service_area_keys(self) -> list[str]:
        return [s["key"] for s in self.service_areas]

    def service_area(self, key: str) -> dict:
        return next(s for s in self.service_areas if s["key"] == key)

    @cached_property
    def barriers(self) -> list[dict]:
        """Every barrier with its service area: [{code, label, service_area}]."""
        return [{**b, "service_area": s["key"]} for s in self.service_areas for b in s["barriers"]]

    @cached_property
    def scale(self) -> list[dict]:
        return self.data["scale"]["levels"]

    @cached_property
    def achieved_threshold(self) -> int:
        return int(self.data["scale"]["achieved_threshold"])

    @cached_property
    def min_score(self) -> int:
        return min(level["score"] for level in self.scale)

    @cached_property
    def max_score(self) -> int:
        return max(level["score"] for level in self.scale)

    @cached_property
    def duration_bands(self) -> list[dict]:
        return self.data["duration_bands"]

    @cached_property
    def age_bands(self) -> list[dict]:
        return self.data["age_bands"]

    @cached_property
    def child_under_age(self) -> int:
        return int(self.data["child_under_age"])

    @cached_property
    def child_age_bands(self) -> list[str]:
        return [b["key"] for b in self.age_bands if b["min_age"] < self.child_under_age]

    @cached_property
    def adult_age_bands(self) -> list[str]:
        return [b["key"] for b in self.age_bands if b["min_age"] >= self.child_under_age]

    def duration_band_for(self, months: float) -> str:
        for band in self.duration_bands:
            upper = band["max_months"]
            if months >= band["min_months"] and (upper is None or months < upper):
                return band["key"]
        raise ValueError(f"no duration band for {months} months")

    def age_band_for(self, age: int) -> str:
        for band in self.age_bands:
            upper = band["max_age"]
            if age >= band["min_age"] and (upper is None or age <= upper):
                return band["key"]
        raise ValueError(f"no age band for age {age}")

    # --- code lists --------------------------------------------------------
    def code_list(self, name: str) -> list[dict]:
        """A list of {key, label, aliases}; 'service_areas' and 'barriers' included."""
        if name == "service_areas":
            return [
                {"key": s["key"], "label": s["label"], "aliases": []} for s in self.service_areas
            ]
        if name == "barriers":
            return [{"key": b["code"], "label": b["label"], "aliases": []} for b in self.barriers]
        if name == "outcomes":
            return [
                {"key": o["key"], "label": o["label"], "aliases": [o["short"]]}
                for o in self.outcomes
            ]
        return self.data[name]

    def label(self, list_name: str, key: str) -> str:
        for entry in self.code_list(list_name):
            if entry["key"] == key:
                return entry["label"]
        return key

    @cache  # noqa: B019 - the framework object lives for the whole process
    def alias_map(self, name: str) -> dict[str, str]:
        """Normalised key, label and aliases -> key, for reading submissions."""
        out: dict[str, str] = {}
        for entry in self.code_list(name):
            for text in [entry["key"], entry["label"], *entry.get("aliases", [])]:
                out.setdefault(norm(text), entry["key"])
        return out

    # --- geography ---------------------------------------------------------
    @cached_property
    def countries(self) -> list[dict]:
        return self.data.get("countries") or []

    @cached_property
    def country_codes(self) -> list[str]:
        return [c["code"] for c in self.countries]

    def country(self, code: str) -> dict:
        return next(c for c in self.countries if c["code"] == code)

    @cached_property
    def provinces(self) -> list[dict]:
        """Every current province: [{code, name, country, aliases, ...}] in file order."""
        return [{**p, "country": c["code"]} for c in self.countries for p in c.get("provinces", [])]

    @cached_property
    def province_names(self) -> dict[str, str]:
        names = {p["code"]: p["name"] for p in self.provinces}
        for c in self.countries:
            names[unknown_province(c["code"])] = f"{c['name']}: province not recorded"
        return names


@cache
def load(path: str | Path = FRAMEWORK_FILE) -> Framework:
    with open(path, encoding="utf-8") as fh:
        return Framework(yaml.load(fh, Loader=_Loader))  # noqa: S506 - a safe loader


@cache
def submission_spec(path: str | Path = SUBMISSION_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader
