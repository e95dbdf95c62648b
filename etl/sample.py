"""Synthetic, calibrated submission sets: ``python -m etl sample``.

Writes the five tables of data/reference/submission.yaml (cases, assessments, services,
barriers, budgets) for as many cases as asked, fully vectorised with numpy so that a
million cases take seconds, and deterministic: the same seed and as_of give byte-identical
files. Every agency code starts with ``SYN-`` so the loader flags the load as synthetic, and
a README.txt in the output folder says so. No names, contacts, birth dates or free text.

Calibration (domain.md, the 252 survivors of *After Trafficking*): sex, children, country,
form of trafficking and labour sector, internal trafficking (overall and among children) and
destinations among international cases reproduce the study's shares; sex, form, age and
destination are drawn jointly (forced marriage mostly women to China, fishing mostly men to
Thailand, Malaysia and Indonesia) with the joint tables raked back onto those shares.

Case management: cases open between 2016-01-01 and as_of (volume rising, a dip in
2020-21); the first assessment falls within a month of opening, the next every 3-6 months
while the case is open. Outcome scores follow a latent trajectory per dimension: a case-level
pace of recovery (some cases decline), faster where the matching service (framework
outcome.service_area) was provided, with setbacks in single dimensions and occasional
crises across all of them. Cases close as reintegrated after two reintegrated assessments
in a row (from 18 months, more often after 24), or are lost to contact, decline further
support, are referred elsewhere, move away or (rarely) die; the rest are still open at as_of.

Country of reintegration is the country of origin, except for ~1% integrated in a new
country (setting new_country, return_type integration_at_destination): their country is the
COMMIT country they were trafficked to, so destination_country equals country for them too;
internal trafficking is return_type internal (destination_country = country otherwise).

Provinces, countries and every code list come from the framework (etl/framework.py);
exchange rates from data/reference/exchange_rates.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from etl import framework, paths

FORMATS = ("csv", "xlsx", "parquet")
TABLES = ("cases", "assessments", "services", "barriers", "budgets")
XLSX_FILE = "sample.xlsx"
README_FILE = "README.txt"
AGENCY_PREFIX = "SYN-"
FIRST_DATE = dt.date(2016, 1, 1)
EPOCH = dt.date(1970, 1, 1)
DAYS_PER_MONTH = 30.4375
EXCEL_MAX_ROWS = 1_048_575  # data rows under the header

# --- Calibration: the 252 survivors of After Trafficking (domain.md, Tables #2-#5) --------
RESPONDENTS = 252
SEX_COUNTS = {"female": 174, "male": 78}
CHILD_COUNT = 107  # under 18 when trafficked
ORIGIN_COUNTS = {"KH": 62, "CN": 8, "LA": 28, "MM": 79, "TH": 9, "VN": 66}
FORM_COUNTS = {
    "sexual_exploitation": 61,
    "labour": 123,
    "forced_marriage": 35,
    "sexual_and_labour": 20,
    "escaped_before_exploitation": 3,
    "begging_street_selling": 3,
    "unknown": 7,
}
SECTOR_COUNTS = {  # labour cases; some survivors named several sectors, normalised here
    "agriculture": 14,
    "construction": 13,
    "domestic_work": 25,
    "factory": 35,
    "fishing": 37,
    "service_sector": 8,
}
INTERNAL_COUNT, INTERNAL_CHILD_COUNT = 44, 37
DESTINATION_COUNTS = {  # 266 destinations named by the 252 survivors
    "TH": 102, "CN": 59, "MY": 41, "VN": 17, "KH": 16, "MM": 8, "HK": 2, "ID": 4,
    "IL": 2, "IT": 1, "JP": 2, "LA": 3, "SG": 4, "TW": 2, "GB": 1, "YE": 2,
}  # fmt: skip

# --- Plausibility (joint structure); marginals are raked back to the shares above ---------
FEMALE_PRIOR = {  # P(female) by form, and by sector for labour
    "sexual_exploitation": 0.97, "forced_marriage": 0.995, "sexual_and_labour": 0.85,
    "escaped_before_exploitation": 0.8, "begging_street_selling": 0.5, "unknown": 0.6,
    "agriculture": 0.45, "construction": 0.2, "domestic_work": 0.93, "factory": 0.6,
    "fishing": 0.03, "service_sector": 0.7,
}  # fmt: skip
CHILD_PRIOR = {
    "sexual_exploitation": 0.45, "forced_marriage": 0.45, "sexual_and_labour": 0.4,
    "escaped_before_exploitation": 0.5, "begging_street_selling": 0.85, "unknown": 0.4,
    "agriculture": 0.4, "construction": 0.3, "domestic_work": 0.55, "factory": 0.4,
    "fishing": 0.25, "service_sector": 0.45,
}  # fmt: skip
FORM_BY_ORIGIN = {  # affinity of origin country and form (forced marriage: VN, MM, LA)
    "sexual_exploitation": {"TH": 1.5, "LA": 1.4, "CN": 1.2, "MM": 0.8},
    "labour": {"KH": 1.3, "MM": 1.2, "VN": 0.7, "CN": 0.8},
    "forced_marriage": {"VN": 2.0, "MM": 1.6, "LA": 1.3, "KH": 0.6, "TH": 0.3},
}
DESTINATION_AFFINITY = {  # by form group; multiplies the study's destination counts
    "forced_marriage": {"CN": 12.0},
    "fishing": {"TH": 2.0, "MY": 1.5, "ID": 6.0, "TW": 1.5, "CN": 0.1, "HK": 0.2, "IL": 0.2,
                "IT": 0.2, "GB": 0.2, "LA": 0.1, "SG": 0.5, "JP": 0.5},
    "domestic_work": {"MY": 2.0, "SG": 3.0, "HK": 3.0, "TW": 2.0, "CN": 0.5},
    "sexual": {"TH": 1.5, "MY": 1.5, "JP": 1.5, "SG": 1.5, "CN": 0.5},
    "labour": {"TH": 1.3, "MY": 1.3, "IL": 2.0, "CN": 0.6},
}  # fmt: skip
CURRENCIES = {"KH": "KHR", "CN": "CNY", "LA": "LAK", "MM": "MMK", "TH": "THB", "VN": "VND"}
CURRENCY_ROUNDING = {"KHR": 100, "LAK": 1000, "VND": 1000, "MMK": 100, "CNY": 1, "THB": 1}
PRICE_LEVEL = {"CN": 1.5, "TH": 1.4, "VN": 1.0, "KH": 0.9, "LA": 0.8, "MM": 0.7}
GOVERNMENT_SHARE = {"TH": 0.75, "CN": 0.8, "VN": 0.55, "KH": 0.35, "LA": 0.25, "MM": 0.3}
USD_COST_SHARE = 0.15

# Outcome model: initial latent level per dimension (1-4 scale) and relative pace.
INITIAL_LEVEL = {
    "housing": 1.9, "physical_health": 1.9, "mental_health": 1.6, "legal_status": 2.2,
    "safety": 2.0, "economic": 1.4, "education": 1.7, "social_environment": 1.9,
    "legal_process": 2.0, "family_wellbeing": 1.8,
}  # fmt: skip
PACE = {"economic": 0.85, "education": 0.9, "legal_process": 0.75, "legal_status": 1.2,
        "physical_health": 1.1, "safety": 1.1}  # fmt: skip
# Service areas: how often chosen (before need), cost in USD (median), days provided.
SERVICE_POPULARITY = {"medical": 1.3, "psychological": 1.2, "economic": 1.5, "education": 0.8,
                      "housing": 0.8, "administrative": 0.7, "legal": 0.6, "safety": 0.5,
                      "family": 0.9}  # fmt: skip
SERVICE_COST_USD = {"housing": 600, "medical": 250, "psychological": 200, "education": 300,
                    "economic": 450, "administrative": 40, "legal": 350, "safety": 60,
                    "family": 150, "case_management": 500}  # fmt: skip
SERVICE_DAYS = {"housing": (30, 365), "medical": (1, 180), "psychological": (60, 365),
                "education": (180, 730), "economic": (90, 365), "administrative": (14, 180),
                "legal": (90, 1100), "safety": (1, 60), "family": (30, 365)}  # fmt: skip
CASE_MANAGEMENT = "case_management"
MAX_SERVICES = 7  # per case (2-7)
STATUS_SHARE = {"provided": 0.685, "referred": 0.195, "declined": 0.12}  # of non-CM services
PROVIDER_SHARE_NON_GOVERNMENT = {"ngo": 0.75, "international_organisation": 0.25}


# --- small helpers --------------------------------------------------------------------------
def _shares(counts: dict[str, float], keys: list[str] | None = None) -> np.ndarray:
    keys = list(counts) if keys is None else keys
    w = np.array([counts.get(k, 0) for k in keys], dtype=float)
    return w / w.sum()


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _years(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _pick(rng: np.random.Generator, probs: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn from one probability vector."""
    return np.searchsorted(np.cumsum(probs), rng.random(size) * probs.sum(), side="right").clip(
        0, len(probs) - 1
    )


