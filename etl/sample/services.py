"""Services: planned per case before the outcome trajectories (they shape them), dated
afterwards within the case's period; and the barriers reported while receiving them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.sample.calibration import (
    CASE_MANAGEMENT,
    GOVERNMENT_SHARE,
    INITIAL_LEVEL,
    MAX_SERVICES,
    PRICE_LEVEL,
    PROVIDER_SHARE_NON_GOVERNMENT,
    SERVICE_COST_USD,
    SERVICE_DAYS,
    SERVICE_POPULARITY,
    STATUS_SHARE,
    USD_COST_SHARE,
)
from etl.sample.draws import day_number, pick
from reference import framework


# --- services (planned before the trajectories, dated after) --------------------------------
def linked_outcomes(fw: framework.Framework) -> dict[str, list[int]]:
    """Service area -> indices of the outcomes it serves (framework outcome.service_area)."""
    links: dict[str, list[int]] = {a: [] for a in fw.service_area_keys}
    for i, o in enumerate(fw.outcomes):
        if o.get("service_area") in links:
            links[o["service_area"]].append(i)
    return links


def plan_services(rng: np.random.Generator, fw: framework.Framework, cases: dict) -> dict:
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
    links = linked_outcomes(fw)
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
    total = 2 + pick(rng, np.array([0.18, 0.25, 0.24, 0.17, 0.10, 0.06]), n)  # 2..7
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
    status = pick(rng, status_p, n * MAX_SERVICES).reshape(n, MAX_SERVICES)
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


def date_services(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, plan: dict, as_of: dt.date
) -> dict[str, np.ndarray]:
    """Date, status, provider and cost of each planned service, within the case's period."""
    end_day = day_number(as_of)
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
    rest = pick(rng, p_rest, len(rows))
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


def draw_barriers(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, services: dict
) -> dict[str, np.ndarray]:
    """0-3 reported barriers per case, in the areas of the case's services."""
    n = len(cases["opened"])
    k = pick(rng, np.array([0.30, 0.35, 0.22, 0.13]), n)
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
