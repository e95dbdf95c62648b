"""publish(): the published marts of a tiny hand-built warehouse, cell by cell.

Expected values are worked out by hand from the rows in fixtures_warehouse.py (the comments
there describe each case); a few totals are also recomputed with plain pandas straight from
those rows, independently of the SQL.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.publish import build as pub
from etl.warehouse import atomic
from reference import paths
from tests.etl.publish.fixtures_warehouse import (
    TINY_AS_OF,
    TINY_ASSESSMENTS,
    TINY_CASES,
    build_tiny_warehouse,
    create_warehouse,
)

D = dt.date
A = ("KH", "KH-12", "female", "adult", "labour")  # k01 k02 k03 k09 k10
B = ("KH", "KH-12", "male", "child", "sexual_exploitation")  # k04
C = ("VN", "VN-HN", "female", "adult", "forced_marriage")  # k05 k07
U = ("VN", "VN-UNK", "male", "unknown", "labour")  # k08
CELL = "country = ? AND province = ? AND sex = ? AND age_group = ? AND form = ?"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny") / "wh"
    build_tiny_warehouse(folder)
    pub.publish(folder, as_of=TINY_AS_OF)
    return folder


@pytest.fixture(scope="module")
def db(warehouse):
    con = duckdb.connect(str(paths.published_db(warehouse)), read_only=True)
    yield con
    con.close()


def one(db, sql: str, params: list | tuple = ()) -> tuple | None:
    rows = db.execute(sql, list(params)).fetchall()
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def caseload(db, quarter, cell, band):
    return one(
        db,
        "SELECT active_cases, new_cases, closed_cases, closed_reintegrated, assessed_cases, "
        "reintegrated_cases, round(composite_sum, 3), assessments FROM mart_caseload "
        f"WHERE quarter = ? AND {CELL} AND duration_band = ?",
        [quarter, *cell, band],
    )


def outcome(db, quarter, cell, band, dimension):
    return one(
        db,
        "SELECT scored_cases, score_sum, achieved_cases, paired_cases, first_sum, latest_sum, "
        "improved_cases, declined_cases, scores_recorded, scores_with_previous, setbacks "
        f"FROM mart_outcomes WHERE quarter = ? AND {CELL} AND duration_band = ? AND dimension = ?",
        [quarter, *cell, band, dimension],
    )


def service(db, quarter, cell, area):
    return one(
        db,
        "SELECT provided_cases, referred_cases, declined_cases, in_need_cases, in_need_provided, "
        "received_paired, received_change_sum, other_paired, other_change_sum, records_started, "
        f"provided_started, cost_usd FROM mart_services WHERE quarter = ? AND {CELL} "
        "AND service_area = ?",
        [quarter, *cell, area],
    )


# --- contract -----------------------------------------------------------------------------


def contract_tables() -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect()
    con.execute(pub.MARTS_SCHEMA.read_text())
    names = [
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
    ]
    return {t: con.execute(f'DESCRIBE "{t}"').fetchall() for t in names}


def main_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What a reader of the published file sees: its tables and views in schema main."""
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()
    ]


def test_schema_matches_the_contract(db):
    expected = contract_tables()
    assert main_tables(db) == sorted(expected)
    for table, columns in expected.items():
        got = db.execute(f'DESCRIBE "{table}"').fetchall()
        assert [(c[0], c[1]) for c in got] == [(c[0], c[1]) for c in columns], table
    # the marts with the cell columns are views over tables keyed by integers (etl/publish/storage.py)
    views = db.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
    ).fetchall()
    assert [v[0] for v in views] == [
        "mart_barriers", "mart_caseload", "mart_months", "mart_outcomes", "mart_services",
        "mart_survival",
    ]  # fmt: skip
    assert db.execute("SELECT count(*) FROM duckdb_types() WHERE NOT internal").fetchone()[0] == 0


