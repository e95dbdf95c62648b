"""Settings of the ETL's DuckDB connections (data/reference/settings.yaml): threads and
memory limits, sized to the machine unless the file or the environment says otherwise.

Nothing here imports streamlit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from reference import paths

_UNITS = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_ENV_MEMORY = {"load": "GMS_LOAD_MEMORY", "publish": "GMS_PUBLISH_MEMORY"}


@dataclass(frozen=True)
class Resources:
    threads: int
    memory_limit: str  # a DuckDB size: '2000MB'


def size_bytes(text: str) -> int:
    """'2GB' -> 2_000_000_000; '2500MB', '1.5GiB' likewise."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMG]i?B)\s*", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"{text!r} is not a size like 2GB or 2500MB")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def machine_memory() -> int:
    """Physical memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


@cache
def _file(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def resources(stage: str, path: Path = paths.SETTINGS_FILE) -> Resources:
    """Threads and memory limit for the DuckDB connection of `stage` (load or publish)."""
    spec = _file(Path(path)).get("duckdb", {}).get(stage)
    if spec is None:
        raise KeyError(f"{path}: no duckdb.{stage} settings")
    threads = os.environ.get("GMS_THREADS") or spec.get("threads", "auto")
    threads = (os.cpu_count() or 1) if str(threads) == "auto" else int(threads)
    memory = os.environ.get(_ENV_MEMORY.get(stage, "")) or spec.get("memory_limit", "auto")
    if str(memory) == "auto":
        cap = size_bytes(spec["cap"])
        limit = min(cap, int(machine_memory() * float(spec.get("share", 0.25))))
    else:
        limit = size_bytes(memory)
    return Resources(threads=max(1, threads), memory_limit=f"{limit // 10**6}MB")


def record_key_modulus(path: Path = paths.SETTINGS_FILE) -> int:
    """Record keys run from 0 to this - 1 (disclosure.record_key_bits)."""
    bits = int(_file(Path(path)).get("disclosure", {}).get("record_key_bits", 12))
    if not 4 <= bits <= 20:
        raise ValueError(f"{path}: disclosure.record_key_bits must be from 4 to 20, not {bits}")
    return 2**bits
