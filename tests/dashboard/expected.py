"""What the dashboard must show, worked out here independently of dashboard/cellkey.py and
dashboard/protect.py: the perturbation table read straight from its file, the lookup done
in plain Python, one count at a time."""

from __future__ import annotations

import math

import yaml

from reference import paths

K = 10
MODULUS = 4096


def _table() -> dict:
    with open(paths.REFERENCE_DIR / "ptable.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


TABLE = _table()


def scramble(cell_key: int, n: int, modulus: int) -> int:
    """The documented permutation of the cell key: offset by n x 0x9E37, then three rounds
    of an odd multiplier and a right xor-shift by half the bits (rounded up), mod M."""
    bits = modulus.bit_length() - 1
    x = (cell_key + n * 0x9E37) % modulus
    for multiplier in (0x2C1B3C6D, 0x297A2D39, 0x5851F42D):
        x = (x * multiplier) % modulus
        x ^= x >> ((bits + 1) // 2)
    return x


def noisy(n: int, key_sum: int, modulus: int = MODULUS) -> int:
    """n plus the noise its cell key picks (counts under k are never shown: as they are)."""
    n, key_sum = int(n), int(key_sum)
    if n < K:
        return n
    rows = {int(r): row for r, row in TABLE["rows"].items()}
    row = rows[min(n, max(rows))]
    position = scramble(key_sum % modulus, n, modulus) * TABLE["resolution"] // modulus
    upper = 0
    for noise in sorted(row, key=int):
        upper += row[noise]
        if position < upper:
            return n + int(noise)
    raise AssertionError("the row's probabilities do not cover the key")


def count_label(n: int, key_sum: int) -> str:
    if n == 0:
        return "0"
    if n < K:
        return f"<{K}"
    return f"{noisy(n, key_sum):,}"


def share(num: int, num_key: int, den: int, den_key: int) -> float:
    """num'/den', NaN when hidden (den under k, or num a hidden count)."""
    if den < K or 0 < num < K:
        return math.nan
    return noisy(num, num_key) / noisy(den, den_key)


def _uniform(key_sum: int, n: int) -> float:
    """The documented mixing of a cell's key sum and count into [-1, 1) (splitmix64-style)."""
    mask = (1 << 64) - 1
    x = (key_sum * 0x9E3779B97F4A7C15 + n * 0xC2B2AE3D27D4EB4F) & mask
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & mask
    x ^= x >> 29
    return (x >> 11) / 2.0**53 * 2.0 - 1.0


def noisy_sum(total: float, n: int, key_sum: int, unit: float) -> float:
    """A sum over n cases plus up to `magnitude` x max(|mean contribution|, unit) of noise."""
    if n <= 0:
        return float(total)
    scale = max(abs(total) / n, unit)
    return float(total) + _uniform(int(key_sum), int(n)) * float(TABLE["magnitude"]) * scale


def mean(total: float, n: int, key_sum: int, unit: float) -> float:
    """The protected mean of a sum over n cases (NaN under k)."""
    if n < K:
        return math.nan
    return noisy_sum(total, n, key_sum, unit) / noisy(n, key_sum)


def sums(frame, *counts: str) -> dict[str, int]:
    """The counts and their key sums over the rows of a fixture frame."""
    out = {}
    for c in counts:
        out[c] = int(frame[c].sum())
        out[f"{c}_key"] = int(frame[f"{c}_key"].sum())
    return out
