"""The cell-key method: the noise every count and sum gets before anyone sees it.

How national statistical offices publish flexible tables from confidential microdata
(Australian Bureau of Statistics TableBuilder: Thompson, Broadfoot and Elazar 2013;
Giessing and Tent 2019; sdcTools' R packages cellKey and ptable):

* every case has a record key, a whole number from 0 to M-1 (M: meta record_key_modulus),
  fixed by its keyed hash at publish (etl/publish/sql/staging/stg_cases.sql);
* the marts carry, beside every count, the sum of the record keys of what it counts, so any
  selection's key sum is the sum over its cells, whatever the filters;
* a count n over a set of cases with key sum S gets the noise d = ptable(n, scramble(S mod
  M, n)): the same cases give the same noise on every page, session, filter order and
  download, and no amount of asking again averages it away. scramble() is a fixed
  permutation of 0..M-1 (for each n), so the cell key stays uniform; it makes cell keys that
  differ a little, or counts that differ, pick unrelated noise: otherwise a small group B
  whose key sum is near a multiple of M would move the cell key of A + B so little from A's
  that both got the same noise, and A + B minus A would give B's count exactly;
* the perturbation table (data/reference/ptable.yaml, built by `python -m dashboard.cellkey`
  from dashboard.yaml's `disclosure` settings) keeps 0 at 0, moves no count of k or more
  below k, adds at most `max` and has the documented variance and a mean of (about) 0;
* a sum (scores, money) gets the noise u x `magnitude` x (the larger of the mean
  contribution |X| / n and the measure's unit), u uniform on [-1, 1) from S and n.

Counts from 1 to k-1 are not shown at all (dashboard/protect.py). Nothing here imports
streamlit.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from reference import paths

PTABLE_FILE = paths.REFERENCE_DIR / "ptable.yaml"
RESOLUTION = 4096  # the table's probabilities are whole 4096ths


@dataclass(frozen=True)
class PTable:
    k: int
    max_noise: int
    variance: float
    magnitude: float
    rows: dict[
        int, dict[int, int]
    ]  # count (k.. k+max; the last row serves larger) -> noise -> 4096ths

    @property
    def top(self) -> int:
        return max(self.rows)

    def thresholds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For vectorised lookups: counts, the upper bound of each noise's interval, noise."""
        counts, upper, noise = [], [], []
        for n, row in sorted(self.rows.items()):
            total = 0
            for d, p in sorted(row.items()):
                total += p
                counts.append(n)
                upper.append(total)
                noise.append(d)
        return np.array(counts), np.array(upper), np.array(noise)


# --- building the table -------------------------------------------------------------------


def _max_entropy(support: np.ndarray, variance: float) -> np.ndarray:
    """Probabilities on support with mean 0 and the given variance, as even as possible:
    p(d) proportional to exp(a d + b d^2), a and b found by Newton's method."""
    a = b = 0.0
    for _ in range(200):
        w = np.exp(a * support + b * support**2 - np.max(a * support + b * support**2))
        p = w / w.sum()
        m1, m2 = (p * support).sum(), (p * support**2).sum()
        m3, m4 = (p * support**3).sum(), (p * support**4).sum()
        f = np.array([m1, m2 - variance])
        if np.abs(f).max() < 1e-12:
            break
        jac = np.array([[m2 - m1 * m1, m3 - m1 * m2], [m3 - m2 * m1, m4 - m2 * m2]])
        step = np.linalg.solve(jac, f)
        a, b = a - step[0], b - step[1]
    return p


def _quantise(p: np.ndarray) -> np.ndarray:
    """Whole RESOLUTIONths summing to RESOLUTION (largest remainders), none of them 0."""
    raw = p * RESOLUTION
    out = np.maximum(np.floor(raw).astype(int), 1)
    while out.sum() > RESOLUTION:
        out[np.argmax(out)] -= 1
    order = np.argsort(-(raw - np.floor(raw)))
    i = 0
    while out.sum() < RESOLUTION:
        out[order[i % len(out)]] += 1
        i += 1
    return out


def build(k: int, max_noise: int, variance: float, magnitude: float) -> PTable:
    """The table for counts k, k+1, ..., k+max_noise (larger counts use the last row)."""
    if k < 2 or max_noise < 1 or variance <= 0:
        raise ValueError("need k >= 2, max >= 1 and a positive variance")
    rows: dict[int, dict[int, int]] = {}
    for n in range(k, k + max_noise + 1):
        low = max(-max_noise, k - n)  # never below k: a shown count stays shown
        if low == 0:  # only upward noise is allowed, and the mean must stay 0
            rows[n] = {0: RESOLUTION}
            continue
        support = np.arange(low, max_noise + 1, dtype=float)
        feasible = -low * max_noise  # the largest variance with mean 0 on this support
        p = _max_entropy(support, min(variance, 0.9 * feasible))
        rows[n] = dict(zip(support.astype(int).tolist(), _quantise(p).tolist(), strict=True))
    return PTable(k, max_noise, variance, magnitude, rows)


def moments(table: PTable) -> dict[int, tuple[float, float]]:
    """Each row's mean and variance of the noise, as the table gives them."""
    out = {}
    for n, row in table.rows.items():
        d = np.array(list(row), dtype=float)
        p = np.array(list(row.values()), dtype=float) / RESOLUTION
        mean = float((p * d).sum())
        out[n] = (mean, float((p * (d - mean) ** 2).sum()))
    return out


