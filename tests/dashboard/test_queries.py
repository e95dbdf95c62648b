"""SQL builders and queries against the fixture database, with expected values computed
independently from the fixture rows (pandas, no SQL)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import config
from dashboard.db import DataMissing, Published, Scoped
from dashboard.queries import base, budget, caseload, casemgmt, meta, outcomes, quality, services
from dashboard.queries.selection import Selection, add_quarters, parse_quarter_code, quarter_code
from reference import framework
from reference.sql import parameter_names
from tests.dashboard import expected as ex
from tests.dashboard.conftest import QUARTERS, build_frames, write_published

ROOT = Path(__file__).resolve().parents[2]
LAST = QUARTERS[-1]
DEFAULT = Selection(q_from=QUARTERS[-4], q_to=LAST)


# --- independent expectations ---------------------------------------------------------------


def pick(df: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    m = pd.Series(True, index=df.index)
    if sel.country:
        m &= df["country"] == sel.country
    if sel.provinces:
        m &= df["province"].isin(sel.provinces)
    if sel.sex:
        m &= df["sex"] == sel.sex
    if sel.age_group:
        m &= df["age_group"] == sel.age_group
    if sel.form:
        m &= df["form"] == sel.form
    return df[m]


def expected_kpis(frames, sel: Selection) -> dict[str, float]:
    """The key figures as the dashboard must show them (tests/dashboard/expected.py)."""
    cl = pick(frames["mart_caseload"], sel)
    period = cl[(cl["quarter"] >= sel.q_from) & (cl["quarter"] <= sel.q_to)]
    end = cl[cl["quarter"] == sel.q_to]
    months = pick(frames["mart_months"], sel)
    months = (
        months[months["quarter"] == sel.q_to]
        .groupby("months")[["active_cases", "active_cases_key"]]
        .sum()
    )
    weights = [
        ex.noisy(n, key)
        for n, key in zip(months["active_cases"], months["active_cases_key"], strict=True)
    ]
    spread = np.repeat(months.index.to_numpy(), weights)
    s = ex.sums(end, "active_cases", "assessed_cases", "reintegrated_cases") | ex.sums(
        period, "new_cases", "closed_cases"
    )
    assessed, key = s["assessed_cases"], s["assessed_cases_key"]
    return {
        **s,
        "share_reintegrated": ex.share(
            s["reintegrated_cases"], s["reintegrated_cases_key"], assessed, key
        ),
        "composite_index": ex.mean(end["composite_sum"].sum(), assessed, key, caseload.INDEX_UNIT),
        "median_months": float(np.median(spread)) if len(spread) else float("nan"),
        "months_cases": int(months["active_cases"].sum()),
    }


def label_count(n: float) -> str:
    return "<10" if 0 < n < 10 else f"{n:,.0f}"


def same(got: float, expected: float) -> bool:
    """Equal, or both NaN (hidden or undefined)."""
    return (pd.isna(got) and pd.isna(expected)) or got == expected


def shown(exp: dict, count: str) -> str:
    """The label of a count of exp (an expected_* dict of counts and key sums)."""
    return ex.count_label(exp[count], exp[f"{count}_key"])


# --- SQL text -----------------------------------------------------------------------------


def test_every_sql_file_builds_and_binds_only_named_parameters():
    for path in sorted(base.SQL_DIR.glob("[!_]*.sql")):
        text = path.read_text()
        identifiers = {"area": "country"} if "{{area}}" in text else {}
        sql = base.build(path.stem, **identifiers)
        assert "{{" not in sql, path.name
        params = {**DEFAULT.params(), "table_name": None}
        bound = base.bind(sql, params)
        assert set(bound) == parameter_names(sql)
        assert "format(" not in text and "%s" not in text


def test_identifiers_only_from_the_allow_list():
    assert "province AS area" in base.build("outcomes_by_area", area="province")
    for bad in ("province; DROP TABLE meta", "sex", None):
        with pytest.raises(ValueError):
            base.build("outcomes_by_area", area=bad)


def test_bind_rejects_missing_parameters():
    with pytest.raises(KeyError):
        base.bind("SELECT $a, $b", {"a": 1})
    assert base.bind("SELECT $a -- $c in a comment", {"a": 1, "z": 2}) == {"a": 1}


def test_no_sql_is_built_from_strings_in_python():
    """Queries pass SQL file names, never SQL text built with f-strings or format()."""
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"f\"[^\"]*\b(SELECT|WHERE|FROM)\b", text), path
        assert not re.search(r"\b(SELECT|WHERE)\b[^\n]*\.format\(", text), path


# --- selection ------------------------------------------------------------------------------


def test_quarter_helpers():
    assert add_quarters(dt.date(2024, 1, 1), -1) == dt.date(2023, 10, 1)
    assert add_quarters(dt.date(2024, 10, 1), 2) == dt.date(2025, 4, 1)
    assert quarter_code(dt.date(2024, 7, 1)) == "2024Q3"
    assert parse_quarter_code("2024q3") == dt.date(2024, 7, 1)
    assert parse_quarter_code("2024-Q5") is None


def test_previous_period_has_the_same_length():
    prev = DEFAULT.previous()
    assert (prev.q_from, prev.q_to) == (QUARTERS[0], QUARTERS[3])
    assert prev.n_quarters == DEFAULT.n_quarters == 4


def test_params_lists_are_single_parameters_and_empty_means_all():
    p = Selection(
        q_from=LAST, q_to=LAST, country="KH", provinces=("KH-12",), age_group="child"
    ).params()
    assert p["provinces"] == ["KH-12"] and p["sexes"] == [] and p["forms"] == []
    assert p["age_groups"] == ["child"]
    everyone = Selection(q_from=LAST, q_to=LAST).params()
    assert everyone["age_groups"] == []  # 'unknown' age is counted only when no group is chosen


# --- key figures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sel",
    [
        DEFAULT,
        DEFAULT.replace(country="VN"),
        DEFAULT.replace(country="KH", provinces=("KH-12",), sex="female"),
        DEFAULT.replace(age_group="adult"),
        Selection(q_from=QUARTERS[2], q_to=QUARTERS[4]),
    ],
    ids=["default", "viet-nam", "phnom-penh-female", "adults", "three-quarters"],
)
def test_kpis_match_the_fixture(published, frames, sel):
    got = caseload.kpis(published, sel).set_index("kpi")
    exp = expected_kpis(frames, sel)
    for kpi in ("active_cases", "new_cases", "closed_cases"):
        assert got.loc[kpi, "value_label"] == shown(exp, kpi), kpi
    share = exp["share_reintegrated"]
    assert same(got.loc["share_reintegrated", "value"], round(share, 2))
    assert got.loc["share_reintegrated", "value_label"] == (
        "<10" if pd.isna(share) else f"{share:.0%}"
    )
    assert same(got.loc["composite_index", "value"], round(exp["composite_index"]))
    assert got.loc["median_months", "value"] == pytest.approx(exp["median_months"], abs=0.5)
    assert got.loc["share_reintegrated", "n_label"] == shown(exp, "assessed_cases")


def test_kpi_changes_against_the_previous_period(published, frames):
    got = caseload.kpis(published, DEFAULT).set_index("kpi")
    now, before = expected_kpis(frames, DEFAULT), expected_kpis(frames, DEFAULT.previous())
    active = ex.noisy(now["active_cases"], now["active_cases_key"]) - ex.noisy(
        before["active_cases"], before["active_cases_key"]
    )
    assert got.loc["active_cases", "delta"] == active
    assert got.loc["active_cases", "delta_label"] == f"{active:+,.0f}"
    # the change is between the shown (protected, rounded) shares, in points
    pp = (round(now["share_reintegrated"], 2) - round(before["share_reintegrated"], 2)) * 100
    assert got.loc["share_reintegrated", "delta"] == pytest.approx(round(pp, 1))


def test_no_change_without_a_full_previous_period(published):
    got = caseload.kpis(published, Selection(q_from=QUARTERS[1], q_to=QUARTERS[4]))
    assert got["delta_label"].isna().all()
    assert got["delta_note"].str.contains("No earlier period").all()


def test_small_selection_is_suppressed_everywhere(published):
    # Thailand: 5 active cases, 4 assessed: a group of fewer than 10, so every figure is
    # hidden, zeros included (0 closed would say that none of those few closed)
    got = caseload.kpis(published, DEFAULT.replace(country="TH")).set_index("kpi")
    assert (got["value_label"] == "<10").all()
    assert got["value"].isna().all()
    assert got["delta_label"].isna().all()  # a change would give the hidden value back


def test_weighted_median():
    assert caseload.weighted_median([1, 2, 3], [1, 1, 1]) == 2
    assert caseload.weighted_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.5
    assert caseload.weighted_median([5, 1], [3, 1]) == 5
    assert np.isnan(caseload.weighted_median([1], [0]))
    rng = np.random.default_rng(1)
    values, weights = rng.integers(0, 60, 30), rng.integers(0, 9, 30)
    assert caseload.weighted_median(values, weights) == np.median(np.repeat(values, weights))


# --- per country ---------------------------------------------------------------------------------


def test_by_country_covers_six_countries_each_a_group_of_its_own(published, frames):
    got = caseload.by_country(published, DEFAULT).set_index("area")
    assert list(got.index) == framework.load().country_codes
    end = frames["mart_caseload"][frames["mart_caseload"]["quarter"] == LAST]
    for country in ("KH", "VN"):
        exp = ex.sums(end[end["country"] == country], "active_cases")
        assert got.loc[country, "active_cases_label"] == shown(exp, "active_cases")
    assert got.loc["TH", "active_cases_label"] == "<10"
    assert got.loc["TH", "closed_cases_label"] == "<10"  # a group of 5: its zeros hidden too
    assert got.loc["CN", "active_cases_label"] == "0"  # no case at all: nothing to hide
    assert "withheld" not in " ".join(got["active_cases_label"])


def test_trend_by_country_each_quarter(published, frames):
    got = caseload.trend_by_country(published, DEFAULT)
    cl = frames["mart_caseload"]
    row = got[(got["area"] == "KH") & (got["quarter"] == pd.Timestamp(QUARTERS[-2]))].iloc[0]
    part = cl[(cl["country"] == "KH") & (cl["quarter"] == QUARTERS[-2])]
    s = ex.sums(part, "assessed_cases")
    expected = ex.mean(
        part["composite_sum"].sum(), s["assessed_cases"], s["assessed_cases_key"], 10.0
    )
    assert row["composite_index"] == round(expected)


# --- outcomes -------------------------------------------------------------------------------------


def test_outcomes_by_province(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = outcomes.by_area(published, sel, "province")
    oc = frames["mart_outcomes"]
    part = oc[
        (oc["country"] == "KH") & (oc["quarter"] == LAST) & (oc["dimension"] == "mental_health")
    ]
    kh12 = part[part["province"] == "KH-12"]
    s = ex.sums(kh12, "scored_cases", "achieved_cases")
    row = got[(got["area"] == "KH-12") & (got["dimension"] == "mental_health")].iloc[0]
    mean = ex.mean(kh12["score_sum"].sum(), s["scored_cases"], s["scored_cases_key"], 1.0)
    assert row["mean_score"] == round(mean, 2)
    share = ex.share(
        s["achieved_cases"], s["achieved_cases_key"], s["scored_cases"], s["scored_cases_key"]
    )
    assert same(row["share_achieved"], round(share, 2))
    assert row["area_label"] == "Phnom Penh"
    kh2 = got[(got["area"] == "KH-2") & (got["dimension"] == "mental_health")].iloc[0]
    assert kh2["scored_cases_label"] == shown(
        ex.sums(part[part["province"] == "KH-2"], "scored_cases"), "scored_cases"
    )
    # Tboung Khmum (KH-25): 3 active cases, a group of fewer than 10: every figure hidden,
    # the 0 scored in mental health included; Battambang is shown, nothing withheld
    small = got[got["area"] == "KH-25"]
    assert (small["scored_cases_label"] == "<10").all() and small["mean_score"].isna().all()
    housing = got[got["dimension"] == "housing"].set_index("area")
    assert housing.loc["KH-2", "mean_score_label"] not in ("<10", "withheld")


def test_for_dimension_ranks_and_map_frame(published):
    by_area = outcomes.by_area(published, DEFAULT.replace(country="KH"), "province")
    one = outcomes.for_dimension(by_area, "housing", "mean_score")
    assert one["rank"].tolist()[0] == "1"
    assert one["value"].iloc[0] == one["value"].max()
    assert one["value"].isna().tolist()[-1]  # hidden last, no rank
    frame = outcomes.map_frame(one)
    assert list(frame.columns) == ["province", "value", "label", "cases"]
    kh25 = frame.set_index("province").loc["KH-25"]
    assert np.isnan(kh25["value"]) and kh25["label"] == "<10" and kh25["cases"] == "<10"
    with pytest.raises(ValueError):
        outcomes.for_dimension(by_area, "housing", "score_sum")


def test_outcome_change_per_dimension(published, frames):
    got = outcomes.change(published, DEFAULT).set_index("dimension")
    assert list(got.index) == framework.load().outcome_keys
    oc = frames["mart_outcomes"]
    part = oc[(oc["quarter"] == LAST) & (oc["dimension"] == "safety")]
    s = ex.sums(part, "paired_cases")
    first = ex.mean(part["first_sum"].sum(), s["paired_cases"], s["paired_cases_key"], 1.0)
    latest = ex.mean(part["latest_sum"].sum(), s["paired_cases"], s["paired_cases_key"], 1.0)
    assert got.loc["safety", "mean_first"] == round(first, 2)
    assert got.loc["safety", "change"] == pytest.approx(round(latest - first, 2))
    assert got.loc["safety", "change_label"] == f"{round(latest - first, 2):+.2f}"


def test_outcome_trend_covers_every_quarter_and_dimension(published, frames):
    sel = DEFAULT.replace(country="VN", sex="female")
    got = outcomes.trend(published, sel)
    assert len(got) == 4 * 10
    oc = pick(frames["mart_outcomes"], sel)
    part = oc[(oc["quarter"] == QUARTERS[-3]) & (oc["dimension"] == "economic")]
    row = got[
        (got["quarter"] == pd.Timestamp(QUARTERS[-3])) & (got["dimension"] == "economic")
    ].iloc[0]
    s = ex.sums(part, "scored_cases", "achieved_cases")
    assert row["scored_cases"] == ex.noisy(s["scored_cases"], s["scored_cases_key"])
    share = ex.share(
        s["achieved_cases"], s["achieved_cases_key"], s["scored_cases"], s["scored_cases_key"]
    )
    assert same(row["share_achieved"], round(share, 2))


# --- data quality -------------------------------------------------------------------------------


def test_submissions_grid_shows_gaps_as_zero(published, frames):
    exact = quality.submissions(published, DEFAULT)  # the whole file: exact records
    assert len(exact) == 4 * 4  # every agency x quarter
    kh02 = exact[exact["agency"] == "SYN-KH-02"].set_index("quarter")["rows_loaded_label"]
    assert kh02.loc[pd.Timestamp(QUARTERS[-1])] == "0"  # index 7: skipped
    assert kh02.loc[pd.Timestamp(QUARTERS[-2])] == "6"  # 1 case + 5 assessments, exact
    q = frames["mart_quality"]
    kh01 = q[(q["agency"] == "SYN-KH-01") & (q["quarter"] == LAST)]
    row = exact[(exact["agency"] == "SYN-KH-01") & (exact["quarter"] == pd.Timestamp(LAST))].iloc[0]
    assert row["rows_loaded"] == kh01["rows_loaded"].sum()
    # everyone else: protected; SYN-KH-02 submits under 10 rows a quarter, so its gaps are
    # hidden too (a group of fewer than 10)
    protected = quality.submissions(Scoped(published), DEFAULT)
    kh02 = protected[protected["agency"] == "SYN-KH-02"]["rows_loaded_label"]
    assert set(kh02) == {"<10"}
    row = protected[
        (protected["agency"] == "SYN-KH-01") & (protected["quarter"] == pd.Timestamp(LAST))
    ].iloc[0]
    assert row["rows_loaded_label"] == shown(ex.sums(kh01, "rows_loaded"), "rows_loaded")
    only_cases = quality.submissions(published, DEFAULT, "cases")
    assert only_cases["rows_loaded"].max() < exact["rows_loaded"].max()
    with pytest.raises(ValueError):
        quality.submissions(published, DEFAULT, "meta")


def test_loads_log_newest_first(published):
    log = quality.loads(published)
    assert log["load_id"].tolist() == [3, 2, 1]
    assert quality.last_load(log) == "Jul 1, 2025, 7:30\u202fAM"  # CLDR's English
    assert log["rows_quarantined_label"].tolist() == ["0", "3", "2"]
    # exact record counts are for the data team only: any other view is refused
    for fn in (quality.loads, quality.quarantine):
        with pytest.raises(PermissionError):
            fn(Scoped(published))
        assert not fn(Scoped(published, exact_records=True)).empty


def test_meta_and_options(published):
    info = meta.meta(published)
    assert meta.is_synthetic(info)
    opts = meta.options(published)
    assert opts.quarters == tuple(QUARTERS)
    assert opts.countries[:1] == ("KH",)
    assert "KH-25" in opts.provinces_of("KH")


# --- the connection --------------------------------------------------------------------------------


def test_missing_file_raises_data_missing(tmp_path):
    with pytest.raises(DataMissing):
        Published(tmp_path / "published.duckdb").query("SELECT 1")


def test_a_newly_published_file_is_seen_without_restart(tmp_path, frames):
    target = tmp_path / "published.duckdb"
    write_published(target, frames)
    pub = Published(target)
    sql = "SELECT value FROM meta WHERE key = 'as_of'"
    assert pub.query(sql)["value"].iloc[0] == "2025-06-30"
    changed = build_frames()
    changed["meta"].loc[changed["meta"]["key"] == "as_of", "value"] = "2025-09-30"
    scratch = tmp_path / ".published.duckdb.tmp"
    write_published(scratch, changed)
    os.replace(scratch, target)  # as the ETL does
    assert pub.query(sql)["value"].iloc[0] == "2025-09-30"
    assert pub.opened == 2
    assert pub.query(sql)["value"].iloc[0] == "2025-09-30"
    assert pub.opened == 2  # unchanged file: no reopen
    pub.close()


def test_connection_is_read_only(published):
    import duckdb

    with pytest.raises(duckdb.Error):
        published.query("CREATE TABLE x (a INT)")


# --- layering --------------------------------------------------------------------------------------
# (which modules may import streamlit, and which package may import which: tests/test_layout.py)


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.stem)
def test_pages_hold_no_sql_and_no_database_access(page):
    text = page.read_text()
    assert not re.search(r"\b(SELECT|INSERT|duckdb|\.sql\b|execute\()", text)
    # a page is a body(ctx) run by ui.run_page under its own key, which dashboard.yaml lists
    assert re.search(rf'^ui\.run_page\(\s*"{page.stem}",\s*body\b', text, re.MULTILINE), page.name
    assert page.stem in {spec.key for spec in config.settings().pages}


# (translations, catalogues and number formats: tests/dashboard/test_i18n.py, test_formats.py)


# --- service areas, case management, budget ---------------------------------------------------


def test_services_by_area(published, frames):
    got = services.by_area(published, DEFAULT).set_index("service_area")
    assert list(got.index) == framework.load().service_area_keys
    sv = frames["mart_services"]
    end = sv[(sv["quarter"] == LAST) & (sv["service_area"] == "medical")]
    period = sv[(sv["quarter"] >= DEFAULT.q_from) & (sv["service_area"] == "medical")]
    s = ex.sums(
        end,
        "provided_cases",
        "in_need_cases",
        "in_need_provided",
        "received_paired",
        "other_paired",
    )
    assert got.loc["medical", "provided_cases"] == ex.noisy(
        s["provided_cases"], s["provided_cases_key"]
    )
    coverage = ex.share(
        s["in_need_provided"], s["in_need_provided_key"], s["in_need_cases"], s["in_need_cases_key"]
    )
    assert got.loc["medical", "coverage"] == round(coverage, 2)
    received = ex.mean(
        end["received_change_sum"].sum(), s["received_paired"], s["received_paired_key"], 1.0
    )
    other = ex.mean(end["other_change_sum"].sum(), s["other_paired"], s["other_paired_key"], 1.0)
    assert got.loc["medical", "change_gap"] == round(received - other, 2)
    p = ex.sums(period, "records_started")
    cost = ex.noisy_sum(
        period["cost_usd"].sum(), p["records_started"], p["records_started_key"], 0.0
    )
    assert got.loc["medical", "cost_usd"] == round(cost)
    assert got.loc["medical", "cost_usd_label"] == f"US${round(cost):,.0f}"


def test_barriers_for_one_area_list_every_barrier(published, frames):
    got = services.barriers(published, DEFAULT, "housing")
    codes = [b["code"] for b in framework.load().barriers if b["service_area"] == "housing"]
    assert sorted(got["barrier_code"]) == sorted(codes)
    br = frames["mart_barriers"]
    hou = br[(br["barrier_code"] == "HOU-01") & (br["quarter"] >= DEFAULT.q_from)]
    assert got.iloc[0]["barrier_code"] == "HOU-01"
    assert got.iloc[0]["reports_label"] == shown(ex.sums(hou, "reports"), "reports")
    thai = services.barriers(published, DEFAULT.replace(country="TH"), "housing")
    th = br[
        (br["barrier_code"] == "HOU-01")
        & (br["quarter"] >= DEFAULT.q_from)
        & (br["country"] == "TH")
    ]
    assert th["reports"].sum() == 4 * (5 + 6)  # TH is cell 7: 11 reports (people) a quarter
    assert thai.iloc[0]["reports_label"] == shown(ex.sums(th, "reports"), "reports")
    with pytest.raises(ValueError):
        services.barriers(published, DEFAULT, "nonsense")


def _life_table_expected(hist: pd.DataFrame) -> pd.Series:
    """The protected life table written independently: months pooled from the last step
    until at least k cases reached reintegration; each step's hazard is reached' /
    (followed' at the pool's start - censored' / 2) from perturbed counts; it stops where
    fewer than k are followed."""
    hist = (
        hist.groupby("months")[["reached", "reached_key", "censored", "censored_key"]]
        .sum()
        .sort_index()
    )
    followed = (hist["reached"] + hist["censored"])[::-1].cumsum()[::-1]
    followed_key = (hist["reached_key"] + hist["censored_key"])[::-1].cumsum()[::-1]
    out, survival, start, pool = {}, 1.0, 0, [0, 0, 0, 0]
    months = list(hist.index)
    for i, month in enumerate(months):
        if followed.iloc[start] < ex.K:
            break
        pool = [
            a + int(b)
            for a, b in zip(
                pool,
                hist.iloc[i][["reached", "reached_key", "censored", "censored_key"]],
                strict=True,
            )
        ]
        if pool[0] >= ex.K:
            n = ex.noisy(followed.iloc[start], followed_key.iloc[start])
            d, c = ex.noisy(pool[0], pool[1]), ex.noisy(pool[2], pool[3])
            survival *= 1 - d / max(n - c / 2, d)
            out[month] = 1 - survival
            start, pool = i + 1, [0, 0, 0, 0]
            if start >= len(months):
                break
    return pd.Series(out, dtype=float)


def test_time_to_reintegration_is_a_protected_life_table(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = casemgmt.time_to_reintegration(published, sel).set_index("months")
    expected = _life_table_expected(pick(frames["mart_survival"], sel))
    assert len(got) > 3 and list(got.index) == list(expected.index)
    for month, value in expected.items():
        assert got.loc[month, "reintegrated_by"] == round(value, 2)
    median = casemgmt.median_time(published, sel).iloc[0]
    assert median["median_months"] == expected[expected >= 0.5].index[0]


def test_time_to_reintegration_pools_months_and_stops_under_k(published, frames):
    # Thailand: one cohort of 20 cases, one or two reaching reintegration a step: months
    # are pooled until 10 have, and the curve stops once fewer than 10 are followed
    hist = pick(frames["mart_survival"], DEFAULT.replace(country="TH"))
    got = casemgmt.time_to_reintegration(published, DEFAULT.replace(country="TH"))
    expected = _life_table_expected(hist)
    assert list(got["months"]) == list(expected.index)
    assert (got["at_risk"] >= 10).all() and not (got["at_risk_label"] == "<10").any()
    assert len(got) < hist["months"].nunique()  # pooled: fewer steps than months


def test_duration_bands_each_a_group_of_its_own(published, frames):
    sel = DEFAULT.replace(country="KH", provinces=("KH-12",))
    got = casemgmt.by_duration(published, sel).set_index("duration_band")
    cl = pick(frames["mart_caseload"], sel)
    end = cl[cl["quarter"] == LAST]
    for band, part in end.groupby("duration_band"):
        assert got.loc[band, "active_cases_label"] == shown(
            ex.sums(part, "active_cases"), "active_cases"
        )
    assert got.loc["m36_plus", "active_cases_label"] == "0"  # an empty band: nothing to hide


def test_budget_by_service_and_totals(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = budget.by_service(published, sel).set_index("service_area")
    bd = frames["mart_budget"]
    years = bd[(bd["year"] >= 2024) & (bd["year"] <= 2025) & (bd["country"] == "KH")]
    housing = years[years["service_area"] == "housing"]
    # budget lines are not about cases: as they are
    assert got.loc["housing", "budgeted_usd"] == pytest.approx(housing["budgeted_usd"].sum())
    sc = frames["mart_service_costs"]
    costs = sc[(sc["year"] >= 2024) & (sc["country"] == "KH") & (sc["service_area"] == "medical")]
    s = ex.sums(costs, "costed_cases", "served_cases")
    cost = ex.noisy_sum(costs["cost_usd"].sum(), s["costed_cases"], s["costed_cases_key"], 0.0)
    assert got.loc["medical", "cost_per_case"] == round(
        cost / ex.noisy(s["served_cases"], s["served_cases_key"])
    )
    # a chosen province leaves the national lines out
    kh12 = budget.by_service(published, sel.replace(provinces=("KH-12",))).set_index("service_area")
    only = years[(years["province"] == "KH-12") & (years["service_area"] == "housing")]
    assert kh12.loc["housing", "budgeted_usd"] == pytest.approx(only["budgeted_usd"].sum())
    # Tboung Khmum: 3 cases served a year -> what they cost is hidden; budget lines shown
    small = budget.by_service(published, sel.replace(provinces=("KH-25",))).set_index(
        "service_area"
    )
    assert small.loc["housing", "cost_per_case_label"] == "<10"
    assert small.loc["housing", "cost_usd_label"] == "<10"
    total = budget.totals(published, sel).iloc[0]
    ct = frames["mart_case_totals"]
    served = ex.sums(ct[(ct["year"] >= 2024) & (ct["country"] == "KH")], "served_cases")
    assert total["served_cases_label"] == shown(served, "served_cases")


def test_budget_share_of_a_hidden_reintegrated_count_is_hidden():
    """410 cases served, 3 reintegrated: "0%" (or 0.7%) beside 410 would give the 3 back."""

    class OneRow:
        path, version = "one-row", staticmethod(lambda: None)

        def query(self, sql, params=None):
            if "FROM meta" in sql:
                return pd.DataFrame({"key": ["record_key_modulus"], "value": ["4096"]})
            return pd.DataFrame(
                {
                    "served_cases": [410], "served_cases_key": [839_680],
                    "reintegrated_cases": [3], "reintegrated_cases_key": [6_000],
                    "costed_cases": [400], "costed_cases_key": [819_000],
                    "served_people": [410], "reintegrated_people": [3], "costed_people": [400],
                    "cost_usd": [287_206.0],
                }
            )  # fmt: skip

    row = budget.totals(OneRow(), Selection(q_from=QUARTERS[0], q_to=QUARTERS[-1])).iloc[0]
    assert row["served_cases_label"] == ex.count_label(410, 839_680)
    assert row["reintegrated_cases_label"] == "<10"
    assert row["share_reintegrated_label"] == "<10" and pd.isna(row["share_reintegrated"])
    assert row["cost_per_reintegrated_label"] == "<10"
