"""Small helpers of the generator: dates as day numbers, random picks, raking."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from reference import paths

FIRST_DATE = dt.date(2016, 1, 1)
EPOCH = dt.date(1970, 1, 1)
DAYS_PER_MONTH = 30.4375
AGENCY_PREFIX = "SYN-"


# --- small helpers --------------------------------------------------------------------------
def shares(counts: dict[str, float], keys: list[str] | None = None) -> np.ndarray:
    keys = list(counts) if keys is None else keys
    w = np.array([counts.get(k, 0) for k in keys], dtype=float)
    return w / w.sum()


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def pick(rng: np.random.Generator, probs: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn from one probability vector."""
    return np.searchsorted(np.cumsum(probs), rng.random(size) * probs.sum(), side="right").clip(
        0, len(probs) - 1
    )


def pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One index per row of a (n, k) probability matrix (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), probs.shape[1] - 1)


def logit_shift(prior: np.ndarray, counts: np.ndarray, target: float) -> float:
    """Shift on the logit scale so that the count-weighted mean probability hits target."""
    logit = np.log(prior / (1 - prior))
    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        mean = (counts / (1 + np.exp(-(logit + mid)))).sum() / max(counts.sum(), 1)
        lo, hi = (mid, hi) if mean < target else (lo, mid)
    return (lo + hi) / 2


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def ipf(seed_matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Iterative proportional fitting of a positive matrix to row and column margins."""
    m = seed_matrix.astype(float).copy()
    for _ in range(200):
        m *= (rows / m.sum(axis=1))[:, None]
        m *= cols / m.sum(axis=0)
    return m / m.sum()


def exchange_rates(path: Path = paths.EXCHANGE_RATES) -> dict[tuple[str, int], float]:
    with open(path, encoding="utf-8") as fh:
        return {(r["currency"], int(r["year"])): float(r["per_usd"]) for r in csv.DictReader(fh)}


def rate_table(
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


def round_to(values: np.ndarray, step: np.ndarray) -> np.ndarray:
    return np.maximum(np.rint(values / step), 1) * step
