"""Where things live: one list for the ETL, the dashboard and the tests.

The warehouse folder can be moved by environment (GMS_WAREHOUSE_DIR), read at call time so
that a test or a user can point everything elsewhere; the rest sits in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SCHEMA_DIR = DATA_DIR / "schema"
FRAMEWORK_FILE = REFERENCE_DIR / "framework.yaml"
SUBMISSION_FILE = REFERENCE_DIR / "submission.yaml"
DASHBOARD_FILE = REFERENCE_DIR / "dashboard.yaml"
SETTINGS_FILE = REFERENCE_DIR / "settings.yaml"
EXCHANGE_RATES = REFERENCE_DIR / "exchange_rates.csv"
MAP_FILE = DATA_DIR / "geo" / "gms_admin1.geojson"
DEFAULT_WAREHOUSE_DIR = DATA_DIR / "warehouse"
WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FILE = "published.duckdb"


def warehouse_dir() -> Path:
    """$GMS_WAREHOUSE_DIR, or data/warehouse/."""
    override = os.environ.get("GMS_WAREHOUSE_DIR")
    return Path(override) if override else DEFAULT_WAREHOUSE_DIR


def warehouse_db(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / WAREHOUSE_FILE


def published_db(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / PUBLISHED_FILE
