"""The benchmark runs end to end and reports both references (tiny size: speed is not tested)."""

from __future__ import annotations

import pytest

from etl.bench.run import run_bench


@pytest.mark.slow
def test_benchmark_runs_and_reports_ratios(tmp_path, monkeypatch):
    monkeypatch.setenv("GMS_HASH_KEY_FILE", str(tmp_path / "key"))
    [result] = run_bench([400], tmp_path / "work")
    assert result["cases"] == 400 and result["rows"] > 400
    assert result["load_publish_s"] > 0 and result["floor_s"] > 0
    assert result["x_floor"] == pytest.approx(result["load_publish_s"] / result["floor_s"])
    assert result["pandas_finished"] and result["x_pandas"] > 0