def test_the_views_read_alike_under_another_database_name(db, warehouse, tmp_path):
    """View SQL names tables within the file: attached under another name, it reads alike."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(paths.published_db(warehouse), copy)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{copy}' AS other (READ_ONLY)")
        for view in ("mart_outcomes", "mart_services"):
            want = db.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()
            assert (
                want and con.execute(f"SELECT * FROM other.{view} ORDER BY ALL").fetchall() == want
            )


def test_no_case_level_data_is_published(db, warehouse):
    # every table of the file, the stored ones behind the views (schema store) included
    columns = db.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE NOT internal"
    ).fetchall()
    assert {schema for schema, *_ in columns} == {"main", "store"}
    for _, table, column, _ in columns:
        assert not re.search(r"case_?(key|ref|id)|key_hash|raw|row_number", column), (table, column)
        if column == "value":
            assert table == "meta"
        if column == "agency":
            assert table in {"mart_quality"}, table
    # no case key or case reference anywhere in the file's text values either
    keys = [c[0] for c in TINY_CASES]
    for schema, table, column, kind in columns:
        if kind == "VARCHAR":
            values = {
                r[0]
                for r in db.execute(
                    f'SELECT DISTINCT "{column}" FROM {schema}."{table}"'
                ).fetchall()
            }
            assert not values & set(keys), (table, column)
            assert not any("SECRET-REF" in (v or "") for v in values), (table, column)
    raw = paths.published_db(warehouse).read_bytes()
    assert b"SECRET-REF" not in raw


def test_meta(db):
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert set(meta) == {
        "published_at",
        "as_of",
        "synthetic",
        "real_case_data",
        "framework_version",
        "achieved_threshold",
        "warehouse_loads",
        "record_key_modulus",
        "synthetic:KH",
        "real_case_data:KH",
        "synthetic:VN",
        "real_case_data:VN",
    }
    assert meta["record_key_modulus"] == "4096"
    assert (meta["synthetic:KH"], meta["real_case_data:KH"]) == ("true", "false")
    assert meta["as_of"] == "2024-06-30"
    assert meta["synthetic"] == "true"
    assert meta["real_case_data"] == "false"
    assert meta["framework_version"] == "1"
    assert meta["achieved_threshold"] == "3"
    assert meta["warehouse_loads"] == "5"
    dt.datetime.fromisoformat(meta["published_at"])


# --- caseload -------------------------------------------------------------------------------


def test_caseload_cells(db):
    # 2024Q2, cell A: k01 and k10 at 17 months; k03 at 10; k09 at 5.
    # k01 latest 2024-03-01 (3, 4): reintegrated, composite 83.333; k10 latest 2024-04-01
    # (4, 2): not reintegrated, composite 66.667. k10's 2024-04-01 is the quarter's assessment.
    assert caseload(db, D(2024, 4, 1), A, "m12_24") == (2, 0, 0, 0, 2, 1, 150.0, 1)
    assert caseload(db, D(2024, 4, 1), A, "m06_12") == (1, 0, 0, 0, 0, 0, 0.0, 0)
    assert caseload(db, D(2024, 4, 1), A, "m00_06") == (1, 0, 0, 0, 0, 0, 0.0, 0)
    # 2023Q4: k02 closed reintegrated on 2023-11-15 (measure date): k01 22.222, k02 83.333,
    # k10 83.333
    assert caseload(db, D(2023, 10, 1), A, "m06_12") == (3, 0, 1, 1, 3, 2, 188.889, 1)
    # 2023Q1: k01, k02, k10 all new; only k10 (3, 3) reintegrated; composites 22.222 + 50 + 66.667
    assert caseload(db, D(2023, 1, 1), A, "m00_06") == (3, 3, 0, 0, 3, 1, 138.889, 3)
    assert caseload(db, D(2023, 1, 1), A, "m06_12") is None
    # cell C: k05 closed (lost contact) 2024-02-10; k07 new in 2024Q1, its closure after
    # as_of is not known
    assert caseload(db, D(2024, 1, 1), C, "m06_12") == (1, 0, 1, 0, 1, 0, 16.667, 0)
    assert caseload(db, D(2024, 1, 1), C, "m00_06") == (1, 1, 0, 0, 1, 1, 83.333, 1)
    # k05 is active in 2024Q2 through its follow-up assessment, but its snapshot is taken at
    # closure (measure date 2024-02-10): still the 2023 assessment
    assert caseload(db, D(2024, 4, 1), C, "m06_12") == (1, 0, 0, 0, 1, 0, 16.667, 1)
    assert caseload(db, D(2024, 4, 1), C, "m00_06") == (1, 0, 0, 0, 1, 1, 83.333, 0)
    # k08: assessed 2024-03-25, before opening on 2024-04-10: active in 2024Q1 at 0 months
    assert caseload(db, D(2024, 1, 1), U, "m00_06") == (1, 0, 0, 0, 1, 0, 0.0, 1)
    assert caseload(db, D(2024, 4, 1), U, "m00_06") == (1, 1, 0, 0, 1, 0, 0.0, 0)
    # nothing after as_of: no 2024Q3, no k06
    assert db.execute("SELECT max(quarter) FROM mart_caseload").fetchone()[0] == D(2024, 4, 1)
    assert db.execute("SELECT sum(new_cases) FROM mart_caseload").fetchone()[0] == 9


def test_months(db):
    rows = db.execute(
        f"SELECT months, active_cases FROM mart_months WHERE quarter = ? AND {CELL} ORDER BY months",
        [D(2024, 4, 1), *A],
    ).fetchall()
    assert rows == [(5, 1), (10, 1), (17, 2)]
    assert one(
        db,
        f"SELECT months, active_cases FROM mart_months WHERE quarter = ? AND {CELL}",
        [D(2024, 1, 1), *U],
    ) == (0, 1)


# --- outcomes --------------------------------------------------------------------------------


def test_outcomes_latest_first_and_change(db):
    q2 = D(2024, 4, 1)
    # housing: k01 2 -> 3, k10 3 -> 4 (4 again on 2024-04-01: recorded, with a previous, no setback)
    assert outcome(db, q2, A, "m12_24", "housing") == (2, 7, 2, 2, 5, 7, 2, 0, 1, 1, 0)
    # economic: k01 scored 1 on 2023-01-20 and not since: carried forward (latest 1, one score,
    # not paired); k10 3 -> 2 on 2024-04-01: declined, and a setback this quarter
    assert outcome(db, q2, A, "m12_24", "economic") == (2, 3, 0, 1, 3, 2, 0, 1, 1, 1, 1)
    assert outcome(db, q2, A, "m12_24", "mental_health") == (1, 4, 1, 1, 2, 4, 1, 0, 0, 0, 0)
    assert outcome(db, q2, A, "m12_24", "safety") is None  # never assessed: row omitted


def test_outcomes_setbacks(db):
    # k04 2023-05-03: mental health 3 -> 2 (setback), safety 2 -> 3
    q = D(2023, 4, 1)
    assert outcome(db, q, B, "m06_12", "mental_health") == (1, 2, 0, 1, 3, 2, 0, 1, 1, 1, 1)
    assert outcome(db, q, B, "m06_12", "safety") == (1, 3, 1, 1, 2, 3, 1, 0, 1, 1, 0)
    # 2024Q2: mental health 4 (improved on the first 3); safety carried forward (3)
    q2 = D(2024, 4, 1)
    assert outcome(db, q2, B, "m12_24", "mental_health") == (1, 4, 1, 1, 3, 4, 1, 0, 1, 1, 0)
    assert outcome(db, q2, B, "m12_24", "safety") == (1, 3, 1, 1, 2, 3, 1, 0, 0, 0, 0)
    # k05's follow-up after closure is a flow of 2024Q2 but not in its snapshot
    assert outcome(db, q2, C, "m06_12", "housing") == (1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0)
    # k08: the first score has no previous one
    assert outcome(db, D(2024, 1, 1), U, "m00_06", "safety") == (1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0)


# --- survival ---------------------------------------------------------------------------------


def test_survival(db):
    rows = db.execute(
        "SELECT cohort_quarter, country, province, months, reached, censored FROM mart_survival "
        "ORDER BY 1, 2, 3, 4"
    ).fetchall()
    assert rows == [
        (D(2022, 10, 1), "KH", "KH-12", 17, 1, 0),  # k04 reintegrated 2024-05-03
        (D(2023, 1, 1), "KH", "KH-12", 0, 1, 0),  # k10 reintegrated at its first assessment
        (D(2023, 1, 1), "KH", "KH-12", 8, 1, 0),  # k02 2023-10-01
        (D(2023, 1, 1), "KH", "KH-12", 13, 1, 0),  # k01 2024-03-01
        (D(2023, 4, 1), "VN", "VN-HN", 13, 1, 0),  # k05 at its follow-up after closure
        (D(2024, 1, 1), "VN", "VN-HN", 0, 1, 0),  # k07
        (D(2024, 4, 1), "VN", "VN-UNK", 0, 0, 1),  # k08 not reintegrated, assessed before opening
    ]  # k03 and k09 never assessed: no observation


# --- services ---------------------------------------------------------------------------------


def test_services_coverage_and_change(db):
    q2 = D(2024, 4, 1)
    # housing in A: provided to k01 and k10; k01 in need (first housing 2); both paired:
    # (3 - 2) + (4 - 3)
    assert service(db, q2, A, "housing") == (2, 0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0.0)
    # psychological: k01 referred only; in need (first mental health 2), paired 2 -> 4
    assert service(db, q2, A, "psychological") == (0, 1, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0.0)
    # case management: provided to k09 (never assessed); k01 in need (first assessment not
    # reintegrated); not provided and paired: k01 (+61.111) and k10 (0)
    assert service(db, q2, A, "case_management") == (1, 0, 0, 1, 0, 0, 0, 2, 61, 0, 0, 0.0)
    # economic: nobody served; k01 in need (first 1); k10 paired 3 -> 2
    assert service(db, q2, A, "economic") == (0, 0, 0, 1, 0, 0, 0, 1, -1, 0, 0, 0.0)
    assert service(db, q2, A, "legal") is None
    # 2023Q1 flows: records started in the quarter and their cost
    q1 = D(2023, 1, 1)
    assert service(db, q1, A, "housing") == (3, 0, 0, 1, 1, 0, 0, 0, 0, 3, 3, 220.0)
    assert service(db, q1, A, "psychological")[9:] == (1, 0, 0.0)
    assert service(db, q1, A, "case_management")[9:] == (1, 1, 20.0)
    # 2023Q4 case management: k02 provided, in need, paired (+33.333 composite); in need also
    # k01; k10 paired without the service (+16.667)
    assert service(db, D(2023, 10, 1), A, "case_management") == (
        1,
        0,
        0,
        2,
        1,
        1,
        33,
        1,
        17,
        0,
        0,
        0.0,
    )
    # k04: psychological provided, paired 3 -> 2; housing declined
    assert service(db, D(2023, 4, 1), B, "psychological") == (1, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0.0)
    assert service(db, D(2023, 4, 1), B, "housing")[:3] == (0, 0, 1)
    # C 2024Q1: k07's housing started then; k05 (active until its closure) in need of housing;
    # k05 provided economic support and in need of it
    assert service(db, D(2024, 1, 1), C, "housing") == (1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 40.0)
    assert service(db, D(2024, 1, 1), C, "economic")[:5] == (1, 0, 0, 1, 1)
    # the record dated after as_of is not counted
    assert db.execute("SELECT sum(cost_usd) FROM mart_services").fetchone()[0] == 520.0


def test_barriers(db):
    rows = db.execute(
        "SELECT quarter, service_area, barrier_code, reports, cases FROM mart_barriers ORDER BY 1"
    ).fetchall()
    assert rows == [
        (D(2023, 1, 1), "housing", "HOU-02", 3, 2),
        (D(2024, 1, 1), "case_management", "CM-02", 1, 1),
    ]


# --- budgets and costs --------------------------------------------------------------------------


def test_budget(db):
    rows = db.execute(
        "SELECT * FROM mart_budget ORDER BY year, province, funding_source"
    ).fetchall()
    assert rows == [
        (2023, "KH", "", "case_management", "government", 300.0, 300.0),
        (2023, "KH", "KH-12", "housing", "donor", 500.0, 250.5),
        (2023, "KH", "KH-12", "housing", "government", 1000.0, 800.0),
        (2024, "VN", "VN-HN", "economic", "donor", 2000.0, 100.0),
    ]


def test_service_costs(db):
    rows = db.execute(
        "SELECT year, country, province, service_area, cost_usd, served_cases, reintegrated_cases, "
        "paired_cases, change_sum FROM mart_service_costs ORDER BY year, country, service_area"
    ).fetchall()
    assert rows == [
        # housing 2023: k01, k02, k10 served; k02 and k10 reintegrated by year end; k01 has one
        # housing score by then, k02 3 -> 4, k10 3 -> 4
        (2023, "KH", "KH-12", "case_management", 20.0, 1, 1, 1, 33),
        (2023, "KH", "KH-12", "housing", 220.0, 3, 2, 2, 2),
        (2023, "KH", "KH-12", "psychological", 30.0, 1, 0, 1, -1),
        (2023, "VN", "VN-HN", "economic", 200.0, 1, 0, 0, 0),
        (2024, "KH", "KH-12", "case_management", 10.0, 1, 0, 0, 0),
        # 2024 runs to as_of: k07 reintegrated at 2024-02-01
        (2024, "VN", "VN-HN", "housing", 40.0, 1, 1, 0, 0),
    ]
    totals = db.execute(
        "SELECT year, country, province, served_cases, reintegrated_cases FROM mart_case_totals "
        "ORDER BY year, country"
    ).fetchall()
    assert totals == [
        (2023, "KH", "KH-12", 4, 2),
        (2023, "VN", "VN-HN", 1, 0),
        (2024, "KH", "KH-12", 1, 0),
        (2024, "VN", "VN-HN", 1, 1),
    ]


# --- provenance ------------------------------------------------------------------------------


def test_quality_loads_and_quarantine(db):
    def rows_loaded(agency, province, quarter, table):
        return one(
            db,
            "SELECT rows_loaded FROM mart_quality WHERE agency = ? AND province = ? AND quarter = ? "
            "AND table_name = ?",
            [agency, province, quarter, table],
        )

    q1 = D(2023, 1, 1)
    assert rows_loaded("SYN-A", "KH-12", q1, "cases") == (3,)
    assert rows_loaded("SYN-A", "KH-12", q1, "assessments") == (7,)  # 3 + 2 + 2 dimensions
    assert rows_loaded("SYN-A", "KH-12", q1, "services") == (7,)
    assert rows_loaded("SYN-A", "KH-12", q1, "barriers") == (3,)
    assert rows_loaded("SYN-B", "VN-UNK", D(2024, 1, 1), "assessments") == (1,)
    assert db.execute("SELECT max(quarter) FROM mart_quality").fetchone()[0] == D(2024, 4, 1)
    assert (
        db.execute(
            "SELECT sum(rows_loaded) FROM mart_quality WHERE table_name = 'cases'"
        ).fetchone()[0]
        == 9
    )
    assert db.execute("SELECT count(*) FROM loads").fetchone()[0] == 5
    assert db.execute("SELECT * FROM quarantine_summary ORDER BY reason").fetchall() == [
        (2, "assessments.csv", "assessments", "invalid_date", "assessed_on", 1),
        (2, "assessments.csv", "assessments", "out_of_scale", "score", 2),
    ]


# --- independent check ---------------------------------------------------------------------------


def _quarter(day: D) -> D:
    return D(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _whole_months(start: D, end: D) -> int:
    m = 0
    while (pd.Timestamp(start) + pd.DateOffset(months=m + 1)).date() <= end:
        m += 1
    return m


def _reference_case_quarters(as_of: D) -> pd.DataFrame:
    """Case-quarters recomputed in plain pandas from the fixture rows (not via SQL)."""
    cases = pd.DataFrame(
        TINY_CASES,
        columns=[
            "case_key",
            "agency",
            "country",
            "province",
            "sex",
            "age_band",
            "form",
            "opened",
            "closed",
            "closure_reason",
        ],
    )
    cases = cases[cases.opened <= as_of].copy()
    known = cases.closed.notna() & (cases.closed <= as_of)
    cases["closed"] = cases.closed.where(known, None)
    cases["closure_reason"] = cases.closure_reason.where(known, None)
    scores = pd.DataFrame(
        [(k, day, dim, s) for k, day, sc in TINY_ASSESSMENTS for dim, s in sc.items()],
        columns=["case_key", "assessed_on", "dimension", "score"],
    )
    scores = scores[scores.assessed_on <= as_of]
    rows = []
    for case in cases.itertuples():
        own = scores[scores.case_key == case.case_key]
        last = _quarter(case.closed or as_of)
        quarters = set(pd.date_range(_quarter(case.opened), last, freq="QS").date)
        quarters |= {_quarter(d) for d in own.assessed_on}
        for q in sorted(quarters):
            q_end = (pd.Timestamp(q) + pd.DateOffset(months=3) - pd.Timedelta(days=1)).date()
            md = min(d for d in (q_end, case.closed, as_of) if d is not None)
            seen = own[own.assessed_on <= md]
            row = {
                "quarter": q,
                "active": 1,
                "months": _whole_months(case.opened, md) if md >= case.opened else 0,
                "new": int(_quarter(case.opened) == q),
                "closed": int(case.closed is not None and _quarter(case.closed) == q),
                "assessments": own[own.assessed_on.map(_quarter) == q].assessed_on.nunique(),
            }
            row["closed_reintegrated"] = int(
                row["closed"] and case.closure_reason == "reintegrated"
            )
            if len(seen):
                at_latest = seen[seen.assessed_on == seen.assessed_on.max()]
                row["assessed"] = 1
                row["reintegrated"] = int((at_latest.score >= 3).all())
                row["composite"] = (at_latest.score.mean() - 1) / 3 * 100
                for dim, group in seen.groupby("dimension"):
                    row[f"latest_{dim}"] = group.sort_values("assessed_on").score.iloc[-1]
                    row[f"n_{dim}"] = len(group)
            rows.append(row)
    return pd.DataFrame(rows).fillna(0)


def test_totals_agree_with_an_independent_pandas_computation(db):
    ref = _reference_case_quarters(TINY_AS_OF)
    expected = ref.groupby("quarter")[
        [
            "active",
            "new",
            "closed",
            "closed_reintegrated",
            "assessed",
            "reintegrated",
            "composite",
            "assessments",
        ]
    ].sum()
    got = db.execute(
        "SELECT quarter, sum(active_cases), sum(new_cases), sum(closed_cases), "
        "sum(closed_reintegrated), sum(assessed_cases), sum(reintegrated_cases), sum(composite_sum), "
        "sum(assessments) FROM mart_caseload GROUP BY quarter ORDER BY quarter"
    ).fetchall()
    assert [r[0] for r in got] == list(expected.index)
    for row in got:
        want = expected.loc[row[0]]
        assert list(row[1:8]) == pytest.approx(list(want.iloc[:7]), abs=1e-6), row[0]
        assert row[8] == want.iloc[7], row[0]
    # carried-forward latest scores and paired cases per quarter and dimension
    for dim in ["housing", "economic", "mental_health", "safety"]:
        scored = ref[ref[f"latest_{dim}"] > 0] if f"latest_{dim}" in ref else ref.iloc[0:0]
        want = scored.groupby("quarter").agg(
            scored=("active", "sum"),
            score_sum=(f"latest_{dim}", "sum"),
            paired=(f"n_{dim}", lambda n: int((n >= 2).sum())),
        )
        got = db.execute(
            "SELECT quarter, sum(scored_cases), sum(score_sum), sum(paired_cases) FROM mart_outcomes "
            "WHERE dimension = ? AND scored_cases > 0 GROUP BY quarter ORDER BY quarter",
            [dim],
        ).fetchall()
        assert [(q, *map(int, r)) for q, *r in got] == [
            (q, int(r.scored), int(r.score_sum), int(r.paired)) for q, r in want.iterrows()
        ], dim
    # months histogram
    want = ref.groupby(["quarter", "months"]).active.sum()
    got = db.execute(
        "SELECT quarter, months, sum(active_cases) FROM mart_months GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert got == [(q, m, n) for (q, m), n in want.items()]


# --- publishing as a whole --------------------------------------------------------------------------


def _contents(db_path: Path) -> dict[str, list]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = main_tables(con)
        return {
            t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
            for t in tables
            if t != "meta"
        } | {
            "meta": con.execute(
                "SELECT * FROM meta WHERE key <> 'published_at' ORDER BY ALL"
            ).fetchall()
        }
    finally:
        con.close()


def test_publishing_twice_gives_the_same_marts(warehouse, tmp_path):
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    before = _contents(paths.published_db(copy))
    pub.publish(copy, as_of=TINY_AS_OF)
    assert _contents(paths.published_db(copy)) == before


def test_a_failed_publish_leaves_the_published_file_untouched(warehouse, tmp_path, monkeypatch):
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    published = paths.published_db(copy)
    before = published.read_bytes()
    real = pub.read_sql

    def failing(step: str) -> str:
        if step == "mart_services":
            return "SELECT 1 / 0 AS boom FROM no_such_table"
        return real(step)

    monkeypatch.setattr(pub, "read_sql", failing)
    with pytest.raises(duckdb.Error):
        pub.publish(copy, as_of=TINY_AS_OF)
    assert published.read_bytes() == before
    assert sorted(p.name for p in copy.iterdir() if p.name.startswith(".published")) == []


def test_as_of_is_respected(warehouse, tmp_path, db):
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    out = pub.publish(copy, as_of=D(2023, 12, 31), warehouse_file=paths.warehouse_db(warehouse))
    con = duckdb.connect(str(out), read_only=True)
    try:
        assert dict(con.execute("SELECT * FROM meta").fetchall())["as_of"] == "2023-12-31"
        for table, column in [
            ("mart_caseload", "quarter"),
            ("mart_outcomes", "quarter"),
            ("mart_services", "quarter"),
            ("mart_barriers", "quarter"),
            ("mart_quality", "quarter"),
            ("mart_survival", "cohort_quarter"),
        ]:
            assert con.execute(f"SELECT max({column}) FROM {table}").fetchone()[0] <= D(2023, 10, 1)
        for table in ["mart_budget", "mart_service_costs", "mart_case_totals"]:
            assert con.execute(f"SELECT max(year) FROM {table}").fetchone()[0] == 2023
        # quarters up to as_of are the same as in the later publish ...
        sql = "SELECT * FROM mart_caseload WHERE quarter <= DATE '2023-10-01' ORDER BY ALL"
        assert con.execute(sql).fetchall() == db.execute(sql).fetchall()
        # ... and the independent computation agrees at this as_of too
        ref = _reference_case_quarters(D(2023, 12, 31))
        got = con.execute(
            "SELECT quarter, sum(active_cases), sum(reintegrated_cases) FROM mart_caseload "
            "GROUP BY quarter ORDER BY quarter"
        ).fetchall()
        want = ref.groupby("quarter")[["active", "reintegrated"]].sum()
        assert got == [(q, int(r.active), int(r.reintegrated)) for q, r in want.iterrows()]
        # k02 (first reintegrated at 8 months) and k10 are in the survival mart; k01's 2024
        # assessment is not known yet: censored at its first assessment
        assert con.execute(
            "SELECT months, reached, censored FROM mart_survival WHERE cohort_quarter = "
            "DATE '2023-01-01' ORDER BY months"
        ).fetchall() == [(0, 1, 1), (8, 1, 0)]
    finally:
        con.close()


def test_an_empty_warehouse_publishes_empty_marts(tmp_path):
    folder = tmp_path / "wh"
    create_warehouse(folder)
    out = pub.publish(folder, as_of=TINY_AS_OF)
    con = duckdb.connect(str(out), read_only=True)
    try:
        tables = main_tables(con)
        assert tables == sorted(contract_tables())
        for table in tables:
            expected = 8 if table == "meta" else 0  # no country
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == expected, table
        meta = dict(con.execute("SELECT * FROM meta").fetchall())
        assert meta["synthetic"] == "false" and meta["real_case_data"] == "false"
    finally:
        con.close()


def test_publish_waits_for_the_warehouse_lock_unless_told_it_is_held(warehouse, tmp_path):
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    done = threading.Event()

    def run():
        pub.publish(copy, as_of=TINY_AS_OF)
        done.set()

    with atomic.exclusive_lock(copy):
        worker = threading.Thread(target=run)
        worker.start()
        assert not done.wait(0.5)  # blocked on the lock
        pub.publish(copy, as_of=TINY_AS_OF, locked=True)  # the lock holder may publish
    worker.join(30)
    assert done.is_set()


def test_meta_says_when_a_real_agency_s_case_data_is_published(tmp_path):
    """A case-level file from an agency not coded SYN- is real case data (the dashboard stays
    closed without users); a budgets file names no agency and cannot say."""
    folder = tmp_path / "wh"
    db = build_tiny_warehouse(folder)

    def meta() -> dict[str, str]:
        with duckdb.connect(str(pub.publish(folder, as_of=TINY_AS_OF)), read_only=True) as con:
            return dict(con.execute("SELECT * FROM meta").fetchall())

    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO loads SELECT 90, 'budgets.csv', NULL, repeat('e', 64), 'budgets', '', "
            "loaded_at, 1, 1, 0, 0, 'loaded', false, NULL FROM loads WHERE load_id = 1"
        )
    assert meta()["real_case_data"] == "false"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO loads SELECT 91, 'cases_kh.csv', NULL, repeat('f', 64), 'cases', 'KH-A', "
            "loaded_at, 1, 1, 0, 0, 'loaded', false, NULL FROM loads WHERE load_id = 1"
        )
    got = meta()
    assert got["real_case_data"] == "true" and got["synthetic"] == "true"  # mixed


# --- record keys (the cell-key method) ------------------------------------------------------

RECORD_KEY = "(k.case_key & ($key_modulus - 1)::UHUGEINT)::INTEGER AS record_key"


def key_columns(con) -> dict[str, list[str]]:
    """Each published table with key columns: its <count>_key columns."""
    out: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND column_name LIKE '%\\_key' ESCAPE '\\' ORDER BY ALL"
    ).fetchall():
        out.setdefault(table, []).append(column)
    return out


def test_every_count_has_the_sum_of_the_record_keys_of_what_it_counts(
    warehouse, tmp_path, monkeypatch
):
    # with every record key set to 1, a key sum is the number of records it sums: it must
    # equal its count, row by row, in every mart (so it sums the very cases counted)
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    real = pub.read_sql
    assert RECORD_KEY in real("stg_cases")
    monkeypatch.setattr(
        pub, "read_sql", lambda step: real(step).replace(RECORD_KEY, "1 AS record_key")
    )
    with duckdb.connect(str(pub.publish(copy, as_of=TINY_AS_OF)), read_only=True) as con:
        tables = key_columns(con)
        assert set(tables) == {
            "mart_caseload", "mart_months", "mart_outcomes", "mart_survival", "mart_services",
            "mart_barriers", "mart_service_costs", "mart_case_totals", "mart_quality",
        }  # fmt: skip
        for table, keys in tables.items():
            for key in keys:
                count = key.removesuffix("_key")
                differ = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{key}" IS DISTINCT FROM "{count}"'
                ).fetchone()[0]
                assert differ == 0, f"{table}.{key} does not sum the records of {count}"
                nonzero = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{count}" > 0'
                ).fetchone()[0]
                assert nonzero or table == "mart_barriers" or count in ("closed_reintegrated",)


def test_record_keys_are_the_low_bits_of_the_case_key_and_stable(warehouse, db, tmp_path):
    with duckdb.connect(str(paths.warehouse_db(warehouse)), read_only=True) as wh:
        keys = dict(wh.execute("SELECT case_key, (case_key % 4096)::INTEGER FROM cases").fetchall())
        cell_a = wh.execute(
            "SELECT list(case_key) FROM cases WHERE country = 'KH' AND sex = 'female' "
            "AND form = 'labour' AND opened <= DATE '2024-06-30' "
            "AND (closed IS NULL OR closed >= DATE '2024-04-01')"
        ).fetchone()[0]
    got = one(
        db,
        "SELECT sum(active_cases), sum(active_cases_key) FROM mart_caseload "
        "WHERE quarter = DATE '2024-04-01' AND country = 'KH' AND sex = 'female' AND form = 'labour'",
    )
    assert got == (len(cell_a), sum(keys[k] for k in cell_a))
    # a second publish gives the same keys
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    with duckdb.connect(str(pub.publish(copy, as_of=TINY_AS_OF)), read_only=True) as again:
        query = "SELECT * FROM mart_outcomes ORDER BY ALL"
        assert again.execute(query).fetchall() == db.execute(query).fetchall()


def test_keyed_marts_are_stored_in_quarter_and_cell_order(db):
    # the dashboard reads a quarter (or a range) of some cells: zone maps skip the rest
    for table, first in (
        ("mart_caseload", "quarter"), ("mart_outcomes", "quarter"), ("mart_services", "quarter"),
        ("mart_months", "quarter"), ("mart_barriers", "quarter"), ("mart_survival", "cohort_quarter"),
    ):  # fmt: skip
        rows = db.execute(f"SELECT {first}, cell_id FROM store.{table} ORDER BY rowid").fetchall()
        assert rows == sorted(rows), table


# --- the people behind counts of events --------------------------------------------------------


def test_counts_of_events_carry_the_distinct_cases_behind_them(warehouse, db, tmp_path):
    """Two more assessments of k04 in 2023Q2 (each a setback in mental health) and a second
    housing record started by k01 in its quarter: the events grow, the distinct cases
    behind them do not (the dashboard hides events of fewer than k people)."""
    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    with duckdb.connect(str(paths.warehouse_db(copy))) as con:
        con.executemany(
            "INSERT INTO assessments VALUES (hash(?)::UHUGEINT, ?, ?, ?, 2)",
            [("k04", D(2023, 6, 1), "mental_health", 1), ("k04", D(2023, 6, 20), "safety", 1)],
        )
        con.execute(
            "INSERT INTO services SELECT case_key, service_area, started + 1, ended, "
            "status, provider_type, cost, currency, cost_usd, load_id FROM services "
            "WHERE case_key = hash('k01')::UHUGEINT AND service_area = 'housing' LIMIT 1"
        )
    con = duckdb.connect(str(pub.publish(copy, as_of=TINY_AS_OF)), read_only=True)
    q = D(2023, 4, 1)
    row = con.execute(
        "SELECT sum(assessments), sum(cases_assessed) FROM mart_caseload "
        f"WHERE quarter = ? AND {CELL}",
        [q, *B],
    ).fetchone()
    assert row == (3, 1)  # three assessment dates, one person
    for dim, events in (("mental_health", 2), ("safety", 2)):
        got = con.execute(
            "SELECT sum(scores_with_previous), sum(cases_compared), sum(setbacks), "
            f"sum(cases_set_back) FROM mart_outcomes WHERE quarter = ? AND dimension = ? AND {CELL}",
            [q, dim, *B],
        ).fetchone()
        assert got == (events, 1, events if dim == "mental_health" else 1, 1), dim
    extra = "SELECT sum(records_started) - sum(cases_started) FROM mart_services"
    assert con.execute(extra).fetchone()[0] == db.execute(extra).fetchone()[0] + 1
    quality = con.execute(
        "SELECT rows_loaded, cases FROM mart_quality WHERE table_name = 'assessments' "
        "AND quarter = ? AND province = 'KH-12' AND agency = (SELECT agency FROM mart_quality "
        "WHERE table_name = 'cases' LIMIT 1)",
        [q],
    ).fetchall()
    assert any(cases < rows for rows, cases in quality)
