"""A small deterministic published database built straight from etl/publish/sql/contract.sql
with hand-made rows, so tests can compute every expected figure independently (with
pandas, from the same rows) and compare with what the dashboard shows.

The query and page tests run on this file, where every figure can be worked out by hand;
the tests that need the real pipeline use tests/conftest.py's `pipeline` (sample -> load ->
publish). GMS_WAREHOUSE_DIR points at this file for the session; GMS_I18N_STRICT makes a
missing translation fail the test.

Cells (country, province, sex, age group, form, duration band), eight quarters 2023 Q3 to
2025 Q2. KH-25 (no map shape) and TH-10 stay under 10 cases: they must show as "<10".
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import types
import zlib
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "etl" / "publish" / "sql" / "contract.sql"
CONTRACT_TABLES = set(re.findall(r"CREATE TABLE (\w+)", SCHEMA.read_text(encoding="utf-8")))

QUARTERS = [dt.date(2023, 7, 1) + pd.DateOffset(months=3 * i) for i in range(8)]
QUARTERS = [pd.Timestamp(q).date() for q in QUARTERS]

# name: (country, province, sex, age_group, form, duration_band, active base, growth per quarter,
#        new per quarter, closed per quarter, months base)
CELLS = {
    "C1": ("KH", "KH-12", "female", "child", "sexual_exploitation", "m06_12", 20, 1, 4, 2, 8),
    "C2": ("KH", "KH-12", "male", "adult", "labour", "m12_24", 15, 1, 3, 1, 14),
    "C3": ("KH", "KH-2", "female", "adult", "labour", "m00_06", 12, 1, 2, 1, 3),
    "C4": ("KH", "KH-25", "female", "child", "forced_marriage", "m00_06", 3, 0, 1, 0, 2),
    "C5": ("VN", "VN-HN", "male", "adult", "labour", "m12_24", 30, 2, 5, 3, 16),
    "C6": ("VN", "VN-HN", "female", "adult", "sexual_exploitation", "m06_12", 11, 1, 2, 1, 9),
    "C7": ("TH", "TH-10", "female", "unknown", "labour", "m24_36", 5, 0, 1, 0, 30),
}
CELL_COLUMNS = ["country", "province", "sex", "age_group", "form", "duration_band"]
DIMENSIONS = [
    "housing", "physical_health", "mental_health", "legal_status", "safety",
    "economic", "education", "social_environment", "legal_process", "family_wellbeing",
]  # fmt: skip
SERVICE_AREAS = [
    "housing", "medical", "psychological", "education", "economic",
    "administrative", "legal", "safety", "family", "case_management",
]  # fmt: skip
AGENCIES = {  # agency: cells whose rows it submits
    "SYN-KH-01": ["C1", "C2", "C3"],
    "SYN-KH-02": ["C4"],
    "SYN-VN-01": ["C5", "C6"],
    "SYN-TH-01": ["C7"],
}


def build_frames() -> dict[str, pd.DataFrame]:
    caseload, months, outcomes, quality = [], [], [], []
    for qi, quarter in enumerate(QUARTERS):
        for ci, (name, cell) in enumerate(CELLS.items()):
            country, province, sex, age, form, band, base, growth, new, closed, m0 = cell
            keys = dict(zip(CELL_COLUMNS, cell[:6], strict=True))
            active = base + growth * qi
            assessed = max(active - 2, 0) if name not in ("C4", "C7") else active - 1
            caseload.append(
                {
                    "quarter": quarter, **keys,
                    "active_cases": active,
                    "new_cases": new,
                    "closed_cases": closed,
                    "closed_reintegrated": closed // 2,
                    "assessed_cases": assessed,
                    "reintegrated_cases": assessed // 3,
                    "composite_sum": float(assessed * (40 + 5 * ci + qi)),
                    "assessments": assessed,
                    "cases_assessed": assessed,  # one assessment per case and quarter
                }
            )  # fmt: skip
            thirds = [active // 3, active // 3, active - 2 * (active // 3)]
            for offset, count in enumerate(thirds):
                months.append(
                    {"quarter": quarter, **{k: keys[k] for k in CELL_COLUMNS[:5]},
                     "months": m0 + qi * 3 + offset, "active_cases": count}
                )  # fmt: skip
            for j, dim in enumerate(DIMENSIONS):
                scored = max(assessed - j % 3, 0)
                paired = scored // 2
                outcomes.append(
                    {
                        "quarter": quarter, **keys, "dimension": dim,
                        "scored_cases": scored,
                        "score_sum": scored * 2 + ((j + ci + qi) % 5) * (scored // 4),
                        "achieved_cases": min(scored, scored // 2 + j % 2),
                        "paired_cases": paired,
                        "first_sum": paired * 2,
                        "latest_sum": paired * 2 + paired // 2 + (j % 3 if paired else 0),
                        "improved_cases": paired // 3,
                        "declined_cases": paired // 5,
                        "scores_recorded": scored,
                        "scores_with_previous": paired,
                        "setbacks": paired // 5,
                        "cases_compared": paired,
                        "cases_set_back": paired // 5,
                    }
                )  # fmt: skip
    services, barriers, survival = [], [], []
    for qi, quarter in enumerate(QUARTERS):
        for ci, cell in enumerate(CELLS.values()):
            keys = dict(zip(CELL_COLUMNS[:5], cell[:5], strict=True))
            active = cell[6] + cell[7] * qi
            for si, area in enumerate(SERVICE_AREAS):
                provided = max(active // 2 - si % 3, 0)
                in_need = active // 2
                received = provided // 2
                other = (active - provided) // 3
                services.append(
                    {
                        "quarter": quarter, **keys, "service_area": area,
                        "provided_cases": provided, "referred_cases": si % 2,
                        "declined_cases": 1 if si == 3 else 0,
                        "in_need_cases": in_need, "in_need_provided": min(in_need, provided),
                        "received_paired": received, "received_change_sum": received * (1 + si % 2),
                        "other_paired": other, "other_change_sum": other // 2,
                        "records_started": 2, "provided_started": 1, "cost_usd": 100.0 * (si + 1),
                        "cases_started": 2, "cases_provided_started": 1,
                    }
                )  # fmt: skip
            for code in ("HOU-01", "ECO-06"):
                area = "housing" if code.startswith("HOU") else "economic"
                barriers.append(
                    {"quarter": quarter, **keys, "service_area": area, "barrier_code": code,
                     "reports": 5 + ci, "cases": 5 + ci}
                )  # fmt: skip
    for ci, (name, cell) in enumerate(CELLS.items()):
        keys = dict(zip(CELL_COLUMNS[:5], cell[:5], strict=True))
        for cohort in QUARTERS[:1] if name == "C7" else QUARTERS[:4]:  # Thailand: few followed
            for m in range(3, 27, 3):
                survival.append(
                    {"cohort_quarter": cohort, **keys, "months": m,
                     "reached": 2 if (ci + m) % 3 == 0 else 1, "censored": 1 if m % 6 == 0 else 0}
                )  # fmt: skip
    budget, costs, totals = [], [], []
    for year in (2023, 2024, 2025):
        for country, province in (("KH", "KH-12"), ("KH", ""), ("VN", "VN-HN")):
            for si, area in enumerate(SERVICE_AREAS[:3]):
                for source, factor in (("government", 1.0), ("donor", 0.5)):
                    budget.append(
                        {"year": year, "country": country, "province": province,
                         "service_area": area, "funding_source": source,
                         "budgeted_usd": 1000.0 * (si + 1) * factor,
                         "spent_usd": 800.0 * (si + 1) * factor}
                    )  # fmt: skip
        for country, province, served in (
            ("KH", "KH-12", 12),
            ("KH", "KH-25", 3),
            ("VN", "VN-HN", 20),
        ):
            for si, area in enumerate(SERVICE_AREAS[:3]):
                n = served + si if served > 5 else served
                costs.append(
                    {"year": year, "country": country, "province": province, "service_area": area,
                     "cost_usd": 500.0 * (si + 1), "served_cases": n, "reintegrated_cases": n // 3,
                     "paired_cases": n // 2, "change_sum": n // 2, "costed_cases": n}
                )  # fmt: skip
            totals.append(
                {"year": year, "country": country, "province": province,
                 "served_cases": served + 10 if served > 5 else served, "reintegrated_cases": served // 3,
                 "costed_cases": served + 10 if served > 5 else served}
            )  # fmt: skip
    for agency, cells in AGENCIES.items():
        for qi, quarter in enumerate(QUARTERS):
            if agency == "SYN-KH-02" and qi % 2 == 1:
                continue  # this agency skipped every other quarter
            for name in cells:
                country, province = CELLS[name][:2]
                new = CELLS[name][8]
                quality.append(
                    {"agency": agency, "country": country, "province": province,
                     "quarter": quarter, "table_name": "cases", "rows_loaded": new, "cases": new}
                )  # fmt: skip
                quality.append(
                    {"agency": agency, "country": country, "province": province,
                     "quarter": quarter, "table_name": "assessments", "rows_loaded": 3 * new + 2,
                     "cases": 2 * new + 2}
                )  # fmt: skip
    loads = pd.DataFrame(
        [
            (1, "cases_kh.csv", None, "a" * 64, "cases", "SYN-KH-01,SYN-KH-02",
             dt.datetime(2025, 6, 30, 9, 0), 120, 118, 2, 0, "loaded", True, None),
            (2, "assessments_kh.csv", None, "b" * 64, "assessments", "SYN-KH-01",
             dt.datetime(2025, 6, 30, 9, 5), 400, 397, 3, 0, "loaded", True, None),
            (3, "cases_kh.csv", None, "a" * 64, "cases", "SYN-KH-01,SYN-KH-02",
             dt.datetime(2025, 7, 1, 7, 30), 120, 0, 0, 0, "unchanged", True, None),
        ],
        columns=["load_id", "file_name", "sheet", "sha256", "table_name", "agencies", "loaded_at",
                 "rows_read", "rows_loaded", "rows_quarantined", "rows_replaced", "outcome",
                 "synthetic", "dropped_columns"],
    )  # fmt: skip
    quarantine = pd.DataFrame(
        [
            (1, "cases_kh.csv", "cases", "invalid_date", "opened", 2),
            (2, "assessments_kh.csv", "assessments", "score_out_of_range", "housing", 3),
        ],
        columns=["load_id", "file_name", "table_name", "reason", "column_name", "rows"],
    )
    meta = pd.DataFrame(
        [
            ("published_at", "2025-07-01T08:00:00"),
            ("as_of", "2025-06-30"),
            ("synthetic", "true"),
            ("real_case_data", "false"),
            ("framework_version", "1"),
            ("achieved_threshold", "3"),
            ("warehouse_loads", "3"),
            ("record_key_modulus", str(MODULUS)),
            *(
                (f"{flag}:{c}", v)
                for c in ("KH", "TH", "VN")
                for flag, v in (("synthetic", "true"), ("real_case_data", "false"))
            ),
        ],
        columns=["key", "value"],
    )
    return add_keys(
        {
            "mart_caseload": pd.DataFrame(caseload),
            "mart_months": pd.DataFrame(months),
            "mart_outcomes": pd.DataFrame(outcomes),
            "mart_quality": pd.DataFrame(quality),
            "mart_services": pd.DataFrame(services),
            "mart_barriers": pd.DataFrame(barriers),
            "mart_survival": pd.DataFrame(survival),
            "mart_budget": pd.DataFrame(budget),
            "mart_service_costs": pd.DataFrame(costs),
            "mart_case_totals": pd.DataFrame(totals),
            "loads": loads,
            "quarantine_summary": quarantine,
            "meta": meta,
        }
    )


MODULUS = 4096


def key_columns(table: str) -> list[str]:
    """The <count>_key columns of a table of the contract."""
    text = SCHEMA.read_text(encoding="utf-8")
    body = text[text.index(f"CREATE TABLE {table} (") :]
    body = body[: body.index(");")]
    return re.findall(r"\b(\w+_key)\b", re.sub(r"--[^\n]*", "", body))


def add_keys(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Beside every count, a sum of record keys as if each case's key were drawn at random:
    about M/2 per record, varying from row to row (crc32 of table, row and column)."""
    for table, frame in frames.items():
        for key in key_columns(table) if table in CONTRACT_TABLES else []:
            count = frame[key.removesuffix("_key")].astype("int64")
            jitter = [
                zlib.crc32(f"{table}|{i}|{key}".encode()) % MODULUS for i in range(len(frame))
            ]
            frame[key] = (count * (MODULUS // 2) + pd.Series(jitter, index=frame.index)).where(
                count > 0, 0
            )
    return frames


def write_published(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        for table, frame in frames.items():
            columns = ", ".join(frame.columns)
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame")
            con.unregister("frame")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def frames() -> dict[str, pd.DataFrame]:
    """The fixture rows, for computing expected values independently of the SQL."""
    return build_frames()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, frames) -> Path:
    folder = tmp_path_factory.mktemp("warehouse")
    write_published(folder / "published.duckdb", frames)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _environment(warehouse: Path):
    from streamlit import config as st_config

    # a developer's own .streamlit/secrets.toml (users set up to try sign-in) must not turn
    # these tests into sign-in pages: the app tests read secrets only from at.secrets
    kept = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(warehouse / "no-secrets.toml")])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GMS_WAREHOUSE_DIR", str(warehouse))
        mp.setenv("GMS_AUDIT_FILE", str(warehouse / "audit" / "trail.jsonl"))
        mp.setenv("GMS_I18N_STRICT", "1")
        yield
    st_config.set_option("secrets.files", kept)


