"""Property-based tests of disclosure control (hypothesis), on the real pipeline's published
file (tests/conftest.py `pipeline`: 3,000 synthetic cases over 203 provinces, so most
province cells are small): random selections (country, province subsets, quarter ranges,
sex, child/adult, form) and roles (a country or all; the data team or not), over every
query a page or a download reads.

- no shown or downloaded count is between 1 and k-1, and no mean, share, rate or sum is
  shown over fewer than k cases;
- the same cases show the same value by every route (filter order, a country-limited view
  or a country filter, a page's table and its download);
- an automated differencing attack (overlapping selections, a total minus its shown
  parts) never agrees, by every route, on one exact hidden value.
"""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import db, tables
from dashboard.protect import MARK
from dashboard.queries import budget, caseload, casemgmt, meta, outcomes, quality, services
from dashboard.queries.selection import AGE_GROUPS, Selection
from reference import framework

K = 10
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def published(pipeline):
    pub = db.Published(pipeline.published)
    yield pub
    pub.close()


@pytest.fixture(scope="module")
def options(published):
    return meta.options(published)


def selections(draw, opts) -> Selection:
    quarters = list(opts.quarters)
    first = draw(st.integers(0, len(quarters) - 1))
    last = draw(st.integers(first, min(first + 7, len(quarters) - 1)))
    country = draw(st.sampled_from([None, *opts.countries]))
    provinces: tuple[str, ...] = ()
    if country:
        choices = list(opts.provinces_of(country))
        provinces = tuple(draw(st.lists(st.sampled_from(choices), max_size=4, unique=True)))
    fw = framework.load()
    return Selection(
        q_from=quarters[first],
        q_to=quarters[last],
        country=country,
        provinces=provinces,
        sex=draw(st.sampled_from([None, *(s["key"] for s in fw.code_list("sexes"))])),
        age_group=draw(st.sampled_from([None, *AGE_GROUPS])),
        form=draw(
            st.sampled_from([None, None, *(f["key"] for f in fw.code_list("forms_of_trafficking"))])
        ),
    )


def frames_of(view, sel: Selection) -> dict[str, pd.DataFrame]:
    """Every protected frame the pages and downloads read for this selection."""
    out = {
        "kpis": caseload.kpis(view, sel),
        "by_country": caseload.by_country(view, sel),
        "trend_by_country": caseload.trend_by_country(view, sel),
        "outcome_trend": outcomes.trend(view, sel),
        "by_country_outcomes": outcomes.by_area(view, sel, "country"),
        "change": outcomes.change(view, sel),
        "by_duration": casemgmt.by_duration(view, sel),
        "outcomes_by_band": casemgmt.outcomes_by_band(view, sel),
        "followup_by_band": casemgmt.followup_by_band(view, sel),
        "followup_trend": casemgmt.followup_trend(view, sel),
        "setbacks": casemgmt.setbacks(view, sel),
        "survival": casemgmt.time_to_reintegration(view, sel),
        "median": casemgmt.median_time(view, sel),
        "services": services.by_area(view, sel),
        "barriers": services.barriers(view, sel, top=10),
        "budget_by_service": budget.by_service(view, sel),
        "budget_totals": budget.totals(view, sel),
        "submissions": quality.submissions(view, sel),
    }
    if sel.country:
        out["by_province_outcomes"] = outcomes.by_area(view, sel, "province")
    return out


def check_frame(name: str, frame: pd.DataFrame) -> None:
    info = frame.attrs.get(MARK)
    assert info, name
    if name == "kpis":  # one row per figure: its value and the cases behind it
        figures = frame.set_index("kpi")
        for kpi in caseload.COUNT_KPIS:
            assert_count_label(figures.loc[kpi, "value_label"], (name, kpi))
        for kpi in caseload.MEAN_KPIS:
            if figures.loc[kpi, "value_label"] not in ("<10", "–"):
                assert int(figures.loc[kpi, "n_label"].replace(",", "")) >= K, (name, kpi)
        return
    for count in info["counts"]:
        values = frame[count].dropna()
        assert ((values == 0) | (values >= K)).all(), (name, count)
        for label in frame[f"{count}_label"]:
            assert_count_label(label, (name, count))
    for figure, over in info["over"].items():
        shown = frame[figure].notna()
        assert (frame.loc[shown, over] >= K).all(), (name, figure, over)