def _pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One index per row of a (n, k) probability matrix (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), probs.shape[1] - 1)


def _logit_shift(prior: np.ndarray, counts: np.ndarray, target: float) -> float:
    """Shift on the logit scale so that the count-weighted mean probability hits target."""
    logit = np.log(prior / (1 - prior))
    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        mean = (counts / (1 + np.exp(-(logit + mid)))).sum() / max(counts.sum(), 1)
        lo, hi = (mid, hi) if mean < target else (lo, mid)
    return (lo + hi) / 2


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _ipf(seed_matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Iterative proportional fitting of a positive matrix to row and column margins."""
    m = seed_matrix.astype(float).copy()
    for _ in range(200):
        m *= (rows / m.sum(axis=1))[:, None]
        m *= cols / m.sum(axis=0)
    return m / m.sum()


def exchange_rates(path: Path = paths.EXCHANGE_RATES) -> dict[tuple[str, int], float]:
    with open(path, encoding="utf-8") as fh:
        return {(r["currency"], int(r["year"])): float(r["per_usd"]) for r in csv.DictReader(fh)}


def _rate_table(
    rates: dict[tuple[str, int], float], currencies: list[str], years: np.ndarray
) -> np.ndarray:
    """(currency, year) -> units per USD; years outside the table take the nearest year."""
    out = np.ones((len(currencies), len(years)))
    for i, cur in enumerate(currencies):
        known = sorted(y for c, y in rates if c == cur)
        if not known:
            raise ValueError(f"no exchange rate for {cur} in {paths.EXCHANGE_RATES}")
        for j, year in enumerate(years):
            out[i, j] = rates[(cur, min(max(int(year), known[0]), known[-1]))]
    return out


def _round_to(values: np.ndarray, step: np.ndarray) -> np.ndarray:
    return np.maximum(np.rint(values / step), 1) * step


# --- the generator --------------------------------------------------------------------------
def generate(
    out: Path,
    *,
    n_cases: int,
    seed: int,
    as_of: dt.date,
    fmt: str = "csv",
    fw: framework.Framework | None = None,
) -> dict[str, int]:
    """Write a synthetic submission set into out; return {file written: data rows}.

    fmt csv: one UTF-8 file per table (<table>.csv); parquet: one <table>.parquet per
    table; xlsx: one workbook (sample.xlsx) with a sheet per table, keyed
    "<path>/sample.xlsx[<sheet>]" in the result. Files of the same names in the other
    formats are removed from out, so that a folder holds one set; README.txt is rewritten.
    fw: a framework other than data/reference/framework.yaml (tests).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    if as_of <= FIRST_DATE:
        raise ValueError(f"as_of must be after {FIRST_DATE}")
    fw = fw or framework.load()
    if not fw.provinces:
        raise RuntimeError("framework.yaml has no countries/provinces: cannot place cases")
    tables = build_tables(fw, n_cases=n_cases, seed=seed, as_of=as_of)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _remove_other_formats(out, fmt)
    if fmt == "csv":
        written = _write_csv(out, tables)
    elif fmt == "parquet":
        written = _write_parquet(out, tables)
    else:
        written = _write_xlsx(out / XLSX_FILE, tables, as_of)
    _write_readme(out, n_cases=n_cases, seed=seed, as_of=as_of, fmt=fmt, tables=tables)
    return written


def build_tables(
    fw: framework.Framework, *, n_cases: int, seed: int, as_of: dt.date
) -> dict[str, pa.Table]:
    """The five tables as Arrow tables (dates date32, scores int8, amounts float64)."""
    rng = np.random.default_rng(seed)
    geo = _geography(rng, fw)
    cases = _cases(rng, fw, geo, n_cases, as_of)
    plan = _service_plan(rng, fw, cases)
    assessments = _simulate(rng, fw, cases, plan, as_of)
    services = _services(rng, fw, cases, plan, as_of)
    barriers = _barriers(rng, fw, cases, services)
    budgets = _budgets(rng, fw, geo, cases, services, as_of)
    spec = framework.submission_spec()["tables"]
    names = {t: [c["name"] for c in spec[t]["columns"]] for t in TABLES}
    names["assessments"] += fw.outcome_keys
    case_ref = _case_refs(geo, cases)
    agency = _dict(cases["agency"], geo["agency_codes"])
    tables = {
        "cases": _case_table(fw, geo, cases, case_ref, agency),
        "assessments": _assessment_table(fw, assessments, case_ref, agency),
        "services": _service_table(fw, geo, cases, services, case_ref, agency),
        "barriers": _barrier_table(fw, barriers, case_ref, agency),
        "budgets": _budget_table(fw, geo, budgets),
    }
    for name, table in tables.items():
        if table.column_names != names[name]:
            raise AssertionError(f"{name}: columns {table.column_names} != {names[name]}")
    return tables


# --- geography and agencies -------------------------------------------------------------------
def _geography(rng: np.random.Generator, fw: framework.Framework) -> dict:
    """Countries, provinces with random (positive) case weights, agencies and their provinces."""
    countries = [c["code"] for c in fw.countries]
    missing = set(ORIGIN_COUNTS) - set(countries)
    if missing:
        raise RuntimeError(f"framework.yaml lacks countries {sorted(missing)}")
    provinces = fw.provinces
    prov_country = np.array([countries.index(p["country"]) for p in provinces])
    prov_weight = 1 + rng.gamma(1.5, 0.3, len(provinces))  # every province > 0
    agency_codes: list[str] = []
    agency_country: list[int] = []
    # each province: a primary agency and, for some, a second one (overlapping coverage)
    prov_agencies = np.full((len(provinces), 2), -1)
    for ci, code in enumerate(countries):
        members = np.flatnonzero(prov_country == ci)
        if len(members) == 0:
            raise RuntimeError(f"framework.yaml has no provinces for {code}")
        k = int(rng.integers(3, 6))
        first = len(agency_codes)
        for j in range(k):
            agency_codes.append(f"{AGENCY_PREFIX}{code}-{chr(ord('A') + j)}")
            agency_country.append(ci)
        order = rng.permutation(members)
        prov_agencies[order, 0] = first + np.arange(len(order)) % k
        second = rng.random(len(order)) < 0.3
        other = first + (prov_agencies[order, 0] - first + rng.integers(1, k, len(order))) % k
        prov_agencies[order[second], 1] = other[second]
    currencies = [(c.get("currency") or CURRENCIES.get(c["code"], "USD")) for c in fw.countries]
    return {
        "countries": countries,
        "provinces": provinces,
        "prov_country": prov_country,
        "prov_weight": prov_weight,
        "prov_agencies": prov_agencies,
        "agency_codes": agency_codes,
        "agency_country": np.array(agency_country),
        "currencies": currencies,
    }


# --- cases ------------------------------------------------------------------------------------
def _cases(
    rng: np.random.Generator, fw: framework.Framework, geo: dict, n: int, as_of: dt.date
) -> dict[str, np.ndarray]:
    countries = geo["countries"]
    form_keys = [f["key"] for f in fw.code_list("forms_of_trafficking")]
    known_sectors = {s["key"] for s in fw.code_list("labour_sectors")}
    sector_keys = [s for s in SECTOR_COUNTS if s in known_sectors]
    labour = form_keys.index("labour")

    # origin x form, raked onto both margins
    origin_share = _shares(ORIGIN_COUNTS, countries)
    form_share = _shares(FORM_COUNTS, form_keys)
    affinity = np.ones((len(countries), len(form_keys)))
    for form, by_country in FORM_BY_ORIGIN.items():
        for c, a in by_country.items():
            affinity[countries.index(c), form_keys.index(form)] = a
    joint = _ipf(affinity, origin_share, form_share)
    cell = _pick(rng, joint.ravel(), n)
    origin, form = cell // len(form_keys), cell % len(form_keys)
    sector = np.full(n, -1)
    is_labour = form == labour
    sector[is_labour] = _pick(rng, _shares(SECTOR_COUNTS, sector_keys), int(is_labour.sum()))

    # sex and childhood: priors by form (sector for labour), shifted to the study's shares
    kind_keys = form_keys + sector_keys  # labour cases take their sector's prior
    kind = np.where(is_labour, len(form_keys) + sector, form)
    kind_counts = np.bincount(kind, minlength=len(kind_keys)).astype(float)
    female_prior = np.array([FEMALE_PRIOR.get(k, 0.6) for k in kind_keys])
    child_prior = np.array([CHILD_PRIOR.get(k, 0.4) for k in kind_keys])
    female_target = SEX_COUNTS["female"] / RESPONDENTS
    p_female = _sigmoid(
        np.log(female_prior / (1 - female_prior))
        + _logit_shift(female_prior, kind_counts, female_target)
    )
    p_child = _sigmoid(
        np.log(child_prior / (1 - child_prior))
        + _logit_shift(child_prior, kind_counts, CHILD_COUNT / RESPONDENTS)
    )
    female = rng.random(n) < p_female[kind]
    child = rng.random(n) < p_child[kind]
    child_ages = np.arange(8, 18)
    adult_ages = np.arange(18, 51)
    child_w = np.array([1, 1, 1.5, 2, 3, 4, 6, 8, 9, 9], dtype=float)
    adult_w = np.exp(-(adult_ages - 18) / 9.0)
    age = np.where(child, child_ages[_pick(rng, child_w, n)], adult_ages[_pick(rng, adult_w, n)])

    # internal trafficking by childhood (37 of 107 children, 7 of 145 adults)
    p_internal = np.where(
        child,
        INTERNAL_CHILD_COUNT / CHILD_COUNT,
        (INTERNAL_COUNT - INTERNAL_CHILD_COUNT) / (RESPONDENTS - CHILD_COUNT),
    )
    internal = rng.random(n) < p_internal

    # destinations of international cases: the study's counts without the origin country,
    # tilted by form group, raked so that the overall destination shares are kept
    dests = list(DESTINATION_COUNTS)
    base = _shares(DESTINATION_COUNTS)
    allowed = np.array([[d != c for d in dests] for c in countries], dtype=float)
    group_keys = ["other", *DESTINATION_AFFINITY]
    group_of_kind = np.zeros(len(kind_keys), dtype=int)
    for i, k in enumerate(kind_keys):
        if k in ("sexual_exploitation", "sexual_and_labour"):
            group_of_kind[i] = group_keys.index("sexual")
        elif k in DESTINATION_AFFINITY:
            group_of_kind[i] = group_keys.index(k)
        elif k in sector_keys:
            group_of_kind[i] = group_keys.index("labour")
    tilt = np.ones((len(group_keys), len(dests)))
    for g, by_dest in DESTINATION_AFFINITY.items():
        for d, a in by_dest.items():
            tilt[group_keys.index(g), dests.index(d)] = a
    group = group_of_kind[kind]
    intl = ~internal
    cell_counts = (
        np.bincount(
            origin[intl] * len(group_keys) + group[intl], minlength=len(countries) * len(group_keys)
        )
        .reshape(len(countries), len(group_keys))
        .astype(float)
    )
    plain = allowed * base
    plain /= plain.sum(axis=1, keepdims=True)
    target = cell_counts.sum(axis=1) @ plain  # expected counts without the tilt
    adj = np.ones(len(dests))
    for _ in range(100):
        p = allowed[:, None, :] * tilt[None, :, :] * (base * adj)[None, None, :]
        p /= p.sum(axis=2, keepdims=True)
        achieved = np.einsum("cg,cgd->d", cell_counts, p)
        adj *= np.where(achieved > 0, target / np.maximum(achieved, 1e-12), 1.0)
    p_cell = p.reshape(len(countries) * len(group_keys), len(dests))
    dest = np.full(n, -1)
    idx = np.flatnonzero(intl)
    dest[idx] = _pick_rows(rng, p_cell[origin[idx] * len(group_keys) + group[idx]])

    # country of reintegration = origin, except integration in a new (COMMIT) country
    dest_country = np.array([countries.index(d) if d in countries else -1 for d in dests])
    dest_in_commit = np.where(dest >= 0, dest_country[np.maximum(dest, 0)], -1)
    new_country = (dest_in_commit >= 0) & (rng.random(n) < 0.016)
    country = np.where(new_country, dest_in_commit, origin)

    # pathway: identification, assistance (0 yes, 1 no, 2 blank), return type, setting
    identified = _pick(rng, np.array([0.88, 0.10, 0.02]), n)
    assisted = _pick(rng, np.array([0.93, 0.05, 0.02]), n)
    rt_keys = [r["key"] for r in fw.code_list("return_types")]
    rt_international = np.array(
        [
            {"official_assisted_return": 0.45, "deported": 0.12, "informally_assisted_return": 0.15,
             "self_return": 0.22, "unknown": 0.06}.get(k, 0.0)
            for k in rt_keys
        ]
    )  # fmt: skip
    rt_unidentified = np.array(
        [{"self_return": 0.5, "informally_assisted_return": 0.3, "unknown": 0.2}.get(k, 0.0)
         for k in rt_keys]
    )  # fmt: skip
    not_identified = identified == 1
    return_type = np.where(
        not_identified, _pick(rng, rt_unidentified, n), _pick(rng, rt_international, n)
    )
    return_type[internal] = rt_keys.index("internal")
    return_type[new_country] = rt_keys.index("integration_at_destination")
    setting_keys = [s["key"] for s in fw.code_list("settings")]
    setting = np.where(
        rng.random(n) < 0.82,
        setting_keys.index("home_community"),
        setting_keys.index("new_community"),
    )
    setting[new_country] = setting_keys.index("new_country")

    # province (systematic sampling within country: every province gets its share), agency
    province, agency = _place(rng, geo, country)

    opened = _opened_dates(rng, n, as_of)
    # order as an agency would list them: by agency, then date opened
    order = np.lexsort((opened, agency))
    cases = {
        "country": country, "province": province, "agency": agency, "female": female,
        "age": age, "child": child, "form": form, "sector": sector, "internal": internal,
        "dest": dest, "identified": identified, "assisted": assisted,
        "return_type": return_type, "setting": setting, "opened": opened,
    }  # fmt: skip
    cases = {k: v[order] for k, v in cases.items()}
    cases["name_written"] = rng.random(n) < 0.2
    cases["keys"] = {
        "forms": form_keys, "sectors": sector_keys, "dests": dests, "return_types": rt_keys,
        "settings": setting_keys,
    }  # fmt: skip
    return cases


def _place(
    rng: np.random.Generator, geo: dict, country: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Province (-1: unknown, ~1%) and agency of each case."""
    n = len(country)
    n_countries = len(geo["countries"])
    prov_country = geo["prov_country"]
    # cumulative province weights laid end to end: country c's provinces share [c, c + 1)
    order = np.argsort(prov_country, kind="stable")
    edges = np.empty(len(order))
    for c in range(n_countries):
        members = prov_country[order] == c
        w = geo["prov_weight"][order][members]
        edges[members] = c + np.cumsum(w) / w.sum()
    # ~1% of cases: province not recorded
    unknown = rng.random(n) < 0.01
    # systematic sampling: rank the known cases of each country in random order and walk
    # the country's cumulative weights with one random start, so that every province gets
    # its expected count (rounded down or up) rather than a Poisson draw around it
    group = np.where(unknown, n_countries, country)
    by_group = np.lexsort((rng.permutation(n), group))
    count = np.bincount(group, minlength=n_countries + 1)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    rank = np.empty(n, dtype=np.int64)
    rank[by_group] = np.arange(n) - np.repeat(start, count)
    offset = rng.random(n_countries + 1)
    u = country + (rank + offset[group]) / np.maximum(count[group], 1)
    pos = np.minimum(np.searchsorted(edges, u, side="right"), len(order) - 1)
    province = order[pos]
    # guard the float edge (u within rounding of c + 1): stay inside the case's country
    bad = prov_country[province] != country
    if bad.any():
        last = np.array([order[prov_country[order] == c][-1] for c in range(n_countries)])
        province[bad] = last[country[bad]]
    # agency: the province's primary agency, or (30%) the second one covering it
    pa_ = geo["prov_agencies"][province]
    use_second = (pa_[:, 1] >= 0) & (rng.random(n) < 0.3)
    agency = np.where(use_second, pa_[:, 1], pa_[:, 0])
    # province not recorded: any agency of the country
    agency_country = geo["agency_country"]
    first = np.searchsorted(agency_country, np.arange(n_countries))
    k = np.bincount(agency_country, minlength=n_countries)
    any_agency = first[country] + (rng.random(n) * k[country]).astype(int)
    agency = np.where(unknown, any_agency, agency)
    province = np.where(unknown, -1, province)
    return province, agency


def _opened_dates(rng: np.random.Generator, n: int, as_of: dt.date) -> np.ndarray:
    """Days since 1970 between 2016-01-01 and as_of, volume rising, a dip in 2020-21."""
    months = np.arange(
        np.datetime64(FIRST_DATE, "M"), np.datetime64(as_of, "M") + 1, dtype="datetime64[M]"
    )
    start = months.astype("datetime64[D]").astype(np.int64)
    end = (months + 1).astype("datetime64[D]").astype(np.int64)
    end[-1] = _day(as_of) + 1
    years = (start - _day(FIRST_DATE)) / 365.25
    weight = np.exp(0.12 * years) * (end - start)
    ym = months.astype(np.int64)  # months since 1970-01
    covid = (ym >= (2020 - 1970) * 12 + 2) & (ym <= (2021 - 1970) * 12 + 11)
    weight[covid] *= 0.7
    m = _pick(rng, weight, n)
    return start[m] + (rng.random(n) * (end[m] - start[m])).astype(np.int64)


# --- services (planned before the trajectories, dated after) --------------------------------
def _linked_outcomes(fw: framework.Framework) -> dict[str, list[int]]:
    """Service area -> indices of the outcomes it serves (framework outcome.service_area)."""
    links: dict[str, list[int]] = {a: [] for a in fw.service_area_keys}
    for i, o in enumerate(fw.outcomes):
        if o.get("service_area") in links:
            links[o["service_area"]].append(i)
    return links


def _service_plan(rng: np.random.Generator, fw: framework.Framework, cases: dict) -> dict:
    """Initial latent scores, case-level traits, and 2-7 service slots per case."""
    n = len(cases["opened"])
    keys = fw.outcome_keys
    d = len(keys)
    level = np.array([INITIAL_LEVEL.get(k, 1.8) for k in keys])
    case_level = rng.normal(0, 0.35, n)
    z0 = (level[None, :] + case_level[:, None] + rng.normal(0, 0.5, (n, d))).astype(np.float32)

    # case-level traits
    rt_keys = cases["keys"]["return_types"]
    official = cases["return_type"] == rt_keys.index("official_assisted_return")
    proceedings = rng.random(n) < np.where(official, 0.5, 0.3)
    older_adult = cases["age"] > 25
    edu_never = older_adult & (rng.random(n) < 0.8)
    family_never = rng.random(n) < 0.1

    areas = fw.service_area_keys
    links = _linked_outcomes(fw)
    others = [a for a in areas if a != CASE_MANAGEMENT]
    # need: the worse the initial score of a linked outcome, the likelier the service
    z_round = np.clip(np.rint(z0), 1, 4)
    need = np.ones((n, len(others)))
    for j, a in enumerate(others):
        if links[a]:
            need[:, j] = (5 - z_round[:, links[a]].min(axis=1)) ** 2
        need[:, j] *= SERVICE_POPULARITY.get(a, 1.0)
        if a == "legal":
            need[:, j] *= np.where(proceedings, 1.0, 0.05)
        if a == "education":
            need[:, j] *= np.where(older_adult, 0.3, 1.0)
    total = 2 + _pick(rng, np.array([0.18, 0.25, 0.24, 0.17, 0.10, 0.06]), n)  # 2..7
    has_cm = CASE_MANAGEMENT in areas
    cm = (rng.random(n) < 0.9) if has_cm else np.zeros(n, dtype=bool)
    k_other = np.minimum(total - cm, len(others))
    # weighted sampling without replacement (Gumbel top-k): case management in the first
    # slot, then the other areas in order of (randomised) need
    ranked = np.argsort(-(np.log(need) + rng.gumbel(size=need.shape)), axis=1)
    area = np.full((n, MAX_SERVICES), -1, dtype=np.int16)
    other_idx = np.array([areas.index(a) for a in others])
    if has_cm:
        area[cm, 0] = areas.index(CASE_MANAGEMENT)
    shift = cm.astype(int)
    for j in range(min(MAX_SERVICES, len(others))):
        rows = np.flatnonzero(j < k_other)
        area[rows, shift[rows] + j] = other_idx[ranked[rows, j]]
    valid = area >= 0
    # status: ~75% provided, 15% referred, 10% declined overall (case management aside,
    # which nearly everyone accepts)
    status_keys = [x["key"] for x in fw.code_list("service_statuses")]
    status_p = np.array([STATUS_SHARE.get(k, 0.0) for k in status_keys])
    status = _pick(rng, status_p, n * MAX_SERVICES).reshape(n, MAX_SERVICES)
    provided, declined = status_keys.index("provided"), status_keys.index("declined")
    if has_cm:
        accept = np.where(rng.random(n) < 0.97, provided, declined)
        status[:, 0] = np.where(cm, accept, status[:, 0])
    # start: case management on opening day; others within months of opening
    start_off = np.minimum(rng.exponential(75, (n, MAX_SERVICES)), 900).astype(np.int64)
    if has_cm:
        start_off[cm, 0] = 0
    area_days = np.array([SERVICE_DAYS.get(a, (30, 365)) for a in areas], dtype=float)
    lo, hi = area_days[np.maximum(area, 0), 0], area_days[np.maximum(area, 0), 1]
    duration = (lo + rng.random((n, MAX_SERVICES)) * (hi - lo)).astype(np.int64)
    return {
        "z0": z0,
        "proceedings": proceedings,
        "edu_never": edu_never,
        "family_never": family_never,
        "area": area,
        "valid": valid,
        "status": status,
        "provided": valid & (status == provided),
        "start_off": start_off,
        "duration": duration,
    }


# --- outcome trajectories ---------------------------------------------------------------------
BOOST_MATCHED = 0.022  # score points per month while the matching service runs
BOOST_CASE_MANAGEMENT = 0.008
SETBACK_P = 0.02  # per dimension and assessment interval
CRISIS_P = 0.03  # per case and assessment interval
CLOSURE_HAZARD = {  # per assessment interval
    "lost_contact": 0.035,
    "declined_further_support": 0.014,
    "referred_elsewhere": 0.01,
    "moved_away": 0.01,
    "deceased": 0.001,
}


def _simulate(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, plan: dict, as_of: dt.date
) -> dict[str, np.ndarray]:
    """Assessment waves, vectorised over the cases still followed; sets cases' closure.

    Each wave assesses every followed case once, then decides who stops being followed
    (closed, lost to contact) and when the others are assessed next.
    """
    n = len(cases["opened"])
    keys = fw.outcome_keys
    d = len(keys)
    end_day = _day(as_of)
    opened = cases["opened"]
    reasons = [r["key"] for r in fw.code_list("closure_reasons")]
    reintegrated = reasons.index("reintegrated")
    lost_contact = reasons.index("lost_contact")
    cap_reasons = np.array(
        [reasons.index("referred_elsewhere"), reasons.index("declined_further_support")]
    )
    hazard_p = np.cumsum([CLOSURE_HAZARD[k] for k in CLOSURE_HAZARD])
    hazard_codes = np.array([reasons.index(k) for k in CLOSURE_HAZARD] + [-1])
    threshold = fw.achieved_threshold
    lo_score, hi_score = fw.min_score, fw.max_score

    # pace of recovery per case (score points per month); ~12% decline instead
    decliner = rng.random(n) < 0.12
    pace = np.where(decliner, rng.normal(-0.006, 0.01, n), rng.normal(0.05, 0.022, n))
    dim_pace = np.array([PACE.get(k, 1.0) for k in keys], dtype=np.float32)
    links = _linked_outcomes(fw)
    provided = plan["provided"]
    # day each dimension's matching service (and case management) starts, if provided
    never = np.int32(np.iinfo(np.int32).max)
    area_from = np.full((n, len(fw.service_area_keys)), never, dtype=np.int32)
    for j in range(plan["area"].shape[1]):  # a case has each area at most once
        rows = np.flatnonzero(provided[:, j])
        area_from[rows, plan["area"][rows, j]] = opened[rows] + plan["start_off"][rows, j]
    boost_from = np.full((n, d), never, dtype=np.int32)
    for j, a in enumerate(fw.service_area_keys):
        for o in links[a]:
            boost_from[:, o] = np.minimum(boost_from[:, o], area_from[:, j])
    cm_from = (
        area_from[:, fw.service_area_keys.index(CASE_MANAGEMENT)]
        if CASE_MANAGEMENT in fw.service_area_keys
        else np.full(n, never, dtype=np.int32)
    )
    del area_from

    blank_p = np.full(d, 0.02, dtype=np.float32)
    if "family_wellbeing" in keys:
        blank_p[keys.index("family_wellbeing")] = 0.15
    never_mask = np.zeros((n, d), dtype=bool)
    for k, m in {
        "education": plan["edu_never"],
        "legal_process": ~plan["proceedings"],
        "family_wellbeing": plan["family_never"],
    }.items():
        if k in keys:
            never_mask[:, keys.index(k)] = m

    # the followed cases, compacted every wave
    s = {
        "case": np.arange(n, dtype=np.int32),
        "opened": opened.astype(np.int32),
        "nxt": (opened + rng.integers(0, 31, n)).astype(np.int32),  # within a month
        "last": opened.astype(np.int32),
        "first": np.ones(n, dtype=bool),
        "streak": np.zeros(n, dtype=np.int8),
        "cap": rng.uniform(42, 66, n),  # months: case management does not go on for ever
        "pace": pace.astype(np.float32),
        "z": plan["z0"],
        "shock": np.zeros((n, d), dtype=np.float32),
        "boost": boost_from,
        "cm": cm_from,
        "never": never_mask,
    }
    closed = np.full(n, -1, dtype=np.int64)
    closure = np.full(n, -1, dtype=np.int64)
    out_case, out_day, out_scores = [], [], []
    due = s["nxt"] <= end_day  # the others are still open at as_of, never assessed
    s = {k: v[due] for k, v in s.items()}
    while len(s["case"]):
        m = len(s["case"])
        day = s["nxt"]
        months = (day - s["opened"]) / DAYS_PER_MONTH
        later = ~s["first"][:, None]
        step = ((day - s["last"]) / DAYS_PER_MONTH).astype(np.float32)[:, None]
        z = s["z"]
        # trend: case pace x dimension pace, slowing towards the top of the scale, plus the
        # matching service and case management once they have started
        rate = s["pace"][:, None] * dim_pace
        rate = np.where(rate > 0, rate * np.clip((4.3 - z) / 2.3, 0, 1.5), rate)
        rate += BOOST_MATCHED * (s["boost"] <= day[:, None])
        rate += np.where(s["cm"] <= day, BOOST_CASE_MANAGEMENT, -0.01).astype(np.float32)[:, None]
        # (uniform draws are cheaper than normal ones; the noise needs no particular shape)
        walk = rng.random((m, d), dtype=np.float32) - 0.5
        dz = rate * step + 0.4 * walk  # sd ~0.12 per interval
        z = np.where(later, np.clip(z + dz, 0.5, 4.5), z)
        # shocks: a setback in one dimension or a crisis in all; they fade over later waves
        u = rng.random((m, d), dtype=np.float32)
        hit = np.where(u < SETBACK_P, 0.7 + 0.8 * u / SETBACK_P, 0)
        uc = rng.random(m, dtype=np.float32)
        hit += np.where(uc < CRISIS_P, 0.5 + 0.7 * uc / CRISIS_P, 0)[:, None]
        shock = np.where(later, 0.4 * s["shock"] - hit, 0).astype(np.float32)
        noise = 0.7 * (rng.random((m, d), dtype=np.float32) - 0.5)  # sd ~0.2
        observed = np.clip(np.rint(z + shock + noise), lo_score, hi_score)
        blank = s["never"] | (u > 1 - blank_p)  # disjoint from the setback draw
        scores = np.where(blank, 0, observed).astype(np.int8)
        out_case.append(s["case"])
        out_day.append(day)
        out_scores.append(scores)
        s.update(z=z, shock=shock, last=day, first=np.zeros(m, dtype=bool))

        # who stops being followed after this assessment
        assessed = scores > 0
        reint = assessed.any(axis=1) & ((scores >= threshold) | ~assessed).all(axis=1)
        streak = np.where(reint, s["streak"] + 1, 0).astype(np.int8)
        s["streak"] = streak
        p_done = np.select([months >= 36, months >= 24, months >= 18], [0.7, 0.5, 0.3], 0.0)
        done = (streak >= 2) & (rng.random(m) < p_done)  # closed as reintegrated
        capped = ~done & (months >= s["cap"])  # followed long enough: closed anyway
        event = hazard_codes[np.searchsorted(hazard_p, rng.random(m), side="right")]
        cap_reason = np.where(reint, reintegrated, cap_reasons[(rng.random(m) < 0.4).astype(int)])
        reason = np.where(done, reintegrated, np.where(capped, cap_reason, event))
        # a lost contact is closed months after the last assessment; others sooner
        delay = np.where(
            done | capped,
            rng.integers(0, 46, m),
            np.where(event == lost_contact, rng.integers(120, 366, m), rng.integers(1, 120, m)),
        )
        close_day = day + delay
        close_day = np.where(done | capped, np.minimum(close_day, end_day), close_day)
        # a closure after as_of has not happened yet (the case goes on), but a lost contact
        # has: its assessments stop and the case stays open
        recorded = (reason >= 0) & (close_day <= end_day)
        closed[s["case"][recorded]] = close_day[recorded]
        closure[s["case"][recorded]] = reason[recorded]
        s["nxt"] = (day + rng.integers(91, 184, m)).astype(np.int32)
        # followed on: not closed, not lost, and the next assessment falls by as_of
        follow = ~(recorded | (reason == lost_contact)) & (s["nxt"] <= end_day)
        s = {k: v[follow] for k, v in s.items()}

    cases["closed"] = closed
    cases["closure"] = closure
    cases["period_end"] = np.where(closed >= 0, closed, end_day)
    if not out_case:
        return {"case": np.zeros(0, np.int32), "day": np.zeros(0, np.int32),
                "scores": np.zeros((0, d), np.int8)}  # fmt: skip
    case_idx = np.concatenate(out_case)
    order = np.argsort(case_idx, kind="stable")
    return {
        "case": case_idx[order],
        "day": np.concatenate(out_day)[order],
        "scores": np.concatenate(out_scores)[order],
    }


def _services(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, plan: dict, as_of: dt.date
) -> dict[str, np.ndarray]:
    """Date, status, provider and cost of each planned service, within the case's period."""
    end_day = _day(as_of)
    opened = cases["opened"]
    closed = cases["closed"]
    is_closed = closed >= 0
    period_end = np.where(is_closed, closed, end_day)
    rows, cols = np.nonzero(plan["valid"])
    area = plan["area"][rows, cols].astype(np.int64)
    status = plan["status"][rows, cols]
    start = opened[rows] + plan["start_off"][rows, cols]
    span = period_end[rows] - opened[rows]
    late = start > period_end[rows]
    start[late] = opened[rows][late] + (rng.random(int(late.sum())) * (span[late] + 1)).astype(
        np.int64
    )
    areas = fw.service_area_keys
    cm = areas.index(CASE_MANAGEMENT) if CASE_MANAGEMENT in areas else -1
    ended = start + plan["duration"][rows, cols]
    provided = plan["provided"][rows, cols]
    case_closed = is_closed[rows]
    over = ended > period_end[rows]
    # a service still running at as_of has no end date; one cut short by closure ends then
    ended = np.where(over & case_closed, period_end[rows], ended)
    has_end = provided & ~(over & ~case_closed)
    # case management runs until the case closes
    is_cm = area == cm
    ended = np.where(is_cm, period_end[rows], ended)
    has_end = np.where(is_cm, provided & case_closed, has_end)
    ended = np.where(has_end, ended, -1)

    # provider: government more often in TH, CN and VN; otherwise mostly NGOs
    country = cases["country"][rows]
    codes = fw.country_codes
    provider_keys = [x["key"] for x in fw.code_list("provider_types")]
    gov = np.array([GOVERNMENT_SHARE.get(c, 0.4) for c in codes])[country] * 0.7
    p_rest = np.array([PROVIDER_SHARE_NON_GOVERNMENT.get(k, 0.0) for k in provider_keys])
    rest = _pick(rng, p_rest, len(rows))
    provider = np.where(rng.random(len(rows)) < gov, provider_keys.index("government"), rest)

    # cost: lognormal around a per-area median in USD, at the country's price level
    median = np.array([SERVICE_COST_USD.get(a, 200) for a in areas], dtype=float)[area]
    price = np.array([PRICE_LEVEL.get(c, 1.0) for c in codes])[country]
    usd = median * price * np.exp(rng.normal(0, 0.7, len(rows)))
    usd = np.where(is_cm, usd * np.clip((period_end[rows] - start) / 365.25, 0.25, 5), usd)
    costed = provided & (rng.random(len(rows)) >= 0.05)
    in_usd = rng.random(len(rows)) < USD_COST_SHARE
    return {
        "case": rows,
        "area": area,
        "start": start,
        "ended": ended,
        "status": status,
        "provider": provider,
        "usd": np.where(costed, usd, np.nan),
        "in_usd": in_usd,
    }


def _barriers(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, services: dict
) -> dict[str, np.ndarray]:
    """0-3 reported barriers per case, in the areas of the case's services."""
    n = len(cases["opened"])
    k = _pick(rng, np.array([0.30, 0.35, 0.22, 0.13]), n)
    case = np.repeat(np.arange(n), k)
    # the case's services are contiguous in services['case']
    first = np.searchsorted(services["case"], np.arange(n))
    count = np.bincount(services["case"], minlength=n)
    has = count[case] > 0
    case = case[has]
    slot = first[case] + (rng.random(len(case)) * count[case]).astype(np.int64)
    area = services["area"][slot]
    per_area = np.array([len(s["barriers"]) for s in fw.service_areas])
    offset = np.concatenate(([0], np.cumsum(per_area)[:-1]))
    keep = per_area[area] > 0
    case, area = case[keep], area[keep]
    code = offset[area] + (rng.random(len(case)) * per_area[area]).astype(np.int64)
    opened = cases["opened"][case]
    end = cases["period_end"][case]
    noted = opened + (rng.random(len(case)) * (end - opened + 1)).astype(np.int64)
    # one row per case, code and date (the table's key)
    key = (case.astype(np.int64) * int(per_area.sum()) + code) * 1_000_000 + noted
    _, first_row = np.unique(key, return_index=True)
    first_row.sort()
    return {"case": case[first_row], "area": area[first_row], "code": code[first_row],
            "noted": noted[first_row]}  # fmt: skip


# --- budgets ----------------------------------------------------------------------------------
def _budgets(
    rng: np.random.Generator,
    fw: framework.Framework,
    geo: dict,
    cases: dict,
    services: dict,
    as_of: dt.date,
) -> dict[str, np.ndarray]:
    """Country x year x service area x funding source, national and some province lines."""
    countries = geo["countries"]
    areas = fw.service_area_keys
    sources = [s["key"] for s in fw.code_list("funding_sources")]
    years = np.arange(FIRST_DATE.year, as_of.year + 1)
    nc, ny, na, ns = len(countries), len(years), len(areas), len(sources)
    svc_country = cases["country"][services["case"]]
    svc_year = _years(services["start"]) - years[0]
    cost = np.nan_to_num(services["usd"])
    spend = np.bincount(
        (svc_country * ny + svc_year) * na + services["area"],
        weights=cost,
        minlength=nc * ny * na,
    ).reshape(nc, ny, na)
    # the current year is partial: budget for the whole year at the pace so far
    year_start = dt.date(as_of.year, 1, 1)
    elapsed = ((as_of - year_start).days + 1) / (dt.date(as_of.year + 1, 1, 1) - year_start).days
    spend[:, -1] /= max(elapsed, 0.1)
    # budget covers services plus staff and running costs; a floor for quiet lines
    total = np.maximum(spend * rng.uniform(1.2, 1.8, spend.shape), 1000.0)
    gov = np.array([GOVERNMENT_SHARE.get(c, 0.4) for c in countries])
    split = np.zeros((nc, ns))
    split[:, sources.index("government")] = gov
    split[:, sources.index("donor")] = (1 - gov) * 0.85
    split[:, sources.index("other")] = (1 - gov) * 0.15
    lines = total[:, :, :, None] * split[:, None, None, :]  # (c, y, a, s) USD
    lines *= rng.uniform(0.8, 1.2, lines.shape)

    # province lines (government money held by about a quarter of the provinces): their
    # share of the country's caseload x 40% of the government line; national lines keep
    # the rest, so national and province lines add up to the country's budget
    g = sources.index("government")
    prov = cases["province"]
    prov_cases = np.bincount(prov[prov >= 0], minlength=len(geo["provinces"])).astype(float)
    country_cases = np.bincount(cases["country"], minlength=nc).astype(float)
    chosen = np.flatnonzero(rng.random(len(geo["provinces"])) < 0.25)
    p_country = geo["prov_country"][chosen]
    p_share = 0.4 * prov_cases[chosen] / np.maximum(country_cases[p_country], 1)
    prov_lines = lines[p_country, :, :, g] * p_share[:, None, None]  # (p, y, a) USD
    for c in range(nc):
        lines[c, :, :, g] -= prov_lines[p_country == c].sum(axis=0)

    # flatten: national rows, then province rows
    cy, yy, aa, ss = np.meshgrid(
        np.arange(nc), np.arange(ny), np.arange(na), np.arange(ns), indexing="ij"
    )
    pp, py, pa_ = np.meshgrid(np.arange(len(chosen)), np.arange(ny), np.arange(na), indexing="ij")
    country = np.concatenate([cy.ravel(), p_country[pp.ravel()]])
    province = np.concatenate([np.full(cy.size, -1), chosen[pp.ravel()]])
    year = np.concatenate([yy.ravel(), py.ravel()])
    area = np.concatenate([aa.ravel(), pa_.ravel()])
    source = np.concatenate([ss.ravel(), np.full(pp.size, g)])
    usd = np.concatenate([lines.ravel(), prov_lines.ravel()])
    # spent: mostly 70-100% of the budget, sometimes over; the current year is partial
    ratio = np.where(rng.random(len(usd)) < 0.1, rng.uniform(1.0, 1.15, len(usd)),
                     rng.uniform(0.7, 1.0, len(usd)))  # fmt: skip
    ratio = np.where(years[year] == as_of.year, ratio * elapsed, ratio)
    # currency: government and other lines in local currency, donor lines often in USD
    in_usd = (source == sources.index("donor")) & (rng.random(len(usd)) < 0.6)
    return {
        "country": country, "province": province, "year": years[year], "area": area,
        "source": source, "usd": usd, "ratio": ratio, "in_usd": in_usd,
    }  # fmt: skip


# --- Arrow tables -----------------------------------------------------------------------------
def _dict(indices: np.ndarray, labels: list[str], null: np.ndarray | None = None) -> pa.Array:
    """A dictionary-encoded string column; indices < 0 (or null mask) are blank."""
    mask = indices < 0 if null is None else (null | (indices < 0))
    idx = pa.array(np.maximum(indices, 0).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(labels, pa.string()))


def _date(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), mask=days < 0).view(pa.date32())


def _case_refs(geo: dict, cases: dict) -> pa.Array:
    agency = cases["agency"]
    n = len(agency)
    count = np.bincount(agency, minlength=len(geo["agency_codes"]))
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    seq = np.arange(n) - np.repeat(start, count) + 1  # cases are sorted by agency
    width = max(6, len(str(int(count.max()))))
    number = pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), width, "0")
    codes = pa.array(geo["agency_codes"]).take(pa.array(agency))
    return pc.binary_join_element_wise(codes, number, "-")


