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
from dashboard.db import DataMissing, Published
from dashboard.queries import base, budget, caseload, casemgmt, meta, outcomes, quality, services
from dashboard.queries.selection import Selection, add_quarters, parse_quarter_code, quarter_code
from reference import framework
from reference.sql import parameter_names
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
    cl = pick(frames["mart_caseload"], sel)
    period = cl[(cl["quarter"] >= sel.q_from) & (cl["quarter"] <= sel.q_to)]
    end = cl[cl["quarter"] == sel.q_to]
    months = pick(frames["mart_months"], sel)
    months = months[months["quarter"] == sel.q_to]
    spread = np.repeat(months["months"].to_numpy(), months["active_cases"].to_numpy())
    return {
        "active_cases": end["active_cases"].sum(),
        "new_cases": period["new_cases"].sum(),
        "closed_cases": period["closed_cases"].sum(),
        "assessed_cases": end["assessed_cases"].sum(),
        "share_reintegrated": end["reintegrated_cases"].sum() / end["assessed_cases"].sum(),
        "composite_index": end["composite_sum"].sum() / end["assessed_cases"].sum(),
        "median_months": float(np.median(spread)) if len(spread) else float("nan"),
        "months_cases": len(spread),
    }


def label_count(n: float) -> str:
    return "<10" if 0 < n < 10 else f"{n:,.0f}"


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
        assert got.loc[kpi, "value_label"] == label_count(exp[kpi]), kpi
    assert got.loc["share_reintegrated", "value"] == pytest.approx(exp["share_reintegrated"])
    assert got.loc["share_reintegrated", "value_label"] == f"{exp['share_reintegrated']:.0%}"
    assert got.loc["composite_index", "value"] == pytest.approx(exp["composite_index"])
    assert got.loc["median_months", "value"] == pytest.approx(exp["median_months"])
    assert got.loc["share_reintegrated", "n_label"] == label_count(exp["assessed_cases"])


def test_kpi_changes_against_the_previous_period(published, frames):
    got = caseload.kpis(published, DEFAULT).set_index("kpi")
    now, before = expected_kpis(frames, DEFAULT), expected_kpis(frames, DEFAULT.previous())
    assert got.loc["active_cases", "delta"] == now["active_cases"] - before["active_cases"]
    assert (
        got.loc["active_cases", "delta_label"]
        == f"{now['active_cases'] - before['active_cases']:+,.0f}"
    )
    pp = (now["share_reintegrated"] - before["share_reintegrated"]) * 100
    assert got.loc["share_reintegrated", "delta"] == pytest.approx(pp)
    assert got.loc["median_months", "delta"] == pytest.approx(
        now["median_months"] - before["median_months"]
    )


def test_no_change_without_a_full_previous_period(published):
    got = caseload.kpis(published, Selection(q_from=QUARTERS[1], q_to=QUARTERS[4]))
    assert got["delta_label"].isna().all()
    assert got["delta_note"].str.contains("No earlier period").all()


def test_small_selection_is_suppressed_everywhere(published):
    # Thailand: 5 active cases, 4 assessed
    got = caseload.kpis(published, DEFAULT.replace(country="TH")).set_index("kpi")
    assert got.loc["active_cases", "value_label"] == "<10"
    assert got.loc["share_reintegrated", "value_label"] == "<10"
    assert got.loc["median_months", "value_label"] == "<10"
    hidden = got.drop(index="closed_cases")
    assert hidden["delta_label"].isna().all()  # a change would give the hidden value back
    assert hidden["value"].isna().all()
    # no case closed in Thailand in either period: 0 stays 0, and so does its change
    assert got.loc["closed_cases", "value_label"] == "0"
    assert got.loc["closed_cases", "delta_label"] == "+0"


def test_weighted_median():
    assert caseload.weighted_median([1, 2, 3], [1, 1, 1]) == 2
    assert caseload.weighted_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.5
    assert caseload.weighted_median([5, 1], [3, 1]) == 5
    assert np.isnan(caseload.weighted_median([1], [0]))
    rng = np.random.default_rng(1)
    values, weights = rng.integers(0, 60, 30), rng.integers(0, 9, 30)
    assert caseload.weighted_median(values, weights) == np.median(np.repeat(values, weights))


