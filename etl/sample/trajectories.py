"""Outcome trajectories: assessment waves per case, scores following a latent pace per
dimension, setbacks, crises and closure."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.sample.calibration import CASE_MANAGEMENT, PACE
from etl.sample.draws import DAYS_PER_MONTH, day_number
from etl.sample.services import linked_outcomes
from reference import framework

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


def simulate(
    rng: np.random.Generator, fw: framework.Framework, cases: dict, plan: dict, as_of: dt.date
) -> dict[str, np.ndarray]:
    """Assessment waves, vectorised over the cases still followed; sets cases' closure.

    Each wave assesses every followed case once, then decides who stops being followed
    (closed, lost to contact) and when the others are assessed next.
    """
    n = len(cases["opened"])
    keys = fw.outcome_keys
    d = len(keys)
    end_day = day_number(as_of)
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
    links = linked_outcomes(fw)
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
