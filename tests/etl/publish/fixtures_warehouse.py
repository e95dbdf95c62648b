"""The tiny hand-built warehouse of the publish tests.

``build_tiny_warehouse`` writes a dozen cases whose every mart cell can be worked out by
hand (the expected values in test_publish.py are derived from the comments below).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from etl.warehouse.schema import SQL
from reference import paths

D = dt.date
SCHEMA = SQL / "schema.sql"

# Tiny warehouse ------------------------------------------------------------------------
# as_of for the tiny warehouse: 2024-06-30 (end of 2024Q2). Rows dated later are ignored.
TINY_AS_OF = D(2024, 6, 30)

# fmt: off
#: (case_key, agency, country, province, sex, age_band, form, opened, closed, closure_reason)
TINY_CASES = [
    # C01: open whole period, two assessments, improves to reintegrated.
    ("k01", "SYN-A", "KH", "KH-12", "female", "a18_24", "labour", D(2023, 1, 10), None, None),
    # C02: same cell as C01; closed reintegrated in 2023Q4.
    ("k02", "SYN-A", "KH", "KH-12", "female", "a18_24", "labour", D(2023, 2, 1), D(2023, 11, 15), "reintegrated"),
    # C03: same cell; opened 2023Q3, never assessed.
    ("k03", "SYN-A", "KH", "KH-12", "female", "a18_24", "labour", D(2023, 8, 20), None, None),
    # C04: male child, sexual exploitation; setback in mental_health.
    ("k04", "SYN-A", "KH", "KH-12", "male", "a15_17", "sexual_exploitation", D(2022, 11, 5), None, None),
    # C05: Viet Nam; closed lost_contact 2024Q1; one assessment after closure (follow-up).
    ("k05", "SYN-B", "VN", "VN-HN", "female", "a25_34", "forced_marriage", D(2023, 4, 1), D(2024, 2, 10), "lost_contact"),
    # C06: Viet Nam; opened after as_of: ignored entirely.
    ("k06", "SYN-B", "VN", "VN-HN", "female", "a25_34", "forced_marriage", D(2024, 7, 2), None, None),
    # C07: Viet Nam; closed after as_of: counted as open; its closure is not counted.
    ("k07", "SYN-B", "VN", "VN-HN", "female", "a25_34", "forced_marriage", D(2024, 1, 15), D(2024, 8, 1), "reintegrated"),
    # C08: Viet Nam unknown province; assessment dated before opening.
    ("k08", "SYN-B", "VN", "VN-UNK", "male", "unknown", "labour", D(2024, 4, 10), None, None),
    # C09: Cambodia, same cell as C01; only services (case management) and a barrier.
    ("k09", "SYN-A", "KH", "KH-12", "female", "a18_24", "labour", D(2024, 1, 5), None, None),
    # C10: Cambodia, same cell as C01; three assessments, reintegrated then not.
    ("k10", "SYN-A", "KH", "KH-12", "female", "a18_24", "labour", D(2023, 1, 20), None, None),
]

#: (case_key, assessed_on, {dimension: score}). Threshold is 3.
TINY_ASSESSMENTS = [
    ("k01", D(2023, 1, 20), {"housing": 2, "mental_health": 2, "economic": 1}),
    # economic not assessed here: carried forward (1) from 2023-01-20
    ("k01", D(2024, 3, 1), {"housing": 3, "mental_health": 4}),
    ("k02", D(2023, 2, 10), {"housing": 3, "mental_health": 2}),
    ("k02", D(2023, 10, 1), {"housing": 4, "mental_health": 3}),
    ("k04", D(2022, 11, 20), {"mental_health": 3, "safety": 2}),
    ("k04", D(2023, 5, 3), {"mental_health": 2, "safety": 3}),  # setback in mental_health
    ("k04", D(2024, 5, 3), {"mental_health": 4}),
    ("k05", D(2023, 4, 10), {"housing": 1, "economic": 2}),
    ("k05", D(2024, 5, 20), {"housing": 3, "economic": 3}),  # after closure (follow-up)
    ("k07", D(2024, 2, 1), {"housing": 4, "economic": 3}),
    ("k07", D(2024, 7, 1), {"housing": 1, "economic": 1}),  # after as_of: ignored
    ("k08", D(2024, 3, 25), {"safety": 1}),  # before opening
    ("k10", D(2023, 2, 1), {"housing": 3, "economic": 3}),
    ("k10", D(2023, 8, 1), {"housing": 4, "economic": 3}),
    ("k10", D(2024, 4, 1), {"housing": 4, "economic": 2}),
]

#: (case_key, service_area, started, ended, status, cost_usd)
TINY_SERVICES = [
    ("k01", "housing", D(2023, 1, 15), D(2023, 6, 30), "provided", 100.0),
    ("k01", "psychological", D(2023, 3, 1), None, "referred", None),
    ("k02", "housing", D(2023, 2, 5), None, "provided", 50.0),
    ("k02", "case_management", D(2023, 2, 5), None, "provided", 20.0),
    ("k04", "psychological", D(2023, 1, 10), None, "provided", 30.0),
    ("k04", "housing", D(2023, 1, 10), None, "declined", None),
    ("k05", "economic", D(2023, 5, 1), None, "provided", 200.0),
    ("k07", "housing", D(2024, 3, 1), None, "provided", 40.0),
    ("k07", "housing", D(2024, 8, 1), None, "provided", 999.0),  # after as_of: ignored
    ("k09", "case_management", D(2024, 1, 10), None, "provided", 10.0),
    ("k10", "housing", D(2023, 1, 25), None, "provided", 70.0),
]

#: (case_key, service_area, barrier_code, noted_on)
TINY_BARRIERS = [
    ("k01", "housing", "HOU-02", D(2023, 2, 1)),
    ("k01", "housing", "HOU-02", D(2023, 3, 1)),
    ("k02", "housing", "HOU-02", D(2023, 2, 20)),
    ("k09", "case_management", "CM-02", D(2024, 2, 1)),
    ("k05", "economic", "ECO-06", D(2024, 9, 1)),  # after as_of: ignored
]

#: (country, province, year, service_area, funding_source, budgeted_usd, spent_usd)
TINY_BUDGETS = [
    ("KH", "KH-12", 2023, "housing", "government", 1000.0, 800.0),
    ("KH", "KH-12", 2023, "housing", "donor", 500.0, 250.5),
    ("KH", "", 2023, "case_management", "government", 300.0, 300.0),
    ("VN", "VN-HN", 2024, "economic", "donor", 2000.0, 100.0),
]

#: (load_id, file_name, table_name, row_number, column_name, value, reason)
TINY_QUARANTINE = [
    (2, "assessments.csv", "assessments", 5, "score", "7", "out_of_scale"),
    (2, "assessments.csv", "assessments", 9, "score", "9", "out_of_scale"),
    (2, "assessments.csv", "assessments", 12, "assessed_on", "31/02/2023", "invalid_date"),
]
# fmt: on


def create_warehouse(warehouse_dir: Path) -> Path:
    """An empty warehouse (schema only) at <warehouse_dir>/warehouse.duckdb."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    db = paths.warehouse_db(warehouse_dir)
    with duckdb.connect(str(db)) as con:
        con.execute(SCHEMA.read_text())
    return db


