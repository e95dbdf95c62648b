"""The pages on the real pipeline's published database (tests/conftest.py `pipeline`:
sample -> load -> publish): every figure added for case management, budgets, service areas,
outcomes by province, the overview, data quality and methodology is compared with the same
figure computed here independently, with pandas, from the published marts."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, i18n
from dashboard.queries.selection import add_quarters, quarter_code
from reference import framework
from tests.dashboard import expected as ex
from tests.dashboard.test_pages import APP, assert_clean, table_with

K = 10
MARTS = (
    "mart_caseload",
    "mart_outcomes",
    "mart_services",
    "mart_budget",
    "mart_service_costs",
    "mart_case_totals",
    "loads",
    "meta",
)


@pytest.fixture(scope="module")
def marts(pipeline) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(pipeline.published), read_only=True)
    try:
        frames = {name: con.execute(f"SELECT * FROM {name}").df() for name in MARTS}
    finally:
        con.close()
    for frame in frames.values():
        if "quarter" in frame.columns:
            frame["quarter"] = pd.to_datetime(frame["quarter"]).dt.date
    return frames


@pytest.fixture(scope="module", autouse=True)
def _real_database(pipeline):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GMS_WAREHOUSE_DIR", str(pipeline.warehouse_dir))
        yield


@pytest.fixture(scope="module")
def period(marts) -> tuple[dt.date, dt.date]:
    """The default period: four quarters ending with the last one with any activity."""
    cl = marts["mart_caseload"]
    active = cl[(cl["new_cases"] > 0) | (cl["closed_cases"] > 0) | (cl["assessments"] > 0)]
    last = max(active["quarter"])
    return add_quarters(last, -3), last


def start(page: str, period, **link) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["from"], at.query_params["to"] = (quarter_code(q) for q in period)
    for key, value in link.items():
        at.query_params[key] = value
    at.switch_page(f"../pages/{page}.py")
    at.run()
    assert_clean(at)
    return at


@pytest.fixture(scope="module")
def opened(period):
    """A page opened once per module (per worker) for the tests that only read it."""
    cache: dict[str, AppTest] = {}

    def get(page: str) -> AppTest:
        if page not in cache:
            cache[page] = start(page, period)
        return cache[page]

    return get


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def array(value) -> list:
    """A figure array as a list (plotly sends numeric arrays as base64 'bdata')."""
    if isinstance(value, dict) and "bdata" in value:
        raw = base64.b64decode(value["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).tolist()
    return list(value)


# --- expected labels, as protection makes them (tests/dashboard/expected.py) -------------------


def count(n: float, key: float) -> str:
    return ex.count_label(int(n), int(key))


def text(value: float, n: float, fmt: str) -> str:
    """A figure over n cases: hidden under k, no data over none."""
    if 0 < n < K:
        return "<10"
    if n == 0 or pd.isna(value):
        return "–"
    return fmt.format(value)


def share(num, num_key, den, den_key, fmt: str = "{:.0%}") -> str:
    if 0 < num < K:
        return "<10" if den else "–"
    value = ex.share(int(num), int(num_key), int(den), int(den_key)) if den >= K else float("nan")
    return text(value, den, fmt)


def mean(total, n, key, unit: float, fmt: str) -> str:
    value = ex.mean(float(total), int(n), int(key), unit) if n >= K else float("nan")
    return text(value, n, fmt)


def in_period(df: pd.DataFrame, period, **cells) -> pd.DataFrame:
    part = df[(df["quarter"] >= period[0]) & (df["quarter"] <= period[1])]
    for column, value in cells.items():
        part = part[part[column] == value]
    return part


def labels(kind: str) -> dict[str, str]:
    fw = framework.load()
    if kind == "band":
        return {b["key"]: b["label"] for b in fw.duration_bands}
    if kind == "outcome":
        return {o["key"]: o["label"] for o in fw.outcomes}
    if kind == "service":
        return {s["key"]: s["label"] for s in fw.service_areas}
    raise KeyError(kind)


# --- case management -----------------------------------------------------------------------------


def _band_grid(marts, period, country=None) -> pd.DataFrame:
    oc = in_period(marts["mart_outcomes"], (period[1], period[1]))
    if country:
        oc = oc[oc["country"] == country]
    return oc.groupby(["dimension", "duration_band"])[
        ["scored_cases", "scored_cases_key", "score_sum", "achieved_cases", "achieved_cases_key"]
    ].sum()


def test_outcomes_by_time_in_case_management(marts, period):
    at = start("case_management", period)
    shown = table_with(at, "Mean score (1-4)").set_index(["Outcome", "Band"])
    grid = _band_grid(marts, period)
    outcome, band = labels("outcome"), labels("band")
    assert len(shown) == len(outcome) * len(band)
    largest = grid.groupby("duration_band")["scored_cases"].max()  # each band a group
    for (dim, b), row in grid.iterrows():
        cell = shown.loc[(outcome[dim], band[b])]
        n, key = row["scored_cases"], row["scored_cases_key"]
        if 0 < largest[b] < K:
            assert cell["Mean score (1-4)"] == cell["Cases behind the figure"] == "<10"
            continue
        assert cell["Mean score (1-4)"] == mean(row["score_sum"], n, key, 1.0, "{:.2f}"), (dim, b)
        assert cell["Cases behind the figure"] == count(n, key)
    at.radio(key="p_measure").set_value("share_achieved").run()
    shown = table_with(at, "Share achieved").set_index(["Outcome", "Band"])
    dim, b = grid["scored_cases"].idxmax()
    row = grid.loc[(dim, b)]
    expected = share(
        row["achieved_cases"],
        row["achieved_cases_key"],
        row["scored_cases"],
        row["scored_cases_key"],
    )
    assert shown.loc[(outcome[dim], band[b]), "Share achieved"] == expected


def test_outcomes_by_band_suppress_small_cells(marts, period):
    """A country with a band x outcome cell of 1 to 9 cases shows it as "<10"."""
    for country in ("TH", "CN", "LA", "KH", "VN", "MM"):
        grid = _band_grid(marts, period, country)
        small = grid[(grid["scored_cases"] > 0) & (grid["scored_cases"] < K)]
        if len(small):
            break
    else:
        pytest.skip("no band x outcome cell under 10 cases in this sample")
    at = start("case_management", period, country=country)
    shown = table_with(at, "Mean score (1-4)").set_index(["Outcome", "Band"])
    outcome, band = labels("outcome"), labels("band")
    for dim, b in small.index:
        assert shown.loc[(outcome[dim], band[b]), "Mean score (1-4)"] == "<10"
        assert shown.loc[(outcome[dim], band[b]), "Cases behind the figure"] == "<10"
    heatmap = next(f for f in figures(at) if f["data"][0]["type"] == "heatmap")
    assert "<10" in json.dumps(heatmap["data"][0]["text"])


def test_follow_up_intensity_by_band_and_quarter(marts, period, opened):
    at = opened("case_management")
    cl = in_period(marts["mart_caseload"], period)
    columns = ["assessments", "assessments_key", "active_cases", "active_cases_key"]
    per_quarter = cl.groupby(["duration_band", "quarter"])[columns].sum().reset_index()
    shown = table_with(at, "Case-years of case management").set_index("Band")
    for band, part in per_quarter.groupby("duration_band"):
        most = part.loc[part["active_cases"].idxmax()]
        a = ex.noisy(part["assessments"].sum(), part["assessments_key"].sum())
        cq = ex.noisy(part["active_cases"].sum(), part["active_cases_key"].sum())
        cell = shown.loc[labels("band")[band]]
        hidden = 0 < most["active_cases"] < K
        assert cell["Assessments per case-year"] == ("<10" if hidden else f"{4 * a / cq:.1f}")
        assert cell["Assessments in the period"] == count(
            part["assessments"].sum(), part["assessments_key"].sum()
        )
        assert cell["Case-years of case management"] == (
            "<10" if hidden else f"{round(cq / 4):,.0f}"
        )
        assert cell["Active cases (most in one quarter)"] == count(
            most["active_cases"], most["active_cases_key"]
        )
    trend = table_with(at, "Quarter").set_index("Quarter")
    by_quarter = cl.groupby("quarter")[columns].sum()
    for quarter, row in by_quarter.iterrows():
        label = f"Q{(quarter.month - 1) // 3 + 1} {quarter.year}"  # CLDR's English
        n = row["active_cases"]
        rate = (
            4
            * ex.noisy(row["assessments"], row["assessments_key"])
            / ex.noisy(n, row["active_cases_key"])
            if n
            else float("nan")
        )
        assert trend.loc[label, "Assessments per case-year"] == text(rate, n, "{:.1f}")


def test_setbacks_per_outcome(marts, period, opened):
    at = opened("case_management")
    oc = in_period(marts["mart_outcomes"], period)
    columns = ["scores_with_previous", "scores_with_previous_key", "setbacks", "setbacks_key"]
    sums = oc.groupby("dimension")[columns].sum()
    shown = table_with(at, "Share of scores that fell").set_index("Outcome")
    for dim, row in sums.iterrows():
        cell = shown.loc[labels("outcome")[dim]]
        n, key = row["scores_with_previous"], row["scores_with_previous_key"]
        assert cell["Share of scores that fell"] == share(
            row["setbacks"], row["setbacks_key"], n, key
        )
        assert cell["Scores lower than the previous one"] == count(
            row["setbacks"], row["setbacks_key"]
        )
        assert cell["Scores compared with an earlier one"] == count(n, key)


def test_share_reintegrated_bars_label_every_shown_value(marts, period, opened):
    """Every shown share carries its label in dark text past its bar, 0% included; hidden
    ones draw no bar and are written in grey italics by a separate trace."""
    at = opened("case_management")
    fig = next(
        f
        for f in figures(at)
        if f["data"][0]["type"] == "bar"
        and f["layout"]["xaxis"]["title"]["text"] == "Share reintegrated"
    )
    bars = fig["data"][0]
    assert bars["textposition"] == "outside" and bars["textfont"]["color"] == charts.VALUE_TEXT
    texts = dict(zip(array(bars["y"]), array(bars["text"]), strict=True))
    end = in_period(marts["mart_caseload"], (period[1], period[1]))
    columns = [
        "reintegrated_cases",
        "reintegrated_cases_key",
        "assessed_cases",
        "assessed_cases_key",
        "active_cases",
    ]
    sums = end.groupby("duration_band")[columns].sum()
    table = table_with(at, "Share reintegrated").set_index("Band")
    for key, row in sums.iterrows():
        band = labels("band")[key]
        if 0 < row["active_cases"] < K:  # a band of fewer than 10: every figure hidden
            expected = "<10"
        else:
            expected = share(
                row["reintegrated_cases"],
                row["reintegrated_cases_key"],
                row["assessed_cases"],
                row["assessed_cases_key"],
            )
        assert table.loc[band, "Share reintegrated"] == expected, band
        shown = table.loc[band, "Share reintegrated"]
        assert texts[band] == ("" if shown in ("<10", "–") else shown)
    hidden = [tr for tr in fig["data"][1:] if tr.get("meta", {}).get("hidden_labels")]
    for trace in hidden:
        assert trace["textfont"]["style"] == "italic"


# --- budget --------------------------------------------------------------------------------------


def _years(period) -> tuple[int, int]:
    return period[0].year, period[1].year


def test_budget_cost_per_case_reintegrated(marts, period, opened):
    at = opened("budget")
    y0, y1 = _years(period)
    costs = marts["mart_service_costs"]
    costs = costs[costs["year"].between(y0, y1)]
    totals = marts["mart_case_totals"]
    totals = totals[totals["year"].between(y0, y1)]
    reintegrated = totals["reintegrated_cases"].sum()
    reintegrated_key = totals["reintegrated_cases_key"].sum()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Cases served and reintegrated"] == count(reintegrated, reintegrated_key)
    cost = ex.noisy_sum(
        costs["cost_usd"].sum(), totals["costed_cases"].sum(), totals["costed_cases_key"].sum(), 0.0
    )
    per_case = cost / ex.noisy(reintegrated, reintegrated_key)
    assert shown["Cost per case reintegrated"] == text(per_case, reintegrated, "US${:,.0f}")
    columns = [
        "cost_usd",
        "costed_cases",
        "costed_cases_key",
        "reintegrated_cases",
        "reintegrated_cases_key",
    ]
    per_area = costs.groupby("service_area")[columns].sum()
    table = table_with(at, "Cost per case reintegrated (USD)").set_index("Service area")
    for area, row in per_area.iterrows():
        cell = table.loc[labels("service")[area]]
        n, key = row["reintegrated_cases"], row["reintegrated_cases_key"]
        assert cell["Cases served and reintegrated"] == count(n, key)
        cost = ex.noisy_sum(row["cost_usd"], row["costed_cases"], row["costed_cases_key"], 0.0)
        per_case = cost / ex.noisy(n, key) if n and row["costed_cases"] >= K else float("nan")
        assert cell["Cost per case reintegrated (USD)"] == text(per_case, n, "US${:,.0f}")
    assert (table["Cost per case reintegrated (USD)"] == "<10").any() or (
        per_area["reintegrated_cases"] >= K
    ).all()


def test_budget_by_country_province_and_year(marts, period):
    y0, y1 = _years(period)
    budget = marts["mart_budget"]
    budget = budget[budget["year"].between(y0, y1)]
    at = start("budget", period)
    shown = table_with(at, "Country").set_index("Country")
    for code, row in budget.groupby("country")[["budgeted_usd", "spent_usd"]].sum().iterrows():
        name = next(c["name"] for c in framework.load().countries if c["code"] == code)
        assert shown.loc[name, "Budgeted"] == f"US${row['budgeted_usd']:,.0f}"
        assert shown.loc[name, "Spent"] == f"US${row['spent_usd']:,.0f}"
    at.radio(key="p_budget_by").set_value("year").run()
    shown = table_with(at, "Year").set_index("Year")
    for year, row in budget.groupby("year")[["budgeted_usd", "spent_usd"]].sum().iterrows():
        assert shown.loc[str(year), "Spent"] == f"US${row['spent_usd']:,.0f}"
        assert shown.loc[str(year), "Share of the budget spent"] == (
            f"{row['spent_usd'] / row['budgeted_usd']:.0%}"
        )
    at.radio(key="p_budget_by").set_value("province").run()
    assert any("Choose a country" in i.value for i in at.info)  # no country: no provinces
    at.selectbox(key="f_country").set_value("KH").run()
    assert_clean(at)
    shown = table_with(at, "Province").set_index("Province")
    kh = budget[budget["country"] == "KH"]
    national = kh[kh["province"] == ""]
    assert shown.index[0] == "Cambodia: national lines"
    assert shown.loc["Cambodia: national lines", "Budgeted"] == (
        f"US${national['budgeted_usd'].sum():,.0f}"
    )
    provinces = kh[kh["province"] != ""].groupby("province")["spent_usd"].sum()
    assert len(shown) == len(provinces) + 1


def test_spending_against_outcome_change(marts, period):
    """One point per service area judged on a 1-4 score: x = cost per case served, y = mean
    change first -> latest; points over fewer than 10 cases are left out and named."""
    y0, y1 = _years(period)
    costs = marts["mart_service_costs"]
    costs = costs[costs["year"].between(y0, y1)]
    scored = [s["key"] for s in framework.load().service_areas if s.get("primary_outcome")]
    columns = [
        "cost_usd",
        "costed_cases",
        "costed_cases_key",
        "served_cases",
        "served_cases_key",
        "paired_cases",
        "paired_cases_key",
        "change_sum",
    ]
    for country in ("TH", "CN", "LA", None):  # a selection where some point is hidden
        part = costs if country is None else costs[costs["country"] == country]
        sums = part.groupby("service_area")[columns].sum().reindex(scored, fill_value=0)
        # counted per year: hidden also when no one year has k cases (the people behind
        # case-years may be fewer than k)
        people = part.groupby(["service_area", "year"])[columns].sum().groupby("service_area")
        most = people.max().reindex(scored, fill_value=0)
        hidden = sums[
            (sums["served_cases"] < K)
            | (sums["paired_cases"] < K)
            | (sums["costed_cases"] < K)
            | (most["served_cases"] < K)
            | (most["paired_cases"] < K)
            | (most["costed_cases"] < K)
        ].index
        if 0 < len(hidden) < len(scored):
            break
    at = start("budget", period, **({"country": country} if country else {}))
    fig = next(f for f in figures(at) if f["data"][0].get("mode") == "markers+text")
    points = fig["data"][0]
    xy = zip(array(points["x"]), array(points["y"]), strict=True)
    shown = dict(zip(points["text"], xy, strict=True))
    assert "Case management" not in shown
    for area, row in sums.iterrows():
        name = i18n.label("service_area", area, "short")
        if area in hidden:
            assert name not in shown
            continue
        x, y = shown[name]
        cost = ex.noisy_sum(row["cost_usd"], row["costed_cases"], row["costed_cases_key"], 0.0)
        assert x == round(cost / ex.noisy(row["served_cases"], row["served_cases_key"]))
        change = ex.mean(row["change_sum"], row["paired_cases"], row["paired_cases_key"], 1.0)
        assert y == round(change, 2)
    notes = " ".join(c.value for c in at.caption)
    assert "Case management is left out" in notes
    for area in hidden:
        assert labels("service")[area] in notes


# --- service areas, outcomes by province, overview, comparison ---------------------------------


def test_case_management_change_on_its_own_axis(marts, period, opened):
    at = opened("service_areas")
    sv = in_period(marts["mart_services"], (period[1], period[1]))
    cm = sv[sv["service_area"] == "case_management"]
    change = ex.mean(
        cm["received_change_sum"].sum(),
        cm["received_paired"].sum(),
        cm["received_paired_key"].sum(),
        1.0,
    )
    table = table_with(at, "Received the service").set_index("Service area")
    assert table.loc["Case management", "Received the service"] == f"{change:+.1f}"
    assert table.loc["Case management", "Outcome it supports"] == "Composite index"
    fig = next(f for f in figures(at) if "xaxis2" in f["layout"])
    assert "composite index" in fig["layout"]["xaxis2"]["title"]["text"]
    assert "1-4" in fig["layout"]["xaxis"]["title"]["text"]
    in_second = [tr for tr in fig["data"] if tr.get("xaxis") == "x2"]
    assert in_second and all(set(tr["y"]) == {"Case management"} for tr in in_second)
    barriers = next(
        f for f in figures(at) if f["layout"]["xaxis"]["title"]["text"].startswith("Times")
    )
    assert barriers["data"][0]["textangle"] == 0


def test_province_notes_order_and_colours(marts, period):
    at = start("outcomes_by_province", period, country="KH")
    end = in_period(marts["mart_outcomes"], (period[1], period[1]))
    kh = set(end.loc[end["country"] == "KH", "province"])
    notes = " ".join(c.value for c in at.caption)
    if "KH-25" in kh:
        assert "No boundary is available to draw Tboung Khmum:" in notes
    assert "province not recorded" not in notes.split("Cases whose")[0]
    if "KH-UNK" in kh:
        assert "Cases whose province was not recorded appear in the table only." in notes
        ranked = table_with(at, "Rank")
        assert ranked["Province"].iloc[-1] == "Cambodia: province not recorded"
        assert ranked["Rank"].iloc[-1] == ""
        grid = table_with(at, "Outcome")
        assert grid["Province"].iloc[-1] == "Cambodia: province not recorded"
    map_fig, heat = (
        figures(at)[0],
        next(f for f in figures(at) if f["data"][0]["type"] == "heatmap"),
    )
    if "KH-UNK" in kh:
        assert heat["data"][0]["y"][-1] == "Cambodia: province not recorded"
    # the same classes: the map's legend ranges are the heatmap's colour-bar edges
    legend = [tr["name"] for tr in map_fig["data"] if tr.get("meta", {}).get("legend")]
    edges = heat["data"][0]["colorbar"]["ticktext"]
    ranges = [f"{a} – {b}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    assert legend[: len(ranges)] == ranges
    hover = next(tr for tr in map_fig["data"] if tr.get("meta", {}).get("hover_points"))
    assert hover["marker"]["color"] == "rgba(0,0,0,0)" and hover["hoverinfo"] == "text"
    options = at.selectbox(key="p_dimension").options
    assert "Place to live" in options and len(max(options, key=len)) < 30


def test_overview_zero_change_has_no_arrow(period, opened):
    at = opened("overview")
    for metric in at.metric:
        delta = metric.proto.delta
        if not delta:
            continue
        zero = not re.search(r"[1-9]", delta)
        assert (metric.proto.direction == metric.proto.MetricDirection.NONE) == zero, delta


def test_country_trend_axis_fitted_to_the_data(marts, period, opened):
    at = opened("country_comparison")
    fig = next(
        f
        for f in figures(at)
        if f["layout"].get("yaxis", {}).get("title", {}).get("text") == "Composite index"
    )
    values = [
        v
        for tr in fig["data"]
        if tr.get("mode") == "lines+markers"
        for v in array(tr["y"])
        if v is not None and np.isfinite(v)
    ]
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert lo <= min(values) and hi >= max(values)
    assert (lo, hi) != (0, 100) and hi - lo < 60


# --- data quality, methodology, the default page's own link ------------------------------------


def test_loads_log_lists_agencies_and_says_the_time_zone(marts, period, opened):
    at = opened("data_quality")
    log = table_with(at, "SHA-256")
    assert "Loaded at (server time)" in log.columns
    expected = {
        ", ".join(a for a in str(v).split(",") if a) for v in marts["loads"]["agencies"] if v
    }
    assert set(log["Agencies"]) - {""} == expected
    assert all(len(s) == 64 for s in log["SHA-256"])
    shown = {m.label: m.value for m in at.metric}
    published = pd.Timestamp(marts["meta"].set_index("key").loc["published_at", "value"])
    utc = published.tz_convert("UTC")  # CLDR's English: "Jun 30, 2025, 2:05 PM"
    assert shown["Published"] == f"{utc:%b} {utc.day}, {utc.year}, {utc:%-I:%M}\u202f{utc:%p} UTC"
    assert "Last load (server time)" in shown


def test_methodology_has_no_filters_and_they_survive_it(period):
    at = start("overview", period)
    at.selectbox(key="f_country").set_value("VN").run()
    at.switch_page("../pages/methodology.py").run()
    assert_clean(at)
    assert not [s for s in at.sidebar.selectbox if s.key == "f_country"]
    text = " ".join(m.value for m in at.markdown)
    assert "Monitoring frameworks often speak of nine dimensions" in text
    assert "brief" not in text
    assert all("#" not in col for table in at.table for col in table.value.columns)
    at.switch_page("../pages/overview.py").run()  # the alias of "/", which switches there
    assert_clean(at)
    assert at.selectbox(key="f_country").value == "VN"
    assert at.title[0].value == "Overview"
