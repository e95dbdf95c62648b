"""dashboard/cellkey.py: the perturbation table and the noise it gives."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard import cellkey, config
from tests.dashboard import expected as ex


def test_the_shipped_table_is_the_one_the_settings_build():
    s = config.settings()
    built = cellkey.build(s.k, s.max_noise, s.noise_variance, s.magnitude_noise)
    assert cellkey.load() == built, "run python -m dashboard.cellkey and commit ptable.yaml"


def test_the_table_keeps_its_promises():
    table = cellkey.load()
    assert table.k == config.settings().k
    for n, row in table.rows.items():
        assert sum(row.values()) == cellkey.RESOLUTION
        assert all(abs(d) <= table.max_noise for d in row), n
        assert all(n + d >= table.k for d in row), n  # a shown count stays shown
        assert all(p > 0 for p in row.values())
    stats = cellkey.moments(table)
    for n, (mean, _variance) in stats.items():
        assert abs(mean) < 0.005, n
    assert stats[table.top][1] == pytest.approx(table.variance, abs=0.01)
    assert stats[table.k] == (0.0, 0.0)  # at k itself only upward noise fits, and mean 0


def test_perturb_matches_the_independent_lookup_and_keeps_zero_and_small_counts():
    table = cellkey.load()
    rng = np.random.default_rng(3)
    n = np.concatenate([[0, 1, 9], rng.integers(10, 5000, 500)])
    keys = rng.integers(0, 10**7, len(n))
    got = cellkey.perturb(table, n, keys, 4096)
    assert got.tolist() == [ex.noisy(a, b) for a, b in zip(n, keys, strict=True)]
    assert got[:3].tolist() == [0, 1, 9]
    # another modulus maps keys onto the same table
    assert cellkey.perturb(table, [500], [3], 256)[0] == ex.noisy(500, 3, modulus=256)


def test_scramble_is_a_permutation_for_every_count_and_unrelates_near_keys():
    keys = np.arange(4096)
    for n in (10, 12, 57, 4000):
        assert sorted(cellkey.scramble(keys, np.full(4096, n), 4096).tolist()) == keys.tolist()
    table = cellkey.load()
    # two cells whose key sums differ a little get the same noise no more often than
    # unrelated cells would (about 27% for this table), not nearly always
    a = cellkey.perturb(table, np.full(4096, 50), keys, 4096) - 50
    b = cellkey.perturb(table, np.full(4096, 53), keys + 200, 4096) - 53
    assert (a == b).mean() < 0.35
    with pytest.raises(ValueError, match="power of two"):
        cellkey.scramble(keys, keys, 1000)


def test_noise_is_spread_as_the_table_says():
    table = cellkey.load()
    keys = np.arange(4096)
    noise = cellkey.perturb(table, np.full(4096, 100), keys, 4096) - 100
    values, freq = np.unique(noise, return_counts=True)
    assert dict(zip(values.tolist(), freq.tolist(), strict=True)) == table.rows[table.top]


def test_sums_get_bounded_noise_fixed_by_their_cells():
    table = cellkey.load()
    u = cellkey.uniform(np.arange(100_000), np.full(100_000, 37))
    assert -1 <= u.min() < -0.99 and 0.99 < u.max() < 1
    assert abs(u.mean()) < 0.01
    total, n = np.array([330.0, 0.0]), np.array([100, 0])
    a = cellkey.perturb_sum(table, total, n, np.array([77, 0]), unit=1.0)
    assert a.tolist() == cellkey.perturb_sum(table, total, n, np.array([77, 0]), unit=1.0).tolist()
    assert abs(a[0] - 330.0) <= table.magnitude * 3.3 and a[1] == 0.0
    assert a[0] == pytest.approx(ex.noisy_sum(330.0, 100, 77, 1.0))


def test_the_table_is_written_and_read_back(tmp_path):
    table = cellkey.build(10, 3, 1.5, 0.5)
    cellkey.write(table, tmp_path / "p.yaml")
    assert cellkey.load(tmp_path / "p.yaml") == table
    text = (tmp_path / "p.yaml").read_text()
    assert "do not edit by hand" in text and "13 and above" in text
    broken = text.replace("10: {0: 4096}", "10: {0: 4000}")
    (tmp_path / "q.yaml").write_text(broken)
    with pytest.raises(ValueError, match="do not sum"):
        cellkey.load(tmp_path / "q.yaml")
