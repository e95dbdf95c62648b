"""The framework file (data/reference/framework.yaml): schema, guidebook structure, code lists.

Geography (countries:) is checked in test_geography.py.
"""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest
import yaml

from reference import framework
from reference.framework import FRAMEWORK_FILE, SCHEMA_DIR, norm

SCHEMA_FILE = SCHEMA_DIR / "framework.schema.json"

# Guidebook Table #6, in its order.
OUTCOMES = [
    "housing",
    "physical_health",
    "mental_health",
    "legal_status",
    "safety",
    "economic",
    "education",
    "social_environment",
    "legal_process",
    "family_wellbeing",
]
# Guidebook Table #7 / section 5, in its order.
SERVICE_AREAS = [
    "housing",
    "medical",
    "psychological",
    "education",
    "economic",
    "administrative",
    "legal",
    "safety",
    "family",
    "case_management",
]
# The natural link of each outcome to a service area (guidebook 2017, Table #7 and section 5).
OUTCOME_SERVICE_AREA = {
    "housing": "housing",
    "physical_health": "medical",
    "mental_health": "psychological",
    "legal_status": "administrative",
    "safety": "safety",
    "economic": "economic",
    "education": "education",
    "social_environment": "family",
    "legal_process": "legal",
    "family_wellbeing": "family",
}
# Top-level entries that are {key, label, aliases} lists read by the submission format.
CODE_LISTS = [
    "sexes",
    "forms_of_trafficking",
    "labour_sectors",
    "return_types",
    "settings",
    "closure_reasons",
    "service_statuses",
    "provider_types",
    "funding_sources",
]


@pytest.fixture(scope="module")
def raw() -> dict:
    with open(FRAMEWORK_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def schema() -> dict:
    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def fw() -> framework.Framework:
    return framework.load()


@pytest.fixture(scope="module")
def spec() -> dict:
    return framework.submission_spec()


def _columns(spec: dict) -> list[dict]:
    return [col for table in spec["tables"].values() for col in table.get("columns", [])]


def _duplicates(values) -> list:
    return sorted(v for v, n in Counter(values).items() if n > 1)


# --- schema ------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_framework_validates_against_schema(raw, schema):
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def test_schema_is_strict(raw, schema):
    """An unknown field anywhere is refused, and so is a badly formed key or code."""
    validator = jsonschema.Draft202012Validator(schema)
    bad_top = {**raw, "extra": 1}
    assert not validator.is_valid(bad_top)
    bad_outcome = {**raw, "outcomes": [{**raw["outcomes"][0], "colour": "red"}]}
    assert not validator.is_valid(bad_outcome)
    bad_key = {**raw, "sexes": [{"key": "Female", "label": "Female", "aliases": []}]}
    assert not validator.is_valid(bad_key)
    country = raw["countries"][0]
    province = {**country["provinces"][0], "code": "KH12"}
    bad_code = {**raw, "countries": [{**country, "provinces": [province]}]}
    assert not validator.is_valid(bad_code)


# --- outcomes and service areas ----------------------------------------------


def test_ten_outcomes_in_guidebook_order(fw):
    assert fw.outcome_keys == OUTCOMES


def test_outcome_scopes(fw):
    assert [o["scope"] for o in fw.outcomes] == ["person"] * 9 + ["family"]
    assert fw.person_outcome_keys == OUTCOMES[:9]


def test_ten_service_areas_in_guidebook_order(fw):
    assert fw.service_area_keys == SERVICE_AREAS


def test_every_outcome_links_to_an_existing_service_area(fw):
    links = {o["key"]: o["service_area"] for o in fw.outcomes}
    assert set(links.values()) <= set(fw.service_area_keys)
    assert links == OUTCOME_SERVICE_AREA


def test_every_primary_outcome_exists_and_links_back(fw):
    for area in fw.service_areas:
        primary = area["primary_outcome"]
        if primary is None:
            assert area["key"] == "case_management"
            continue
        assert primary in fw.outcome_keys, area["key"]
        assert fw.outcome(primary)["service_area"] == area["key"], area["key"]


def test_every_service_area_has_barriers_with_unique_codes(fw):
    codes = [b["code"] for b in fw.barriers]
    assert not _duplicates(codes)
    for area in fw.service_areas:
        prefixes = {b["code"].split("-")[0] for b in area["barriers"]}
        assert len(prefixes) == 1, area["key"]
        numbers = [int(b["code"].split("-")[1]) for b in area["barriers"]]
        assert numbers == list(range(1, len(numbers) + 1)), area["key"]
    prefixes = [area["barriers"][0]["code"].split("-")[0] for area in fw.service_areas]
    assert not _duplicates(prefixes)


def test_no_label_was_split_by_yaml(raw):
    """An unquoted comma in a flow mapping ({label: a, b}) splits the label into extra keys."""
    for area in raw["service_areas"]:
        for barrier in area["barriers"]:
            assert set(barrier) == {"code", "label"}, barrier
    for name in CODE_LISTS:
        for entry in raw[name]:
            assert set(entry) == {"key", "label", "aliases"}, entry


# --- keys -------------------------------------------------------------------


def test_keys_unique_in_every_list(fw, raw):
    lists = {
        "outcomes": fw.outcome_keys,
        "service_areas": fw.service_area_keys,
        "scale": [level["key"] for level in fw.scale],
        "duration_bands": [b["key"] for b in fw.duration_bands],
        "age_bands": [b["key"] for b in fw.age_bands],
        **{name: [e["key"] for e in raw[name]] for name in CODE_LISTS},
    }
    for name, keys in lists.items():
        assert keys, name
        assert not _duplicates(keys), name


# --- scale and bands ---------------------------------------------------------


def test_scale_levels_and_threshold(fw, raw):
    assert [level["score"] for level in fw.scale] == [1, 2, 3, 4]
    assert fw.achieved_threshold == 3
    assert fw.min_score <= fw.achieved_threshold <= fw.max_score
    composite = raw["scale"]["composite"]
    assert (composite["min_score"], composite["max_score"]) == (fw.min_score, fw.max_score)
    assert composite["scale_to"] == 100


def test_duration_bands_contiguous_from_zero_with_open_top(fw):
    bands = fw.duration_bands
    assert bands[0]["min_months"] == 0
    assert bands[-1]["max_months"] is None
    for lower, upper in zip(bands, bands[1:], strict=False):
        assert lower["max_months"] is not None, lower["key"]
        assert lower["min_months"] < lower["max_months"] == upper["min_months"], lower["key"]
    assert fw.duration_band_for(0) == bands[0]["key"]
    assert fw.duration_band_for(1000) == bands[-1]["key"]


def test_age_bands_contiguous_from_zero_with_open_top(fw):
    bands = fw.age_bands
    assert bands[0]["min_age"] == 0
    assert bands[-1]["max_age"] is None
    for lower, upper in zip(bands, bands[1:], strict=False):
        assert lower["max_age"] is not None, lower["key"]
        assert lower["min_age"] <= lower["max_age"] == upper["min_age"] - 1, lower["key"]
    assert all(fw.age_band_for(age) for age in range(0, 121))


def test_child_age_is_a_band_boundary(fw):
    assert fw.child_under_age == 18
    assert fw.child_under_age in {b["min_age"] for b in fw.age_bands}
    assert fw.child_age_bands and fw.adult_age_bands
    assert fw.age_band_for(fw.child_under_age - 1) in fw.child_age_bands
    assert fw.age_band_for(fw.child_under_age) in fw.adult_age_bands


# --- code lists --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [*CODE_LISTS, "outcomes", "service_areas", "barriers", "age_bands", "duration_bands"]
)
def test_code_list_aliases_do_not_collide(fw, name):
    owner: dict[str, str] = {}
    clashes = []
    for entry in fw.code_list(name):
        for text in [entry["key"], entry["label"], *entry.get("aliases", [])]:
            key = norm(text)
            if owner.setdefault(key, entry["key"]) != entry["key"]:
                clashes.append(f"{text!r} -> {owner[key]} and {entry['key']}")
    assert not clashes, f"{name}: " + "; ".join(clashes)


