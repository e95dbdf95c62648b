"""Warehouses for the publish tests: a tiny hand-built one and a large synthetic one.

``build_tiny_warehouse`` writes a dozen cases whose every mart cell can be worked out by
hand (the expected values in test_publish.py are derived from the comments below).
``build_synthetic_warehouse`` fills a warehouse of the right shape with pseudo-random rows
generated in SQL, for timing publish at 100k and 1M cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from etl import paths

D = dt.date
SCHEMA = paths.SQL_DIR / "warehouse_schema.sql"

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


# Synthetic warehouse ---------------------------------------------------------------------
# Pseudo-random but deterministic (hash-based), shaped like a real warehouse: ~5 assessment
# dates per case with ~8 of the 10 dimensions each, ~4 services and ~1 barrier per case,
# cases lasting 3 months to 4 years, over ten years up to as_of.

_SYNTHETIC_SQL = """
CREATE OR REPLACE TEMP MACRO u(i, salt) AS (hash(i, salt) % 1000000) / 1000000.0;
CREATE OR REPLACE TEMP MACRO pick(lst, x) AS lst[1 + floor(x * len(lst))::INTEGER];

INSERT INTO loads VALUES
  (1, 'cases.csv', NULL, repeat('a', 64), 'cases', 'SYN-KH', now()::TIMESTAMP, $n, $n, 0, 0, 'loaded', true, NULL),
  (2, 'assessments.csv', NULL, repeat('b', 64), 'assessments', 'SYN-KH', now()::TIMESTAMP, 0, 0, 1000, 0, 'loaded', true, NULL);

INSERT INTO cases
WITH base AS (
  SELECT i,
    pick(['KH','KH','KH','CN','LA','LA','MM','MM','MM','MM','TH','VN','VN','VN'], u(i, 'c')) AS country,
    u(i, 'p') AS up, u(i, 'o') AS uo, u(i, 'l') AS ul
  FROM range($n) t(i)
)
SELECT
  hash(i)::UHUGEINT AS case_key,
  'SYN-' || country || '-' || (i % 4) AS agency,
  country,
  CASE WHEN up < 0.02 THEN country || '-UNK'
       ELSE country || '-' || lpad((1 + floor(up * (CASE country WHEN 'KH' THEN 25 WHEN 'CN' THEN 34
            WHEN 'LA' THEN 18 WHEN 'MM' THEN 15 WHEN 'TH' THEN 77 ELSE 34 END))::INTEGER)::VARCHAR, 2, '0') END,
  pick(['female','female','female','female','female','female','female','male','male','male','unknown'], u(i, 's')),
  pick(['a00_11','a12_14','a15_17','a15_17','a18_24','a18_24','a18_24','a25_34','a25_34','a35_plus','unknown'], u(i, 'a')),
  pick(['sexual_exploitation','sexual_exploitation','labour','labour','labour','labour','forced_marriage',
        'sexual_and_labour','begging_street_selling','escaped_before_exploitation','unknown'], u(i, 'f')),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  opened,
  CASE WHEN opened + to_months(len_m) < $as_of THEN (opened + to_months(len_m))::DATE END,
  CASE WHEN opened + to_months(len_m) < $as_of
       THEN pick(['reintegrated','reintegrated','lost_contact','declined_further_support','moved_away'], u(i, 'r')) END,
  1
FROM (SELECT *, ($as_of - INTERVAL 10 YEAR)::DATE + floor(uo * 3620)::INTEGER AS opened,
             3 + floor(ul * ul * 45)::INTEGER AS len_m FROM base);

CREATE TEMP TABLE syn_ids AS
  SELECT row_number() OVER () - 1 AS i, case_key, agency, opened, closed FROM cases;

CREATE TEMP TABLE syn_dates AS
  SELECT i, case_key, agency, j,
         ((opened + to_months(3 * j))::DATE + floor(u(i * 16 + j, 'd') * 40)::INTEGER) AS assessed_on
  FROM syn_ids, range(CAST(1 + floor(u(i, 'k') * 9) AS BIGINT)) t(j);

INSERT INTO assessments
SELECT case_key, assessed_on, dim,
       least(4, greatest(1, floor(1 + 2 * u(i * 16 + d, 'b') + 0.3 * j + u(i * 256 + j * 16 + d, 'n') * 1.6)))::UTINYINT,
       2
FROM syn_dates,
     (SELECT unnest(['housing','physical_health','mental_health','legal_status','safety','economic',
                     'education','social_environment','legal_process','family_wellbeing']) AS dim,
             generate_subscripts(['housing','physical_health','mental_health','legal_status','safety',
                     'economic','education','social_environment','legal_process','family_wellbeing'], 1) AS d) dims
WHERE assessed_on <= $as_of AND u(i * 256 + j * 16 + d, 'x') < 0.8
ORDER BY i, assessed_on;

INSERT INTO services
SELECT case_key, area, started, NULL, status, 'ngo',
       CASE WHEN status = 'provided' THEN round(u(i * 8 + j, 'm') * 500, 2) END,
       CASE WHEN status = 'provided' THEN 'USD' END,
       CASE WHEN status = 'provided' THEN round(u(i * 8 + j, 'm') * 500, 2) END,
       3
FROM (
  SELECT i, case_key, agency, j,
    pick(['housing','medical','psychological','education','economic','administrative','legal',
          'safety','family','case_management','case_management'], u(i * 8 + j, 'v')) AS area,
    (opened + floor(u(i * 8 + j, 't') * 500)::INTEGER)::DATE AS started,
    pick(['provided','provided','provided','provided','provided','provided','referred','referred','declined'],
         u(i * 8 + j, 'w')) AS status
  FROM syn_ids, range(CAST(floor(u(i, 'q') * 9) AS BIGINT)) t(j)
) WHERE started <= $as_of;

INSERT INTO barriers
SELECT case_key, 'economic', pick(['ECO-01','ECO-06','ECO-09'], u(i * 4 + j, 'y')),
       (opened + floor(u(i * 4 + j, 'z') * 400)::INTEGER)::DATE, 4
FROM syn_ids, range(CAST(floor(u(i, 'e') * 2.5) AS BIGINT)) t(j)
WHERE opened + floor(u(i * 4 + j, 'z') * 400)::INTEGER <= $as_of;

INSERT INTO budgets
SELECT country, province, year, area, src, 1000 * u(hash(province, year, area, src), 'b'),
       800 * u(hash(province, year, area, src), 'b'), 'USD',
       1000 * u(hash(province, year, area, src), 'b'), 800 * u(hash(province, year, area, src), 'b'), 5
FROM (SELECT DISTINCT country, province FROM cases),
     range(2016, 2027) y(year),
     unnest(['housing','medical','economic','case_management']) a(area),
     unnest(['government','donor']) s(src);

INSERT INTO quarantine
SELECT 2, 'assessments.csv', 'assessments', i + 2, 'score', '9', 'out_of_scale', 'Score 9 is not on the scale.',
       '{"case_ref": "R' || i || '"}'
FROM range(1000) t(i);
"""


def build_synthetic_warehouse(warehouse_dir: Path, n_cases: int, as_of: dt.date) -> Path:
    db = create_warehouse(warehouse_dir)
    with duckdb.connect(str(db)) as con:
        for statement in _SYNTHETIC_SQL.split(";\n"):
            if statement.strip():
                params = {
                    k: v for k, v in {"n": n_cases, "as_of": as_of}.items() if f"${k}" in statement
                }
                con.execute(statement, params)
        con.execute(
            "UPDATE loads SET rows_loaded = (SELECT count(*) FROM assessments) WHERE load_id = 2"
        )
    return db