# --- per country ---------------------------------------------------------------------------------


def test_by_country_covers_six_countries_and_protects_the_total(published, frames):
    got = caseload.by_country(published, DEFAULT).set_index("area")
    assert list(got.index) == framework.load().country_codes
    end = frames["mart_caseload"][frames["mart_caseload"]["quarter"] == LAST]
    active = end.groupby("country")["active_cases"].sum()
    assert got.loc["KH", "active_cases_label"] == f"{active['KH']:,}"
    assert got.loc["TH", "active_cases_label"] == "<10"
    assert got.loc["CN", "active_cases_label"] == "0"
    # Thailand hidden: Viet Nam (next smallest) withheld, or Thailand = total - the others
    assert got.loc["VN", "active_cases_label"] == "withheld"


def test_trend_by_country_each_quarter(published, frames):
    got = caseload.trend_by_country(published, DEFAULT)
    cl = frames["mart_caseload"]
    row = got[(got["area"] == "KH") & (got["quarter"] == pd.Timestamp(QUARTERS[-2]))].iloc[0]
    part = cl[(cl["country"] == "KH") & (cl["quarter"] == QUARTERS[-2])]
    assert row["composite_index"] == pytest.approx(
        part["composite_sum"].sum() / part["assessed_cases"].sum()
    )


# --- outcomes -------------------------------------------------------------------------------------