def _case_table(fw, geo, cases, case_ref, agency) -> pa.Table:
    keys = cases["keys"]
    provinces = geo["provinces"]
    n_prov = len(provinces)
    # province labels: ISO codes, then English names, then "unknown"
    labels = [p["code"] for p in provinces] + [p["name"] for p in provinces] + ["unknown"]
    prov = cases["province"]
    prov_label = np.where(
        prov < 0, 2 * n_prov, np.where(cases["name_written"], prov + n_prov, prov)
    )
    sex_keys = [s["key"] for s in fw.code_list("sexes")]
    yes_no = ["yes", "no"]
    # internal trafficking: the destination is the country itself
    dest_labels = keys["dests"] + [c for c in geo["countries"] if c not in keys["dests"]]
    own = np.array([dest_labels.index(c) for c in geo["countries"]])
    dest = np.where(cases["internal"], own[cases["country"]], cases["dest"])
    return pa.table(
        {
            "case_ref": case_ref,
            "agency": agency,
            "country": _dict(cases["country"], geo["countries"]),
            "province": _dict(prov_label, labels),
            "sex": _dict(
                np.where(cases["female"], sex_keys.index("female"), sex_keys.index("male")),
                sex_keys,
            ),
            "age": pa.array(cases["age"].astype(np.int16)),
            "form": _dict(cases["form"], keys["forms"]),
            "labour_sector": _dict(cases["sector"], keys["sectors"]),
            "destination_country": _dict(dest, dest_labels),
            "identified": _dict(
                np.where(cases["identified"] == 2, -1, cases["identified"]), yes_no
            ),
            "assisted": _dict(np.where(cases["assisted"] == 2, -1, cases["assisted"]), yes_no),
            "return_type": _dict(cases["return_type"], keys["return_types"]),
            "setting": _dict(cases["setting"], keys["settings"]),
            "opened": _date(cases["opened"]),
            "closed": _date(cases["closed"]),
            "closure_reason": _dict(
                cases["closure"], [r["key"] for r in fw.code_list("closure_reasons")]
            ),
        }
    )