def build_tiny_warehouse(warehouse_dir: Path) -> Path:
    db = create_warehouse(warehouse_dir)
    with duckdb.connect(str(db)) as con:
        loaded = dt.datetime(2024, 7, 1, 9, 0, 0)
        con.executemany(
            "INSERT INTO loads VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 0, 'loaded', ?, NULL)",
            [
                (1, "cases.csv", "a" * 64, "cases", "SYN-A,SYN-B", loaded, 10, 10, 0, True),
                (
                    2,
                    "assessments.csv",
                    "b" * 64,
                    "assessments",
                    "SYN-A,SYN-B",
                    loaded,
                    40,
                    37,
                    3,
                    True,
                ),
                (3, "services.csv", "c" * 64, "services", "SYN-A,SYN-B", loaded, 11, 11, 0, True),
                (4, "barriers.csv", "d" * 64, "barriers", "SYN-A,SYN-B", loaded, 5, 5, 0, True),
                (5, "budgets.csv", "e" * 64, "budgets", None, loaded, 4, 4, 0, False),
            ],
        )
        con.executemany(
            "INSERT INTO cases (case_key, agency, country, province, sex, age_band, form, "
            "opened, closed, closure_reason, load_id) VALUES (hash(?)::UHUGEINT, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            TINY_CASES,
        )
        con.executemany(
            "INSERT INTO assessments VALUES (hash(?)::UHUGEINT, ?, ?, ?, 2)",
            [
                (key, day, dim, score)
                for key, day, scores in TINY_ASSESSMENTS
                for dim, score in scores.items()
            ],
        )
        con.executemany(
            "INSERT INTO services VALUES (hash(?)::UHUGEINT, ?, ?, ?, ?, 'ngo', ?, 'USD', ?, 3)",
            [
                (key, area, start, end, status, cost, cost)
                for key, area, start, end, status, cost in TINY_SERVICES
            ],
        )
        con.executemany(
            "INSERT INTO barriers VALUES (hash(?)::UHUGEINT, ?, ?, ?, 4)",
            [(key, area, code, day) for key, area, code, day in TINY_BARRIERS],
        )
        con.executemany(
            "INSERT INTO budgets VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, 5)",
            [
                (country, prov, year, area, source, budgeted, spent, budgeted, spent)
                for country, prov, year, area, source, budgeted, spent in TINY_BUDGETS
            ],
        )
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, 'message', ?)",
            [(*row, '{"case_ref": "SECRET-REF"}') for row in TINY_QUARANTINE],
        )
        con.execute("INSERT INTO exchange_rates VALUES ('USD', 2023, 1.0)")
    return db
