"""Fixtures shared by the whole suite.

`pipeline` is the one deterministic fixture warehouse: a small synthetic sample run through
the real pipeline (generate -> load -> publish) once per test session (per xdist worker).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

AS_OF = dt.date(2026, 6, 30)
CASES = 3000
SEED = 11


@dataclass(frozen=True)
class Pipeline:
    sample: Path
    warehouse_dir: Path
    key_file: Path
    as_of: dt.date

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.warehouse_dir / "published.duckdb"


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> Pipeline:
    from etl.sample import generate
    from etl.warehouse.load import run_load

    base = tmp_path_factory.mktemp("pipeline")
    key_file = base / "case-key"
    # a fixed key: the record keys, and so every perturbed figure, are the same on every run
    # (a real warehouse's key is random and secret: etl/anonymise/case_keys.py)
    key_file.write_text(hashlib.sha256(b"gms test pipeline key").hexdigest() + "\n")
    previous = os.environ.get("GMS_HASH_KEY_FILE")
    os.environ["GMS_HASH_KEY_FILE"] = str(key_file)
    try:
        generate(base / "sample", n_cases=CASES, seed=SEED, as_of=AS_OF)
        out = io.StringIO()
        code = run_load(
            [base / "sample"], base / "warehouse", today=AS_OF, console=Console(file=out, width=200)
        )
        assert code == 0, out.getvalue()
    finally:
        if previous is None:
            os.environ.pop("GMS_HASH_KEY_FILE", None)
        else:
            os.environ["GMS_HASH_KEY_FILE"] = previous
    return Pipeline(base / "sample", base / "warehouse", key_file, AS_OF)