def assert_count_label(label: str, where) -> None:
    if label in ("<10", "–"):
        return
    value = int(label.replace(",", ""))
    assert value == 0 or value >= K, (where, label)


@SETTINGS
@given(data=st.data())
def test_no_small_count_and_no_figure_over_fewer_than_k(published, options, data):
    sel = selections(data.draw, options)
    country = data.draw(st.sampled_from([None, *options.countries]))
    view = db.Scoped(published, (country,) if country else None)
    for name, frame in frames_of(view, sel).items():
        check_frame(name, frame)
        if name == "kpis":
            continue
        # the download carries exactly the labels, nothing more
        columns = [(c, c) for c in frame.attrs[MARK]["columns"]]
        view_table = tables.view(frame, columns)
        back = pd.read_csv(io.BytesIO(tables.to_csv(view_table)), dtype=str, keep_default_na=False)
        assert back.to_dict("list") == view_table.to_dict("list"), name


@SETTINGS
@given(data=st.data())
def test_the_same_cases_show_the_same_value_by_every_route(published, options, data):
    sel = selections(data.draw, options)
    figures = caseload.kpis(published, sel).set_index("kpi")["value_label"]
    # the provinces in another order
    if len(sel.provinces) > 1:
        turned = sel.replace(provinces=tuple(reversed(sel.provinces)))
        assert caseload.kpis(published, turned).set_index("kpi")["value_label"].equals(figures)
    # a user limited to the country sees what the country filter shows
    if sel.country:
        cut = db.Scoped(published, (sel.country,))
        assert (
            caseload.kpis(cut, sel.replace(country=None))
            .set_index("kpi")["value_label"]
            .equals(caseload.kpis(cut, sel).set_index("kpi")["value_label"])
        )
        assert caseload.kpis(cut, sel).set_index("kpi")["value_label"].equals(figures)
        # the Overview with the country chosen and the Country comparison's row agree
        if not sel.provinces:
            row = caseload.by_country(published, sel).set_index("area").loc[sel.country]
            assert row["active_cases_label"] == figures["active_cases"]
            assert row["new_cases_label"] == figures["new_cases"]


def _truth(published, province: str, quarter) -> int:
    with duckdb.connect(str(published.path), read_only=True) as con:
        return con.execute(
            "SELECT coalesce(sum(active_cases), 0) FROM mart_caseload WHERE province = $p AND quarter = $q",
            {"p": province, "q": quarter},
        ).fetchone()[0]


@SETTINGS
@given(data=st.data())
def test_differencing_never_agrees_on_a_hidden_count(published, options, data):
    """For a province with 1 to 9 active cases, every route an attacker has (A + p minus
    A, for several A; the country minus its other provinces) is tried: they must not all
    give the exact count."""
    quarter = options.quarters[-1 - data.draw(st.integers(0, 3))]
    country = data.draw(st.sampled_from(list(options.countries)))
    provinces = list(options.provinces_of(country))
    hidden = [p for p in provinces if 0 < _truth(published, p, quarter) < K]
    if not hidden:
        return
    target = data.draw(st.sampled_from(hidden))
    truth = _truth(published, target, quarter)
    others = [p for p in provinces if p != target]
    base = Selection(q_from=quarter, q_to=quarter, country=country)

    def active(chosen: tuple[str, ...]) -> float:
        row = (
            caseload.kpis(published, base.replace(provinces=chosen))
            .set_index("kpi")
            .loc["active_cases"]
        )
        return float("nan") if row["value_label"] == "<10" else float(row["value"] or 0)

    estimates = []
    for _ in range(8):
        chosen = tuple(
            data.draw(st.lists(st.sampled_from(others), min_size=2, max_size=8, unique=True))
        )
        with_target, without = active((*chosen, target)), active(chosen)
        if pd.notna(with_target) and pd.notna(without):
            estimates.append(with_target - without)
    whole, rest = active(()), active(tuple(others))
    if pd.notna(whole) and pd.notna(rest):
        estimates.append(whole - rest)
    # each route is off by its own noise (one in four is exact by chance): over five or more
    # routes they must not all give the hidden count
    if len(estimates) >= 5:
        assert set(estimates) != {truth}, (target, truth, estimates)
