"""Where things live. Overridable by environment so tests and users can relocate them."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_DIR = Path(os.environ.get("GMS_WAREHOUSE_DIR", ROOT / "data" / "warehouse"))
WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FILE = "published.duckdb"
EXCHANGE_RATES = ROOT / "data" / "reference" / "exchange_rates.csv"
SQL_DIR = Path(__file__).resolve().parent / "sql"


def warehouse_db(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / WAREHOUSE_FILE


def published_db(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / PUBLISHED_FILE
