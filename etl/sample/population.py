"""Geography and agencies, and the cases: who they are, where they are followed, when opened."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.sample.calibration import (
    CHILD_COUNT,
    CHILD_PRIOR,
    CURRENCIES,
    DESTINATION_AFFINITY,
    DESTINATION_COUNTS,
    FEMALE_PRIOR,
    FORM_BY_ORIGIN,
    FORM_COUNTS,
    INTERNAL_CHILD_COUNT,
    INTERNAL_COUNT,
    ORIGIN_COUNTS,
    RESPONDENTS,
    SECTOR_COUNTS,
    SEX_COUNTS,
)
from etl.sample.draws import (
    AGENCY_PREFIX,
    FIRST_DATE,
    day_number,
    ipf,
    logit_shift,
    pick,
    pick_rows,
    shares,
    sigmoid,
)
from reference import framework


# --- geography and agencies -------------------------------------------------------------------
def draw_geography(rng: np.random.Generator, fw: framework.Framework) -> dict:
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
def draw_cases(
    rng: np.random.Generator, fw: framework.Framework, geo: dict, n: int, as_of: dt.date
) -> dict[str, np.ndarray]:
    countries = geo["countries"]
    form_keys = [f["key"] for f in fw.code_list("forms_of_trafficking")]
    known_sectors = {s["key"] for s in fw.code_list("labour_sectors")}
    sector_keys = [s for s in SECTOR_COUNTS if s in known_sectors]
    labour = form_keys.index("labour")

    # origin x form, raked onto both margins
    origin_share = shares(ORIGIN_COUNTS, countries)
    form_share = shares(FORM_COUNTS, form_keys)
    affinity = np.ones((len(countries), len(form_keys)))
    for form, by_country in FORM_BY_ORIGIN.items():
        for c, a in by_country.items():
            affinity[countries.index(c), form_keys.index(form)] = a
    joint = ipf(affinity, origin_share, form_share)
    cell = pick(rng, joint.ravel(), n)
    origin, form = cell // len(form_keys), cell % len(form_keys)
    sector = np.full(n, -1)
    is_labour = form == labour
    sector[is_labour] = pick(rng, shares(SECTOR_COUNTS, sector_keys), int(is_labour.sum()))

    # sex and childhood: priors by form (sector for labour), shifted to the study's shares
    kind_keys = form_keys + sector_keys  # labour cases take their sector's prior
    kind = np.where(is_labour, len(form_keys) + sector, form)
    kind_counts = np.bincount(kind, minlength=len(kind_keys)).astype(float)
    female_prior = np.array([FEMALE_PRIOR.get(k, 0.6) for k in kind_keys])
    child_prior = np.array([CHILD_PRIOR.get(k, 0.4) for k in kind_keys])
    female_target = SEX_COUNTS["female"] / RESPONDENTS
    p_female = sigmoid(
        np.log(female_prior / (1 - female_prior))
        + logit_shift(female_prior, kind_counts, female_target)
    )
    p_child = sigmoid(
        np.log(child_prior / (1 - child_prior))
        + logit_shift(child_prior, kind_counts, CHILD_COUNT / RESPONDENTS)
    )
    female = rng.random(n) < p_female[kind]
    child = rng.random(n) < p_child[kind]
    child_ages = np.arange(8, 18)
    adult_ages = np.arange(18, 51)
    child_w = np.array([1, 1, 1.5, 2, 3, 4, 6, 8, 9, 9], dtype=float)
    adult_w = np.exp(-(adult_ages - 18) / 9.0)
    age = np.where(child, child_ages[pick(rng, child_w, n)], adult_ages[pick(rng, adult_w, n)])

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
    base = shares(DESTINATION_COUNTS)
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
    dest[idx] = pick_rows(rng, p_cell[origin[idx] * len(group_keys) + group[idx]])

    # country of reintegration = origin, except integration in a new (COMMIT) country
    dest_country = np.array([countries.index(d) if d in countries else -1 for d in dests])
    dest_in_commit = np.where(dest >= 0, dest_country[np.maximum(dest, 0)], -1)
    new_country = (dest_in_commit >= 0) & (rng.random(n) < 0.016)
    country = np.where(new_country, dest_in_commit, origin)

    # pathway: identification, assistance (0 yes, 1 no, 2 blank), return type, setting
    identified = pick(rng, np.array([0.88, 0.10, 0.02]), n)
    assisted = pick(rng, np.array([0.93, 0.05, 0.02]), n)
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
        not_identified, pick(rng, rt_unidentified, n), pick(rng, rt_international, n)
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
    end[-1] = day_number(as_of) + 1
    years = (start - day_number(FIRST_DATE)) / 365.25
    weight = np.exp(0.12 * years) * (end - start)
    ym = months.astype(np.int64)  # months since 1970-01
    covid = (ym >= (2020 - 1970) * 12 + 2) & (ym <= (2021 - 1970) * 12 + 11)
    weight[covid] *= 0.7
    m = pick(rng, weight, n)
    return start[m] + (rng.random(n) * (end[m] - start[m])).astype(np.int64)