def write(table: PTable, path: Path = PTABLE_FILE) -> None:
    lines = [
        "# The perturbation table of the cell-key method (dashboard/cellkey.py).",
        "# Generated by `python -m dashboard.cellkey` from `disclosure` in dashboard.yaml:",
        "# do not edit by hand (a test checks that it matches those settings).",
        "# rows: for a true count n (the last row serves every larger count), the noise added",
        f"# and its probability in {RESOLUTION}ths; a count's cell key picks one. Counts of 1",
        "# to k-1 are never shown; 0 stays 0.",
        f"k: {table.k}",
        f"max_noise: {table.max_noise}",
        f"variance: {table.variance}",
        f"magnitude: {table.magnitude}",
        f"resolution: {RESOLUTION}",
        "rows:",
    ]
    stats = moments(table)
    for n, row in sorted(table.rows.items()):
        noise = ", ".join(f"{d}: {p}" for d, p in sorted(row.items()))
        mean, var = stats[n]
        more = " and above" if n == table.top else ""
        lines.append(f"  {n}: {{{noise}}}  # n = {n}{more}: mean {mean:+.4f}, variance {var:.4f}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> PTable:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if int(data.get("resolution", 0)) != RESOLUTION:
        raise ValueError(f"{path}: resolution must be {RESOLUTION}")
    rows = {int(n): {int(d): int(p) for d, p in row.items()} for n, row in data["rows"].items()}
    for n, row in rows.items():
        if sum(row.values()) != RESOLUTION:
            raise ValueError(f"{path}: the probabilities of row {n} do not sum to {RESOLUTION}")
    return PTable(
        int(data["k"]),
        int(data["max_noise"]),
        float(data["variance"]),
        float(data["magnitude"]),
        rows,
    )


def load(path: Path = PTABLE_FILE) -> PTable:
    path = Path(path)
    return _read(str(path), path.stat().st_mtime_ns)


# --- applying it --------------------------------------------------------------------------


def scramble(cell_key: np.ndarray, n: np.ndarray, modulus: int) -> np.ndarray:
    """A fixed permutation of 0..M-1 (M a power of two) for each count n: the cell key's
    place in the table. Each step is invertible on the key's bits (an offset by n, an odd
    multiplier, a right xor-shift), so a uniform cell key stays uniform."""
    bits = int(modulus).bit_length() - 1
    if modulus != 1 << bits or bits < 4:
        raise ValueError(f"the record-key modulus must be a power of two from 16, not {modulus}")
    mask = np.uint64(modulus - 1)
    x = (
        np.asarray(cell_key, dtype=np.uint64) + np.asarray(n, dtype=np.uint64) * np.uint64(0x9E37)
    ) & mask
    with np.errstate(over="ignore"):
        for multiplier in (0x2C1B3C6D, 0x297A2D39, 0x5851F42D):
            x = (x * np.uint64(multiplier)) & mask
            x ^= x >> np.uint64((bits + 1) // 2)
    return x.astype(np.int64)


def perturb(table: PTable, n: np.ndarray, key_sum: np.ndarray, modulus: int) -> np.ndarray:
    """Counts with their noise: n + ptable(n, scramble(S mod M, n)). Counts under k are
    returned as they are (they are never shown); 0 stays 0."""
    n = np.asarray(n, dtype=np.int64)
    key_sum = np.asarray(key_sum, dtype=np.int64)
    cell_key = scramble(np.mod(key_sum, modulus), n, modulus)
    position = (cell_key * RESOLUTION) // modulus  # 0 .. RESOLUTION - 1
    counts, upper, noise = table.thresholds()
    row = np.minimum(n, table.top)
    out = n.copy()
    big = n >= table.k
    if big.any():
        # the first interval of the row whose upper bound is above the position
        ordered = counts * (RESOLUTION + 1) + upper
        index = np.searchsorted(ordered, row[big] * (RESOLUTION + 1) + position[big], side="right")
        out[big] = n[big] + noise[index]
    return out


def uniform(key_sum: np.ndarray, n: np.ndarray) -> np.ndarray:
    """A number in [-1, 1) fixed by a cell's key sum and count (the sum's noise draws on it,
    apart from the count's)."""
    s = np.asarray(key_sum, dtype=np.uint64)
    c = np.asarray(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = s * np.uint64(0x9E3779B97F4A7C15) + c * np.uint64(0xC2B2AE3D27D4EB4F)
        x ^= x >> np.uint64(31)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) / 2.0**53 * 2.0 - 1.0


def perturb_sum(
    table: PTable, total: np.ndarray, n: np.ndarray, key_sum: np.ndarray, unit: float
) -> np.ndarray:
    """A sum over n cases with its noise: up to `magnitude` times the larger of the mean
    contribution and the measure's unit, either way. A sum over no case stays as it is."""
    total = np.asarray(total, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.maximum(np.abs(total) / n, unit)
    noise = uniform(key_sum, n) * table.magnitude * scale
    return np.where(n > 0, total + noise, total)


def main(argv: list[str] | None = None) -> int:
    from dashboard import config

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.cellkey",
        description="Write data/reference/ptable.yaml from the disclosure settings of dashboard.yaml.",
    )
    parser.add_argument("--out", type=Path, default=PTABLE_FILE)
    args = parser.parse_args(argv)
    s = config.settings()
    table = build(s.k, s.max_noise, s.noise_variance, s.magnitude_noise)
    write(table, args.out)
    for n, (mean, var) in sorted(moments(table).items()):
        print(f"n = {n}: mean {mean:+.4f}, variance {var:.4f}, noise {sorted(table.rows[n])}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