def _assessment_table(fw, assessments, case_ref, agency) -> pa.Table:
    case = pa.array(assessments["case"])
    cols = {
        "case_ref": case_ref.take(case),
        "agency": agency.take(case),
        "assessed_on": _date(assessments["day"]),
    }
    scores = assessments["scores"]
    for j, key in enumerate(fw.outcome_keys):
        s = np.ascontiguousarray(scores[:, j])
        cols[key] = pa.array(s, mask=s == 0)
    return pa.table(cols)


def _service_table(fw, geo, cases, services, case_ref, agency) -> pa.Table:
    case = pa.array(services["case"])
    start = services["start"]
    country = cases["country"][services["case"]]
    currencies = geo["currencies"]
    years = (
        np.arange(FIRST_DATE.year, _years(np.array([start.max()]))[0] + 1)
        if len(start)
        else np.array([FIRST_DATE.year])
    )
    rates = _rate_table(exchange_rates(), currencies, years)
    rate = rates[country, _years(start) - years[0]]
    step = np.array([CURRENCY_ROUNDING.get(c, 1) for c in currencies], dtype=float)[country]
    usd = services["usd"]
    local = _round_to(usd * rate, step)
    in_usd = services["in_usd"]
    cost = np.where(in_usd, np.round(usd, 2), local)
    blank = np.isnan(usd)
    currency = np.where(in_usd, len(currencies), country)
    return pa.table(
        {
            "case_ref": case_ref.take(case),
            "agency": agency.take(case),
            "service_area": _dict(services["area"], fw.service_area_keys),
            "started": _date(start),
            "ended": _date(services["ended"]),
            "status": _dict(
                services["status"], [s["key"] for s in fw.code_list("service_statuses")]
            ),
            "provider_type": _dict(
                services["provider"], [p["key"] for p in fw.code_list("provider_types")]
            ),
            "cost": pa.array(cost, mask=blank),
            "currency": _dict(currency, [*currencies, "USD"], null=blank),
        }
    )


