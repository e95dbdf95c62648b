"""Per-case running state of the outcome scores, computed with numpy.

int_assessments needs, for every case and assessment date and for every dimension, the
latest score so far (carried forward over dates that did not score it), the first score,
whether there were two or more, and whether this date's score fell below the previous one.
In SQL that is four window functions per dimension; DuckDB evaluates each on its own, and
at a million cases the forty of them took 30 of publish's 90 seconds. Over rows sorted by
case and date every one of them is a running maximum or a cumulative sum, which numpy does
in a single pass: the same result in about a second.

Codes (etl/sql/marts/macros.sql), 0 standing for NULL:
  snapshot = latest + 8 * first + 64 * (two or more scores)      0 before the first score
  flow     = 1 + 2 * (has an earlier score) + 4 * (lower than it) 0 when not scored that day
"""

from __future__ import annotations

import numpy as np


def group_starts(case_id: np.ndarray) -> np.ndarray:
    """For each row of rows sorted by case, the index of its case's first row."""
    n = len(case_id)
    index = np.arange(n)
    new = np.ones(n, dtype=bool)
    new[1:] = case_id[1:] != case_id[:-1]
    return np.maximum.accumulate(np.where(new, index, 0))


def dimension_codes(scores: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot and flow codes of one dimension (0 = NULL).

    scores: the dimension's score on each row, 0 when not scored, rows sorted by case and
    date; start: group_starts() of those rows.
    """
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.uint8)
    index = np.arange(n)
    scored = scores != 0
    # latest scored row so far (-1: none); it belongs to this case when it is >= start
    last = np.maximum.accumulate(np.where(scored, index, -1))
    has = last >= start
    # first scored row from each row on (n: none), looked up at the case's first row
    following = np.minimum.accumulate(np.where(scored, index, n)[::-1])[::-1]
    first = following[start]
    counted = np.cumsum(scored)
    before_case = counted[start] - scored[start]
    paired = (counted - before_case) >= 2
    safe_last = np.where(has, last, 0)
    safe_first = np.where(has, first, 0)
    latest_score = scores[safe_last].astype(np.int32)
    first_score = scores[safe_first].astype(np.int32)
    snapshot = np.where(has, latest_score + 8 * first_score + 64 * paired, 0).astype(np.uint8)

    # the latest scored row strictly before this one, within the case
    previous = np.empty(n, dtype=last.dtype)
    previous[0] = -1
    previous[1:] = last[:-1]
    has_previous = previous >= start
    previous_score = scores[np.where(has_previous, previous, 0)].astype(np.int32)
    setback = has_previous & (scores.astype(np.int32) < previous_score)
    flow = np.where(scored, 1 + 2 * has_previous + 4 * setback, 0).astype(np.uint8)
    return snapshot, flow


def unpack(words: np.ndarray, slot: int) -> np.ndarray:
    """The 3-bit score of dimension `slot` from words packing every score of a date."""
    return ((words.astype(np.uint64) >> np.uint64(3 * slot)) & np.uint64(7)).astype(np.uint8)
