"""The synthetic sample generator (etl/sample/): format, determinism, calibration.

One 10,000-case sample is generated per test session (tmp_path_factory) and read back with
pandas exactly as a user would read the CSV files; the expected shares are the study's own
counts (After Trafficking: 252 survivors, guidebook 2017 Tables #2-#5), written out here independently of the
generator's constants.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.sample import generate
from reference import framework

N_CASES = 10_000
SEED = 20170
AS_OF = dt.date(2026, 6, 30)

# Every calibration share of the 10,000-case sample must lie within this many percentage
# points of the study's share (the sampling error of a share is at most 0.5 pp here, 0.8 pp
# among the ~4,200 children).
TOLERANCE_PP = 2.5
# Assessments of a followed case are 3 to 6 months apart: 91 to 183 days, give or take this
# many days of slack (the generator draws 91-183; the slack keeps the test about the rule).
GAP_SLACK_DAYS = 7
MIN_GAP_DAYS, MAX_GAP_DAYS = 91 - GAP_SLACK_DAYS, 183 + GAP_SLACK_DAYS
# "At least a handful" of cases per province at 10,000 cases.
MIN_CASES_PER_PROVINCE = 3

# The study (guidebook 2017, Tables #2-#5): 252 survivors.
STUDY = 252
SEX = {"female": 174, "male": 78}
CHILDREN = 107
COUNTRY = {"KH": 62, "CN": 8, "LA": 28, "MM": 79, "TH": 9, "VN": 66}
FORMS = {
    "sexual_exploitation": 61,
    "labour": 123,
    "forced_marriage": 35,
    "sexual_and_labour": 20,
    "escaped_before_exploitation": 3,
    "begging_street_selling": 3,
    "unknown": 7,
}
SECTORS = {
    "agriculture": 14,
    "construction": 13,
    "domestic_work": 25,
    "factory": 35,
    "fishing": 37,
    "service_sector": 8,
}
INTERNAL, INTERNAL_CHILDREN = 44, 37
DESTINATIONS = {
    "TH": 102, "CN": 59, "MY": 41, "VN": 17, "KH": 16, "MM": 8, "HK": 2, "ID": 4,
    "IL": 2, "IT": 1, "JP": 2, "LA": 3, "SG": 4, "TW": 2, "GB": 1, "YE": 2,
}  # fmt: skip

FW = framework.load()
SPEC = framework.submission_spec()["tables"]
TABLES = list(SPEC)


def columns_of(table: str) -> list[str]:
    cols = [c["name"] for c in SPEC[table]["columns"]]
    return cols + FW.outcome_keys if SPEC[table].get("outcome_columns") else cols


def read(folder: Path, table: str) -> pd.DataFrame:
    """A CSV as text, blanks as empty strings (how a loader sees it)."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sample")
    written = generate(out, n_cases=N_CASES, seed=SEED, as_of=AS_OF)
    return out, written


@pytest.fixture(scope="session")
def frames(sample) -> dict[str, pd.DataFrame]:
    return {t: read(sample[0], t) for t in TABLES}


@pytest.fixture(scope="session")
def cases(frames) -> pd.DataFrame:
    c = frames["cases"].copy()
    c["age_n"] = c["age"].astype(int)
    c["child"] = c["age_n"] < FW.child_under_age
    c["internal"] = c["return_type"] == "internal"
    c["opened_d"] = pd.to_datetime(c["opened"])
    c["closed_d"] = pd.to_datetime(c["closed"].replace("", None))
    c["end_d"] = c["closed_d"].fillna(pd.Timestamp(AS_OF))
    return c


def share(series: pd.Series) -> dict[str, float]:
    return series.value_counts(normalize=True).to_dict()


def assert_shares(observed: dict, counts: dict, what: str) -> None:
    total = sum(counts.values())
    for key, count in counts.items():
        expected = 100 * count / total
        got = 100 * observed.get(key, 0.0)
        assert abs(got - expected) <= TOLERANCE_PP, f"{what} {key}: {got:.1f}% vs {expected:.1f}%"
    assert set(observed) <= set(counts), f"{what}: unexpected {set(observed) - set(counts)}"