def _barrier_table(fw, barriers, case_ref, agency) -> pa.Table:
    case = pa.array(barriers["case"])
    return pa.table(
        {
            "case_ref": case_ref.take(case),
            "agency": agency.take(case),
            "service_area": _dict(barriers["area"], fw.service_area_keys),
            "barrier_code": _dict(barriers["code"], [b["code"] for b in fw.barriers]),
            "noted_on": _date(barriers["noted"]),
        }
    )


def _budget_table(fw, geo, budgets) -> pa.Table:
    currencies = geo["currencies"]
    country = budgets["country"]
    years = np.arange(FIRST_DATE.year, budgets["year"].max() + 1)
    rates = _rate_table(exchange_rates(), currencies, years)
    rate = np.where(budgets["in_usd"], 1.0, rates[country, budgets["year"] - years[0]])
    step = np.where(
        budgets["in_usd"],
        100.0,
        np.array([CURRENCY_ROUNDING.get(c, 1) * 1000 for c in currencies], dtype=float)[country],
    )
    budgeted = _round_to(budgets["usd"] * rate, step)
    spent = np.rint(budgeted * budgets["ratio"] / step) * step
    provinces = geo["provinces"]
    return pa.table(
        {
            "country": _dict(country, geo["countries"]),
            "province": _dict(budgets["province"], [p["code"] for p in provinces]),
            "year": pa.array(budgets["year"].astype(np.int16)),
            "service_area": _dict(budgets["area"], fw.service_area_keys),
            "funding_source": _dict(
                budgets["source"], [s["key"] for s in fw.code_list("funding_sources")]
            ),
            "budgeted": pa.array(budgeted.astype(np.int64)),
            "spent": pa.array(spent.astype(np.int64)),
            "currency": _dict(
                np.where(budgets["in_usd"], len(currencies), country), [*currencies, "USD"]
            ),
        }
    )