@pytest.mark.parametrize("name", [*CODE_LISTS, "outcomes", "service_areas", "barriers"])
def test_no_alias_normalises_to_nothing(fw, name):
    """norm('-') == norm('') == '': such an alias would also match a blank cell."""
    empty = [
        text
        for entry in fw.code_list(name)
        for text in [entry["key"], entry["label"], *entry.get("aliases", [])]
        if not norm(text)
    ]
    assert not empty, f"{name}: {empty} normalise to the empty string, as a blank cell does"


def test_alias_map_resolves_every_key_and_label(fw):
    for name in CODE_LISTS:
        aliases = fw.alias_map(name)
        for entry in fw.code_list(name):
            assert aliases[norm(entry["key"])] == entry["key"]
            assert aliases[norm(entry["label"])] == entry["key"]


# --- every entry of the framework is used ------------------------------------


def test_every_code_list_is_used_by_the_submission_format(raw, spec):
    used = {col["list"] for col in _columns(spec) if "list" in col}
    found = [
        name
        for name, value in raw.items()
        if isinstance(value, list)
        and value
        and isinstance(value[0], dict)
        and set(value[0]) == {"key", "label", "aliases"}
    ]
    assert sorted(found) == sorted(CODE_LISTS)
    assert not set(CODE_LISTS) - used, "code lists no submission column reads"
    assert {"service_areas", "barriers"} <= used


def test_every_list_named_by_the_submission_format_exists(fw, spec):
    for col in _columns(spec):
        if "list" in col:
            assert fw.code_list(col["list"]), col["name"]


def test_every_framework_section_has_a_consumer(raw, spec):
    """Each top-level section is read by the submission format or by a named consumer."""
    types = {col["type"] for col in _columns(spec)}
    lists = {col["list"] for col in _columns(spec) if "list" in col}
    outcome_columns = any(t.get("outcome_columns") for t in spec["tables"].values())
    consumers = {
        "version": True,
        "source": True,
        "outcomes": outcome_columns,  # one score column per outcome on the assessments table
        "scale": outcome_columns,  # those columns hold scores on this scale
        "service_areas": "service_areas" in lists and "barriers" in lists,
        "duration_bands": "date" in types,  # case duration from the opened/closed dates
        "child_under_age": "age" in types,
        "age_bands": "age" in types,
        "countries": {"country", "province"} <= types,
        **{name: name in lists for name in CODE_LISTS},
    }
    assert set(raw) == set(consumers), "a framework section without a consumer"
    assert all(consumers.values()), [k for k, ok in consumers.items() if not ok]
