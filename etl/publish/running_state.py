"""Per-case running state of the outcome scores, computed with numpy.

int_assessments needs, for every case and assessment date and for every dimension, the
latest score so far (carried forward over dates that did not score it), the first score,
whether there were two or more, and whether this date's score fell below the previous one.
In SQL that is four window functions per dimension; DuckDB evaluates each on its own, and
at a million cases the forty of them took 30 of publish's 90 seconds. Over rows sorted by
case and date every one of them is a running maximum or a cumulative sum, which numpy does
in a single pass: the same result in about a second.

Codes (etl/publish/sql/macros.sql), 0 standing for NULL:
  snapshot = latest + 8 * first + 64 * (two or more scores)      0 before the first score
  flow     = 1 + 2 * (has an earlier score) + 4 * (lower than it) 0 when not scored that day
"""

from __future__ import annotations

import numpy as np


def group_starts(case_id: np.ndarray) -> np.ndarray:
    """For each row of rows sorted by case, the index of its case's first row."""
    n = len(case_id)
    index = np.arange(n, dtype=_index_type(n))
    new = np.ones(n, dtype=bool)
    new[1:] = case_id[1:] != case_id[:-1]
    return np.maximum.accumulate(np.where(new, index, 0))


def _index_type(n: int) -> type:
    """Row numbers times 8 plus a score must fit: 32 bits up to 268 million rows."""
    return np.int32 if n * 8 + 8 < 2**31 else np.int64


def dimension_codes(scores: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot and flow codes of one dimension (0 = NULL).

    scores: the dimension's score on each row, 0 when not scored, rows sorted by case and
    date; start: group_starts() of those rows.
    """
    n = len(scores)
    # a row and its score in one integer (row * 8 + score): a running maximum then carries
    # both the latest scored row and its score forward
    wide = _index_type(n)
    index = np.arange(n, dtype=wide)
    scores = scores.astype(wide)
    scored = scores != 0
    latest = np.maximum.accumulate(np.where(scored, index * 8 + scores, -1))
    has = (latest >> 3) >= start  # the latest scored row so far is this case's
    previous = np.empty_like(latest)  # the latest scored row before this one
    previous[:1] = -1
    previous[1:] = latest[:-1]
    has_previous = (previous >> 3) >= start
    opening = scored & ~has_previous  # the case's first scored row
    first = np.maximum.accumulate(np.where(opening, index * 8 + scores, -1))
    paired = (first >> 3) < (latest >> 3)

    u8 = np.uint8  # the codes are built in bytes: arithmetic on bools would widen to 64 bits
    code = (latest & 7).astype(u8) | ((first & 7).astype(u8) << u8(3)) | (paired.view(u8) << u8(6))
    snapshot = np.where(has, code, u8(0))
    setback = has_previous & (scores < (previous & 7))
    flow = (u8(1) | (has_previous.view(u8) << u8(1)) | (setback.view(u8) << u8(2))) * scored.view(
        u8
    )
    return snapshot, flow


def unpack(words: np.ndarray, slot: int) -> np.ndarray:
    """The 3-bit score of dimension `slot` from words packing every score of a date."""
    return ((words.astype(np.uint64) >> np.uint64(3 * slot)) & np.uint64(7)).astype(np.uint8)


class Assessments:
    """What each assessment (row) says as a whole, gathered one dimension at a time: how many
    dimensions were scored, the lowest score and the mean score (NaN when none)."""

    def __init__(self, n: int) -> None:
        self.count = np.zeros(n, dtype=np.uint8)
        self.total = np.zeros(n, dtype=np.int32)
        self.lowest = np.full(n, 255, dtype=np.uint8)

    def add(self, scores: np.ndarray) -> None:
        scored = scores != 0
        self.count += scored.view(np.uint8)
        self.total += scores
        np.minimum(self.lowest, np.where(scored, scores, np.uint8(255)), out=self.lowest)

    def mean(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.total / self.count  # float64, as SQL's avg of whole numbers