# --- writers ----------------------------------------------------------------------------------
def _remove_other_formats(out: Path, fmt: str) -> None:
    """Drop files this command wrote earlier in another format, so a folder holds one set."""
    names = {
        "csv": [f"{t}.csv" for t in TABLES],
        "parquet": [f"{t}.parquet" for t in TABLES],
        "xlsx": [XLSX_FILE],
    }
    for other, files in names.items():
        if other != fmt:
            for name in files:
                (out / name).unlink(missing_ok=True)


def _amount_text(values: pa.Array) -> pa.Array:
    """Amounts as plain decimals (no exponent): 450000, 1234.5 -> '1234.50'."""
    v = values.to_numpy(zero_copy_only=False)
    mask = np.isnan(v)
    cents = np.rint(np.nan_to_num(v) * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    text = pc.if_else(
        pa.array(cents % 100 == 0), whole, pc.binary_join_element_wise(whole, frac, ".")
    )
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), text)


def _write_csv(out: Path, tables: dict[str, pa.Table]) -> dict[str, int]:
    written = {}
    for name, table in tables.items():
        if name == "services":
            i = table.column_names.index("cost")
            table = table.set_column(i, "cost", _amount_text(table["cost"].combine_chunks()))
        path = out / f"{name}.csv"
        try:  # no value of ours needs quoting; fall back if a province name ever does
            options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
            pacsv.write_csv(table, path, options)
        except pa.ArrowInvalid:
            options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
            pacsv.write_csv(table, path, options)
        written[str(path)] = table.num_rows
    return written