def test_outcomes_by_province(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = outcomes.by_area(published, sel, "province")
    oc = frames["mart_outcomes"]
    part = oc[
        (oc["country"] == "KH") & (oc["quarter"] == LAST) & (oc["dimension"] == "mental_health")
    ]
    sums = part.groupby("province")[["score_sum", "scored_cases", "achieved_cases"]].sum()
    row = got[(got["area"] == "KH-12") & (got["dimension"] == "mental_health")].iloc[0]
    assert row["mean_score"] == pytest.approx(
        sums.loc["KH-12", "score_sum"] / sums.loc["KH-12", "scored_cases"]
    )
    assert row["share_achieved"] == pytest.approx(
        sums.loc["KH-12", "achieved_cases"] / sums.loc["KH-12", "scored_cases"]
    )
    assert row["area_label"] == "Phnom Penh"
    # mental_health (index 2): KH-25 has 0 scored cases there, so Battambang is shown
    kh2 = got[(got["area"] == "KH-2") & (got["dimension"] == "mental_health")].iloc[0]
    assert kh2["scored_cases_label"] == f"{sums.loc['KH-2', 'scored_cases']:,}"
    # housing: KH-25 has 2 scored cases -> "<10", and Battambang is withheld to protect it
    housing = got[got["dimension"] == "housing"].set_index("area")
    assert housing.loc["KH-25", "scored_cases_label"] == "<10"
    assert housing.loc["KH-25", "mean_score_label"] == "<10"
    assert np.isnan(housing.loc["KH-25", "mean_score"])
    assert housing.loc["KH-2", "mean_score_label"] == "withheld"


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
    first = part["first_sum"].sum() / part["paired_cases"].sum()
    latest = part["latest_sum"].sum() / part["paired_cases"].sum()
    assert got.loc["safety", "mean_first"] == pytest.approx(first)
    assert got.loc["safety", "change"] == pytest.approx(latest - first)
    assert got.loc["safety", "change_label"] == f"{latest - first:+.2f}"


def test_outcome_trend_covers_every_quarter_and_dimension(published, frames):
    sel = DEFAULT.replace(country="VN", sex="female")
    got = outcomes.trend(published, sel)
    assert len(got) == 4 * 10
    oc = pick(frames["mart_outcomes"], sel)
    part = oc[(oc["quarter"] == QUARTERS[-3]) & (oc["dimension"] == "economic")]
    row = got[
        (got["quarter"] == pd.Timestamp(QUARTERS[-3])) & (got["dimension"] == "economic")
    ].iloc[0]
    assert row["scored_cases"] == part["scored_cases"].sum()
    assert row["share_achieved"] == pytest.approx(
        part["achieved_cases"].sum() / part["scored_cases"].sum()
    )


# --- data quality -------------------------------------------------------------------------------


def test_submissions_grid_shows_gaps_as_zero(published, frames):
    got = quality.submissions(published, DEFAULT)
    assert len(got) == 4 * 4  # every agency x quarter
    kh02 = got[got["agency"] == "SYN-KH-02"].set_index("quarter")["rows_loaded_label"]
    # skipped quarters (odd index) show 0; submitted ones a small count -> "<10"
    assert kh02.loc[pd.Timestamp(QUARTERS[-1])] == "0"  # index 7: skipped
    assert kh02.loc[pd.Timestamp(QUARTERS[-2])] == "<10"  # index 6: 1 case + 5 assessments
    q = frames["mart_quality"]
    kh01 = q[(q["agency"] == "SYN-KH-01") & (q["quarter"] == LAST)]["rows_loaded"].sum()
    row = got[(got["agency"] == "SYN-KH-01") & (got["quarter"] == pd.Timestamp(LAST))].iloc[0]
    assert row["rows_loaded"] == kh01
    only_cases = quality.submissions(published, DEFAULT, "cases")
    assert only_cases["rows_loaded"].max() < got["rows_loaded"].max()
    with pytest.raises(ValueError):
        quality.submissions(published, DEFAULT, "meta")


def test_loads_log_newest_first(published):
    log = quality.loads(published)
    assert log["load_id"].tolist() == [3, 2, 1]
    assert quality.last_load(log) == "Jul 1, 2025, 7:30\u202fAM"  # CLDR's English
    assert log["rows_quarantined_label"].tolist() == ["0", "3", "2"]


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
    assert got.loc["medical", "provided_cases"] == end["provided_cases"].sum()
    assert got.loc["medical", "coverage"] == pytest.approx(
        end["in_need_provided"].sum() / end["in_need_cases"].sum()
    )
    received = end["received_change_sum"].sum() / end["received_paired"].sum()
    other = end["other_change_sum"].sum() / end["other_paired"].sum()
    assert got.loc["medical", "change_gap"] == pytest.approx(received - other)
    assert got.loc["medical", "cost_usd"] == pytest.approx(period["cost_usd"].sum())
    assert got.loc["medical", "cost_usd_label"] == f"US${period['cost_usd'].sum():,.0f}"


def test_barriers_for_one_area_list_every_barrier(published, frames):
    got = services.barriers(published, DEFAULT, "housing")
    codes = [b["code"] for b in framework.load().barriers if b["service_area"] == "housing"]
    assert sorted(got["barrier_code"]) == sorted(codes)
    br = frames["mart_barriers"]
    hou = br[(br["barrier_code"] == "HOU-01") & (br["quarter"] >= DEFAULT.q_from)]
    assert got.iloc[0]["barrier_code"] == "HOU-01"
    assert got.iloc[0]["reports"] == hou["reports"].sum()
    thai = services.barriers(published, DEFAULT.replace(country="TH"), "housing")
    assert thai.iloc[0]["reports_label"] == f"{4 * (2 + 6)}"  # TH is cell 7: 8 reports a quarter
    with pytest.raises(ValueError):
        services.barriers(published, DEFAULT, "nonsense")


def _km_expected(hist: pd.DataFrame) -> pd.Series:
    """Kaplan-Meier written independently: S(t) = prod_{t_i <= t} (1 - d_i / n_i)."""
    hist = hist.groupby("months")[["reached", "censored"]].sum().sort_index()
    leaving = (hist["reached"] + hist["censored"]).to_numpy()
    n_at = leaving[::-1].cumsum()[::-1]
    survival = np.cumprod(1 - hist["reached"].to_numpy() / n_at)
    return pd.Series(1 - survival, index=hist.index)


def test_time_to_reintegration_is_kaplan_meier(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = casemgmt.time_to_reintegration(published, sel).set_index("months")
    expected = _km_expected(pick(frames["mart_survival"], sel))
    shown = got["reintegrated_by"].dropna()
    assert len(shown) > 3
    for month, value in shown.items():
        assert value == pytest.approx(expected.loc[month])
    median = casemgmt.median_time(published, sel).iloc[0]
    assert median["median_months"] == expected[expected >= 0.5].index[0]


def test_time_to_reintegration_hides_small_risk_sets(published):
    # Thailand: one cohort of 20 cases; from month 18 fewer than 10 are still followed
    got = casemgmt.time_to_reintegration(published, DEFAULT.replace(country="TH")).set_index(
        "months"
    )
    assert got.loc[15, "at_risk"] == 10 and got.loc[15, "reintegrated_by_label"] != "<10"
    for month in (18, 21, 24):
        assert got.loc[month, "at_risk_label"] == "<10"
        assert got.loc[month, "reintegrated_by_label"] == "<10"
        assert np.isnan(got.loc[month, "reintegrated_by"])


def test_duration_bands_add_up_to_active_cases(published, frames):
    sel = DEFAULT.replace(country="KH", provinces=("KH-12",))
    got = casemgmt.by_duration(published, sel).set_index("duration_band")
    cl = pick(frames["mart_caseload"], sel)
    end = cl[cl["quarter"] == LAST].groupby("duration_band")["active_cases"].sum()
    for band, n in end.items():
        assert got.loc[band, "active_cases"] == n
    assert got.loc["m36_plus", "active_cases_label"] == "0"


def test_budget_by_service_and_totals(published, frames):
    sel = DEFAULT.replace(country="KH")
    got = budget.by_service(published, sel).set_index("service_area")
    bd = frames["mart_budget"]
    years = bd[(bd["year"] >= 2024) & (bd["year"] <= 2025) & (bd["country"] == "KH")]
    housing = years[years["service_area"] == "housing"]
    assert got.loc["housing", "budgeted_usd"] == pytest.approx(housing["budgeted_usd"].sum())
    sc = frames["mart_service_costs"]
    costs = sc[(sc["year"] >= 2024) & (sc["country"] == "KH") & (sc["service_area"] == "medical")]
    assert got.loc["medical", "cost_per_case"] == pytest.approx(
        costs["cost_usd"].sum() / costs["served_cases"].sum()
    )
    # a chosen province leaves the national lines out
    kh12 = budget.by_service(published, sel.replace(provinces=("KH-12",))).set_index("service_area")
    only = years[(years["province"] == "KH-12") & (years["service_area"] == "housing")]
    assert kh12.loc["housing", "budgeted_usd"] == pytest.approx(only["budgeted_usd"].sum())
    # Tboung Khmum: 3 cases served a year -> cost per case hidden, money shown
    small = budget.by_service(published, sel.replace(provinces=("KH-25",))).set_index(
        "service_area"
    )
    assert small.loc["housing", "cost_per_case_label"] == "<10"
    total = budget.totals(published, sel).iloc[0]
    ct = frames["mart_case_totals"]
    served = ct[(ct["year"] >= 2024) & (ct["country"] == "KH")]["served_cases"].sum()
    assert total["served_cases"] == served


def test_budget_share_of_a_hidden_reintegrated_count_is_hidden():
    """410 cases served, 3 reintegrated: "0%" (or 0.7%) beside 410 would give the 3 back."""

    class OneRow:
        def query(self, sql, params=None):
            return pd.DataFrame(
                {
                    "served_cases": [410],
                    "reintegrated_cases": [3],
                    "share_reintegrated": [3 / 410],
                    "cost_usd": [287_206.0],
                    "cost_per_case": [287_206.0 / 410],
                    "cost_per_reintegrated": [287_206.0 / 3],
                }
            )

    row = budget.totals(OneRow(), Selection(q_from=QUARTERS[0], q_to=QUARTERS[-1])).iloc[0]
    assert row["served_cases_label"] == "410" and row["reintegrated_cases_label"] == "<10"
    assert row["share_reintegrated_label"] == "<10" and pd.isna(row["share_reintegrated"])
    assert row["cost_per_reintegrated_label"] == "<10"
