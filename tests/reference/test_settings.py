"""reference/settings.py: DuckDB threads and memory from data/reference/settings.yaml, sized to
the machine unless the file or the environment says otherwise."""

from __future__ import annotations

import os

import pytest

from reference import settings


def write(tmp_path, body: str):
    path = tmp_path / "settings.yaml"
    path.write_text(body)
    return path


def test_the_shipped_file_gives_every_stage_a_limit_under_its_cap():
    for stage, cap in (("load", 2_000_000_000), ("publish", 2_500_000_000)):
        got = settings.resources(stage)
        assert got.threads == os.cpu_count()
        assert 0 < settings.size_bytes(got.memory_limit) <= cap


def test_auto_memory_is_a_share_of_the_machine_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "machine_memory", lambda: 4 * 10**9)
    path = write(
        tmp_path, "duckdb:\n  load: {threads: 3, memory_limit: auto, share: 0.25, cap: 2GB}\n"
    )
    got = settings.resources("load", path)
    assert got == settings.Resources(threads=3, memory_limit="1000MB")  # 25% of 4 GB
    monkeypatch.setattr(settings, "machine_memory", lambda: 64 * 10**9)
    assert settings.resources("load", path).memory_limit == "2000MB"  # the cap


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, "duckdb:\n  publish: {threads: auto, memory_limit: 2500MB}\n")
    monkeypatch.setenv("GMS_THREADS", "1")
    monkeypatch.setenv("GMS_PUBLISH_MEMORY", "1.5GiB")
    assert settings.resources("publish", path) == settings.Resources(
        1, f"{int(1.5 * 2**30) // 10**6}MB"
    )


def test_a_bad_size_or_stage_is_refused(tmp_path):
    path = write(tmp_path, "duckdb:\n  load: {threads: 2, memory_limit: lots}\n")
    with pytest.raises(ValueError, match="not a size"):
        settings.resources("load", path)
    with pytest.raises(KeyError, match="no duckdb.publish"):
        settings.resources("publish", path)