def _write_parquet(out: Path, tables: dict[str, pa.Table]) -> dict[str, int]:
    written = {}
    for name, table in tables.items():
        plain = pa.table(
            {
                c: (col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
                for c, col in zip(table.column_names, table.columns, strict=True)
            }
        )
        path = out / f"{name}.parquet"
        pq.write_table(plain, path, compression="zstd")
        written[str(path)] = table.num_rows
    return written


def _write_xlsx(path: Path, tables: dict[str, pa.Table], as_of: dt.date) -> dict[str, int]:
    import xlsxwriter

    too_big = {n: t.num_rows for n, t in tables.items() if t.num_rows > EXCEL_MAX_ROWS}
    if too_big:
        raise ValueError(
            f"too many rows for one Excel sheet ({too_big}); use --format csv or parquet"
        )
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    created = dt.datetime(as_of.year, as_of.month, as_of.day)
    wb.set_properties({"created": created, "title": "Synthetic reintegration submission (SYN-)"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    header_fmt = wb.add_format({"bold": True})
    excel_epoch = (EPOCH - dt.date(1899, 12, 30)).days
    written = {}
    for name, table in tables.items():
        ws = wb.add_worksheet(name)
        for j, col in enumerate(table.column_names):
            ws.write_string(0, j, col, header_fmt)
        values, is_text, formats = [], [], []
        for col in table.columns:
            col = col.combine_chunks()
            if pa.types.is_date32(col.type):  # Excel serial day numbers, shown as dates
                serial = pc.add(col.view(pa.int32()).cast(pa.int64()), excel_epoch)
                values.append(serial.to_pylist())
                is_text.append(False)
                formats.append(date_fmt)
            else:
                text = pa.types.is_dictionary(col.type) or pa.types.is_string(col.type)
                values.append((col.cast(pa.string()) if text else col).to_pylist())
                is_text.append(text)
                formats.append(None)
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(zip(*values, strict=True), start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if is_text[j]:
                    write_string(r, j, v)
                else:
                    write_number(r, j, v, formats[j])
        written[f"{path}[{name}]"] = table.num_rows
    wb.close()
    return written


def _write_readme(
    out: Path, *, n_cases: int, seed: int, as_of: dt.date, fmt: str, tables: dict[str, pa.Table]
) -> None:
    counts = "\n".join(f"  {name}: {t.num_rows:,} rows" for name, t in tables.items())
    text = f"""SYNTHETIC DATA - NOT REAL PEOPLE

These files are a synthetic submission set for the GMS reintegration monitoring dashboard.
They describe no real person or agency: every agency code starts with "{AGENCY_PREFIX}" and the
loader marks loads whose agencies all start with "{AGENCY_PREFIX}" as synthetic.

Generated by: python -m etl sample --cases {n_cases} --seed {seed} --as-of {as_of.isoformat()} --format {fmt}
Seed: {seed}
As of: {as_of.isoformat()}

The same seed and as-of date always give the same files. Shares of sex, age when
trafficked, country, form of trafficking, internal trafficking and destinations follow the
252 survivors of the After Trafficking study (NEXUS Institute, 2013-2017); dates, scores,
services, barriers and budgets are simulated.

{counts}
"""
    (out / README_FILE).write_text(text, encoding="utf-8")
