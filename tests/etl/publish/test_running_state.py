"""etl/publish/running_state.py against a plain-Python reading of the snapshot and flow codes."""

import numpy as np
import pytest

from etl.publish import running_state as carry_forward


def reference(cases: list[int], scores: list[int]) -> tuple[list[int], list[int]]:
    """Row by row, case by case: the definition in macros.sql."""
    snaps, flows = [], []
    seen: dict[int, list[int]] = {}
    for case, score in zip(cases, scores, strict=True):
        earlier = seen.setdefault(case, [])
        previous = earlier[-1] if earlier else None
        if score:
            flows.append(
                1 + 2 * (previous is not None) + 4 * (previous is not None and score < previous)
            )
            earlier.append(score)
        else:
            flows.append(0)
        snaps.append(earlier[-1] + 8 * earlier[0] + 64 * (len(earlier) >= 2) if earlier else 0)
    return snaps, flows


def test_hand_worked_case():
    # case 1: scored 2, not scored, 3, 1 ; case 2: not scored, then 4
    cases = np.array([1, 1, 1, 1, 2, 2])
    scores = np.array([2, 0, 3, 1, 0, 4], dtype=np.uint8)
    snap, flow = carry_forward.dimension_codes(scores, carry_forward.group_starts(cases))
    assert snap.tolist() == [2 + 16, 2 + 16, 3 + 16 + 64, 1 + 16 + 64, 0, 4 + 32]
    assert flow.tolist() == [1, 0, 3, 7, 0, 1]


@pytest.mark.parametrize("seed", range(5))
def test_matches_reference_on_random_histories(seed):
    rng = np.random.default_rng(seed)
    cases = np.sort(rng.integers(0, 300, 2000))
    scores = np.where(rng.random(2000) < 0.35, 0, rng.integers(1, 5, 2000)).astype(np.uint8)
    snap, flow = carry_forward.dimension_codes(scores, carry_forward.group_starts(cases))
    want_snap, want_flow = reference(cases.tolist(), scores.tolist())
    assert snap.tolist() == want_snap
    assert flow.tolist() == want_flow


def test_unpack_reads_three_bits_per_dimension():
    words = np.array([2 | (3 << 3) | (4 << 27)], dtype=np.uint64)
    assert [int(carry_forward.unpack(words, slot)[0]) for slot in (0, 1, 2, 9)] == [2, 3, 0, 4]


def test_no_rows():
    snap, flow = carry_forward.dimension_codes(
        np.zeros(0, dtype=np.uint8), carry_forward.group_starts(np.zeros(0))
    )
    assert len(snap) == len(flow) == 0


def test_assessments_as_a_whole_count_lowest_and_mean_over_scored_dimensions():
    whole = carry_forward.Assessments(3)
    for scores in ([2, 0, 4], [3, 0, 0], [0, 0, 1]):  # three dimensions, rows are assessments
        whole.add(np.array(scores, dtype=np.uint8))
    assert whole.count.tolist() == [2, 0, 2]
    assert whole.lowest.tolist()[0] == 2 and whole.lowest.tolist()[2] == 1
    mean = whole.mean()
    assert mean[0] == 2.5 and np.isnan(mean[1]) and mean[2] == 2.5
