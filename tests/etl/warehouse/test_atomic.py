"""A load or publish killed at any point leaves both databases exactly as they were."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.sample import generate
from etl.warehouse import atomic

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path: Path) -> dict:
    return {**os.environ, "GMS_HASH_KEY_FILE": str(tmp_path / "key")}


def _load(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def big_sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "sample"
    generate(folder, n_cases=60_000, seed=5, as_of=dt.date(2026, 6, 30))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["load", "publish"])
def test_kill_9_leaves_warehouse_and_published_unchanged(tmp_path, big_sample, stage):
    env = _env(tmp_path)
    wh = tmp_path / "wh"
    small = tmp_path / "small"
    generate(small, n_cases=300, seed=1, as_of=dt.date(2026, 6, 30))
    assert _load([str(small), "--warehouse", str(wh)], env).wait(timeout=120) == 0
    before = {p.name: p.read_bytes() for p in (wh / "warehouse.duckdb", wh / "published.duckdb")}

    proc = _load([str(big_sample), "--warehouse", str(wh)], env)
    # wait until the run is inside the chosen stage: its scratch file exists
    target = wh / ("warehouse.duckdb" if stage == "load" else "published.duckdb")
    deadline = time.monotonic() + 120
    while not any(wh.glob(f".{target.name}.*.tmp")):
        assert proc.poll() is None, (
            "the load finished before it could be killed; make the sample bigger"
        )
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the stage
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    after = {p.name: p.read_bytes() for p in (wh / "warehouse.duckdb", wh / "published.duckdb")}
    assert after == before  # byte for byte

    # the next run clears the dead run's scratch files and loads normally
    assert _load([str(big_sample), "--warehouse", str(wh)], env).wait(timeout=300) == 0
    assert not list(wh.glob(".*.tmp*"))


def test_failure_inside_the_context_discards_the_scratch_copy(tmp_path):
    target = tmp_path / "db.bin"
    target.write_bytes(b"old")
    with (
        pytest.raises(RuntimeError),
        atomic.replace_on_success(target, copy_existing=True) as scratch,
    ):
        scratch.write_bytes(b"half-written")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.tmp"))


def test_success_swaps_in_the_new_file(tmp_path):
    target = tmp_path / "db.bin"
    target.write_bytes(b"old")
    with atomic.replace_on_success(target, copy_existing=True) as scratch:
        assert scratch.read_bytes() == b"old"
        scratch.write_bytes(b"new")
    assert target.read_bytes() == b"new"