# --- files and format -----------------------------------------------------------------------
def test_files_and_columns_match_the_submission_format(sample):
    out, written = sample
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.csv" for t in TABLES] + ["README.txt"]
    )
    for table in TABLES:
        header = (out / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(columns_of(table)), table
    assert written == {str(out / f"{t}.csv"): len(read(out, t)) for t in TABLES}


def test_readme_says_synthetic_with_seed_and_as_of(sample):
    text = (sample[0] / "README.txt").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    assert "python -m etl sample" in text
    assert f"--seed {SEED}" in text and f"--as-of {AS_OF.isoformat()}" in text


def test_no_identifying_columns(frames):
    patterns = [
        re.compile(p["pattern"]) for p in framework.submission_spec()["identifying_columns"]
    ]
    for table, df in frames.items():
        for col in df.columns:
            if col in columns_of(table):
                continue  # the format's own columns are allowed by definition
            assert not any(p.search(col) for p in patterns), (table, col)


def test_agencies_are_synthetic_and_refs_belong_to_them(frames, cases):
    for table in ("cases", "assessments", "services", "barriers"):
        assert frames[table]["agency"].str.startswith("SYN-").all(), table
    assert (cases["agency"].str[4:6] == cases["country"]).all()
    assert cases["case_ref"].str.match(r"^SYN-[A-Z]{2}-[A-Z]-\d{6,}$").all()
    assert (cases["case_ref"].str.rsplit("-", n=1).str[0] == cases["agency"]).all()
    assert not cases.duplicated(["agency", "case_ref"]).any()
    per_country = cases.groupby("country")["agency"].nunique()
    assert per_country.between(3, 5).all(), per_country.to_dict()
    # every case row elsewhere belongs to a case
    refs = set(cases["case_ref"])
    for table in ("assessments", "services", "barriers"):
        assert set(frames[table]["case_ref"]) <= refs, table


def test_values_come_from_the_framework_code_lists(frames, cases):
    def keys(name):
        return {e["key"] for e in FW.code_list(name)}

    def check(series, allowed, blank_ok=False):
        values = set(series) - ({""} if blank_ok else set())
        assert values <= allowed, values - allowed

    check(cases["sex"], keys("sexes"))
    check(cases["form"], keys("forms_of_trafficking"))
    check(cases["labour_sector"], keys("labour_sectors"), blank_ok=True)
    assert ((cases["labour_sector"] != "") == (cases["form"] == "labour")).all()
    check(cases["return_type"], keys("return_types"), blank_ok=True)
    check(cases["setting"], keys("settings"), blank_ok=True)
    check(cases["closure_reason"], keys("closure_reasons"), blank_ok=True)
    assert ((cases["closure_reason"] != "") == (cases["closed"] != "")).all()
    check(cases["identified"], {"yes", "no"}, blank_ok=True)
    check(cases["assisted"], {"yes", "no"}, blank_ok=True)
    check(cases["country"], set(FW.country_codes))
    assert cases["destination_country"].str.fullmatch(r"[A-Z]{2}").all()
    # ages: whole years, children 8-17, adults 18-50
    assert cases["age"].str.fullmatch(r"\d+").all()
    assert cases["age_n"].between(8, 50).all()
    scores = frames["assessments"][FW.outcome_keys]
    check(pd.Series(scores.to_numpy().ravel()), {"1", "2", "3", "4"}, blank_ok=True)
    services = frames["services"]
    check(services["service_area"], set(FW.service_area_keys))
    check(services["status"], keys("service_statuses"))
    check(services["provider_type"], keys("provider_types"), blank_ok=True)
    barriers = frames["barriers"]
    area_of = {b["code"]: b["service_area"] for b in FW.barriers}
    assert (barriers["barrier_code"].map(area_of) == barriers["service_area"]).all()
    budgets = frames["budgets"]
    check(budgets["funding_source"], keys("funding_sources"))
    check(budgets["service_area"], set(FW.service_area_keys))


# --- determinism ----------------------------------------------------------------------------
def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    def files(folder):
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    generate(tmp_path / "a", n_cases=2000, seed=7, as_of=AS_OF)
    generate(tmp_path / "b", n_cases=2000, seed=7, as_of=AS_OF)
    generate(tmp_path / "c", n_cases=2000, seed=8, as_of=AS_OF)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a == b
    for table in TABLES:
        assert a[f"{table}.csv"] != c[f"{table}.csv"], table


def test_xlsx_and_parquet_hold_the_same_data_as_csv(tmp_path):
    import openpyxl

    for fmt in ("csv", "xlsx", "parquet"):
        generate(tmp_path / fmt, n_cases=300, seed=3, as_of=AS_OF, fmt=fmt)
    generate(tmp_path / "xlsx2", n_cases=300, seed=3, as_of=AS_OF, fmt="xlsx")
    xlsx = tmp_path / "xlsx" / "sample.xlsx"
    assert xlsx.read_bytes() == (tmp_path / "xlsx2" / "sample.xlsx").read_bytes()
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == TABLES
    for table in TABLES:
        csv = read(tmp_path / "csv", table)
        sheet = book[table]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == columns_of(table)
        assert len(rows) - 1 == len(csv)
        parquet = pd.read_parquet(tmp_path / "parquet" / f"{table}.parquet")
        assert list(parquet.columns) == columns_of(table)
        assert len(parquet) == len(csv)
    # dates are real Excel dates
    first = next(book["cases"].iter_rows(min_row=2, max_row=2))
    opened = first[columns_of("cases").index("opened")]
    assert opened.is_date
    assert opened.value.date().isoformat() == read(tmp_path / "csv", "cases")["opened"][0]
    book.close()


# --- calibration ----------------------------------------------------------------------------
def test_sex_and_children(cases):
    assert_shares(share(cases["sex"]), SEX, "sex")
    got = 100 * cases["child"].mean()
    assert abs(got - 100 * CHILDREN / STUDY) <= TOLERANCE_PP, got


def test_country_and_forms(cases):
    assert_shares(share(cases["country"]), COUNTRY, "country")
    assert_shares(share(cases["form"]), FORMS, "form")
    labour = cases[cases["form"] == "labour"]
    assert_shares(share(labour["labour_sector"]), SECTORS, "labour sector")


def test_internal_trafficking_overall_and_among_children(cases):
    # internal: destination is the country itself (integration in a new country aside)
    same = (cases["destination_country"] == cases["country"]) & (cases["setting"] != "new_country")
    assert (same == cases["internal"]).all()
    for label, got, expected in [
        ("overall", cases["internal"].mean(), INTERNAL / STUDY),
        ("children", cases.loc[cases["child"], "internal"].mean(), INTERNAL_CHILDREN / CHILDREN),
        (
            "adults",
            cases.loc[~cases["child"], "internal"].mean(),
            (INTERNAL - INTERNAL_CHILDREN) / (STUDY - CHILDREN),
        ),
    ]:
        assert abs(100 * (got - expected)) <= TOLERANCE_PP, (label, got, expected)


def test_destinations_of_international_cases(cases):
    intl = cases[~cases["internal"]]
    assert (intl["destination_country"] != intl["country"]).mean() > 0.97
    # expected: the study's destination counts, each country of origin excluding itself
    weights = pd.Series(DESTINATIONS, dtype=float)
    expected = pd.Series(0.0, index=weights.index)
    for country, count in COUNTRY.items():
        w = weights.drop(country, errors="ignore")
        expected = expected.add(count / STUDY * w / w.sum(), fill_value=0)
    observed = share(intl["destination_country"])
    for dest, exp in expected.items():
        got = observed.get(dest, 0.0)
        assert abs(100 * (got - exp)) <= TOLERANCE_PP, (dest, got, exp)
    assert set(observed) <= set(DESTINATIONS)


def test_sex_form_and_destination_are_jointly_plausible(cases):
    marriage = cases[cases["form"] == "forced_marriage"]
    assert (marriage["sex"] == "female").mean() > 0.95
    intl_marriage = marriage[~marriage["internal"]]
    assert (intl_marriage["destination_country"] == "CN").mean() > 0.6
    fishing = cases[cases["labour_sector"] == "fishing"]
    assert (fishing["sex"] == "male").mean() > 0.85
    construction = cases[cases["labour_sector"] == "construction"]
    assert (construction["sex"] == "male").mean() > 0.6


# --- geography ------------------------------------------------------------------------------
def test_every_province_has_cases(cases):
    code_of = {}
    for p in FW.provinces:
        code_of[p["code"]] = p["code"]
        code_of[p["name"]] = p["code"]
    province = cases["province"]
    unknown = province == "unknown"
    assert 0.003 < unknown.mean() < 0.02
    codes = province[~unknown].map(code_of)
    assert codes.notna().all(), set(province[~unknown][codes.isna()])
    # codes mostly, English names for about a fifth
    by_name = province[~unknown].isin({p["name"] for p in FW.provinces})
    assert 0.15 < by_name.mean() < 0.25
    country_of = {p["code"]: p["country"] for p in FW.provinces}
    assert (codes.map(country_of) == cases.loc[~unknown, "country"]).all()
    counts = codes.value_counts()
    missing = {p["code"] for p in FW.provinces} - set(counts.index)
    assert not missing
    assert counts.min() >= MIN_CASES_PER_PROVINCE, counts.nsmallest(5).to_dict()


# --- dates ----------------------------------------------------------------------------------
def test_no_date_after_as_of_and_none_before_2016(frames):
    date_columns = {
        "cases": ["opened", "closed"],
        "assessments": ["assessed_on"],
        "services": ["started", "ended"],
        "barriers": ["noted_on"],
    }
    for table, cols in date_columns.items():
        for col in cols:
            values = frames[table][col]
            values = values[values != ""]
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (table, col)
            assert values.max() <= AS_OF.isoformat(), (table, col)
            assert values.min() >= "2016-01-01", (table, col)
    years = frames["budgets"]["year"].astype(int)
    assert years.min() == 2016 and years.max() == AS_OF.year


def test_everything_happens_within_the_case_period(frames, cases):
    period = cases.set_index("case_ref")[["opened_d", "end_d", "closed_d"]]
    a = frames["assessments"].join(period, on="case_ref")
    day = pd.to_datetime(a["assessed_on"])
    assert (day >= a["opened_d"]).all() and (day <= a["end_d"]).all()
    s = frames["services"].join(period, on="case_ref")
    started = pd.to_datetime(s["started"])
    ended = pd.to_datetime(s["ended"].replace("", None))
    assert (started >= s["opened_d"]).all() and (started <= s["end_d"]).all()
    assert (ended.isna() | ((ended >= started) & (ended <= s["end_d"]))).all()
    b = frames["barriers"].join(period, on="case_ref")
    noted = pd.to_datetime(b["noted_on"])
    assert (noted >= b["opened_d"]).all() and (noted <= b["end_d"]).all()
    # cases open a year or more are mostly assessed; volume rises over time
    opened_per_year = cases["opened_d"].dt.year.value_counts().sort_index()
    assert opened_per_year[AS_OF.year - 1] > 1.5 * opened_per_year[2016]
    assert cases["closed"].ne("").mean() > 0.3 and cases["closed"].eq("").mean() > 0.2


def test_assessments_every_three_to_six_months(frames, cases):
    a = frames["assessments"][["case_ref", "assessed_on"]].copy()
    a["day"] = pd.to_datetime(a["assessed_on"])
    gaps = a.groupby("case_ref")["day"].diff().dt.days.dropna()
    assert gaps.between(MIN_GAP_DAYS, MAX_GAP_DAYS).all(), (gaps.min(), gaps.max())
    first = a.groupby("case_ref")["day"].min()
    opened = cases.set_index("case_ref")["opened_d"].reindex(first.index)
    assert ((first - opened).dt.days.between(0, 31)).all()
    # closed cases: closure on or after the last assessment
    last = a.groupby("case_ref")["day"].max()
    closed = cases.set_index("case_ref")["closed_d"].reindex(last.index)
    assert (closed.isna() | (closed >= last)).all()
    # open cases not lost to contact are still assessed: none overdue by more than 6 months
    open_cases = cases[cases["closed"] == ""].set_index("case_ref")
    overdue = (pd.Timestamp(AS_OF) - last.reindex(open_cases.index)).dt.days > MAX_GAP_DAYS
    assert 0 < overdue.mean() < 0.3  # the overdue ones: lost contact, not yet closed


# --- outcomes -------------------------------------------------------------------------------
def test_reintegrated_share_rises_with_months_of_case_management(frames, cases):
    a = frames["assessments"].join(cases.set_index("case_ref")["opened_d"], on="case_ref")
    months = (pd.to_datetime(a["assessed_on"]) - a["opened_d"]).dt.days / 30.4375
    scores = a[FW.outcome_keys].replace("", np.nan).astype(float)
    assessed = scores.notna()
    reintegrated = assessed.any(axis=1) & ((scores >= FW.achieved_threshold) | ~assessed).all(
        axis=1
    )
    early = reintegrated[months < 6].mean()
    late = reintegrated[months >= 24].mean()
    assert late >= early + 0.2 and late >= 3 * early, (early, late)
    # initial scores mostly 1-2
    first = a.assign(m=months).sort_values("m").groupby("case_ref").head(1)
    initial = first[FW.outcome_keys].replace("", np.nan).astype(float).stack()
    assert initial.isin([1, 2]).mean() > 0.7
    # blank dimensions: legal process often, education for many adults over 25
    assert assessed["legal_process"].mean() < 0.6
    older = a["case_ref"].map(cases.set_index("case_ref")["age_n"]) > 25
    assert assessed.loc[older, "education"].mean() < 0.5
    assert assessed.loc[~older, "education"].mean() > 0.9


# --- services, barriers, budgets ------------------------------------------------------------
def test_services(frames, cases):
    s = frames["services"]
    per_case = s.groupby("case_ref").size().reindex(cases["case_ref"], fill_value=0)
    assert per_case.between(2, 7).all()
    assert not s.duplicated(["agency", "case_ref", "service_area", "started"]).any()
    cm = s[s["service_area"] == "case_management"]["case_ref"].nunique() / len(cases)
    assert cm > 0.8
    status = share(s["status"])
    assert abs(status["provided"] - 0.75) < 0.05 and abs(status["declined"] - 0.10) < 0.04
    # no cost unless provided; costs are plain numbers with a currency
    not_provided = s["status"] != "provided"
    assert (s.loc[not_provided, "cost"] == "").all()
    costed = s[s["cost"] != ""]
    assert costed["cost"].str.fullmatch(r"\d+(\.\d\d)?").all()
    assert (costed["currency"] != "").all() and (s.loc[s["cost"] == "", "currency"] == "").all()
    assert abs((costed["currency"] == "USD").mean() - 0.15) < 0.03
    usd = costed[costed["currency"] == "USD"]["cost"].astype(float)
    assert 50 < usd.median() < 2000


def test_barriers(frames, cases):
    b = frames["barriers"]
    per_case = b.groupby("case_ref").size().reindex(cases["case_ref"], fill_value=0)
    assert per_case.between(0, 3).all()
    assert (per_case == 0).mean() > 0.15
    assert not b.duplicated(["agency", "case_ref", "barrier_code", "noted_on"]).any()


def test_budgets(frames):
    b = frames["budgets"].copy()
    national = b[b["province"] == ""]
    lines = national.groupby(["country", "year", "service_area", "funding_source"]).size()
    expected = (
        len(FW.country_codes)
        * (AS_OF.year - 2016 + 1)
        * len(FW.service_area_keys)
        * len(FW.code_list("funding_sources"))
    )
    assert len(lines) == expected and (lines == 1).all()
    provincial = b[b["province"] != ""]
    assert len(provincial) > 0
    country_of = {p["code"]: p["country"] for p in FW.provinces}
    assert (provincial["province"].map(country_of) == provincial["country"]).all()
    budgeted, spent = b["budgeted"].astype(float), b["spent"].astype(float)
    assert (budgeted > 0).all() and (spent >= 0).all()
    past = b["year"].astype(int) < AS_OF.year
    ratio = (spent / budgeted)[past]
    assert ratio.between(0.69, 1.0).mean() > 0.8 and (ratio > 1).any()
    assert set(b["currency"]) <= {"USD", *(c["currency"] for c in FW.countries)}