@pytest.fixture(scope="session")
def published(warehouse: Path):
    from dashboard.db import Published

    pub = Published(warehouse / "published.duckdb")
    yield pub
    pub.close()


# --- stand-in for dashboard/maps.py (written by another helper) ----------------------------
# Used only when the real module is not there yet; it records what it was given.

MAP_CALLS: list[tuple[str, pd.DataFrame, dict]] = []
NO_SHAPE = {"KH-25", "MM-18", "LA-XS"}


def _install_maps_stand_in() -> None:
    try:
        import dashboard.maps  # noqa: F401
    except ImportError:
        module = types.ModuleType("dashboard.maps")

        def province_map(
            values,
            *,
            country,
            value_label,
            formatter=None,
            colors="sequential",
            height=520,
            **text,
        ):
            MAP_CALLS.append(("province", values.copy(), {"country": country}))
            return go.Figure(go.Bar(x=list(values["province"]), y=list(values["value"])))

        def country_map(values, *, value_label, formatter=None, height=520, **text):
            MAP_CALLS.append(("country", values.copy(), {}))
            return go.Figure(go.Bar(x=list(values["province"]), y=list(values["value"])))

        def provinces_without_shape(codes):
            return [c for c in codes if c in NO_SHAPE]

        module.province_map = province_map
        module.country_map = country_map
        module.provinces_without_shape = provinces_without_shape
        sys.modules["dashboard.maps"] = module
        import dashboard

        dashboard.maps = module


_install_maps_stand_in()
