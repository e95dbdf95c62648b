"""dashboard/protect.py: the one function every figure passes, and the tables built from it.
Expected values come from tests/dashboard/expected.py, written apart from the code."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import pytest

from dashboard import config, protect, tables
from dashboard.protect import (
    Amount,
    Count,
    Derived,
    ProtectionError,
    Ratio,
    Records,
    Statistic,
    Sum,
)
from tests.dashboard import expected as ex

M = ex.MODULUS


def run(df: pd.DataFrame, rules: dict, **options) -> pd.DataFrame:
    return protect.protect(df, rules, modulus=M, **options)


def counts(*pairs: tuple[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"n": [n for n, _ in pairs], "n_key": [key for _, key in pairs]})


def test_k_comes_from_the_config_file():
    with open(config.CONFIG_FILE, encoding="utf-8") as fh:
        assert "k: 10" in fh.read()
    assert protect.k_value() == 10


def test_counts_are_perturbed_one_to_nine_hidden_zero_stays_zero():
    pairs = [(0, 0), (1, 77), (9, 3), (10, 1234), (11, 5), (250, 999), (250, 3000)]
    out = run(counts(*pairs), {"n": Count()}, group_by=None)
    assert out["n_label"].tolist() == [ex.count_label(n, key) for n, key in pairs]
    assert out["n_label"].tolist()[:3] == ["0", "<10", "<10"]
    assert out["n"].iloc[0] == 0
    assert out["n"].iloc[1:3].isna().all()  # charts get NaN, never 0
    assert out["n"].iloc[3:].tolist() == [ex.noisy(n, key) for n, key in pairs[3:]]
    assert "n_key" not in out.columns  # a key never leaves


def test_the_same_cases_give_the_same_value_and_others_other_noise():
    a = run(counts((120, 5000), (120, 5000)), {"n": Count()})
    assert a["n"].iloc[0] == a["n"].iloc[1]
    every_key = run(counts(*((120, key) for key in range(M))), {"n": Count()})
    assert set(every_key["n"]) == {118.0, 119.0, 120.0, 121.0, 122.0}  # at most 2 either way
    assert abs(every_key["n"].mean() - 120) < 0.01  # on average none


def test_a_count_of_k_or_more_never_drops_below_k():
    for n in (10, 11, 12):
        shown = run(counts(*((n, key) for key in range(M))), {"n": Count()})["n"]
        assert shown.min() >= 10, n


def test_ratios_are_divided_from_the_protected_parts():
    df = pd.DataFrame(
        {"den": [40, 40, 5, 410], "den_key": [999, 3000, 7, 12], "num": [12, 3, 2, 3],
         "num_key": [500, 8, 9, 77], "share": math.nan}
    )  # fmt: skip
    out = run(
        df, {"den": Count(), "num": Count(), "share": Ratio("num", "den", "share")}, group_by=None
    )
    assert out["share"].iloc[0] == round(ex.noisy(12, 500) / ex.noisy(40, 999), 2)
    # a share whose numerator is hidden is hidden: share x cases would give it back
    assert out["share_label"].tolist()[1:] == ["<10", "<10", "<10"]


def test_means_come_from_a_perturbed_sum_over_a_perturbed_count():
    df = pd.DataFrame(
        {"n": [13, 11, 4], "n_key": [4321, 17, 3], "total": [33.0, 26.0, 9.0], "mean": math.nan}
    )
    rules = {
        "n": Count(),
        "total": Sum("n", "score", unit=1.0),
        "mean": Ratio("total", "n", "score"),
    }
    out = run(df, rules, group_by=None)
    assert out["mean"].iloc[0] == round(ex.mean(33.0, 13, 4321, 1.0), 2)
    assert out["mean"].iloc[0] != round(33 / 13, 2)  # not the exact mean
    assert out["mean_label"].iloc[2] == "<10"


def test_every_figure_of_a_small_group_is_hidden_zeros_included():
    df = pd.DataFrame({"area": ["a", "a", "b", "b"], "n": [7, 0, 40, 0], "n_key": [99, 0, 1500, 0]})
    out = run(df, {"n": Count()}, group_by=["area"])
    assert out["n_label"].tolist() == ["<10", "<10", ex.count_label(40, 1500), "0"]
    whole = run(df.iloc[:2], {"n": Count()})  # the whole frame one group of 7
    assert whole["n_label"].tolist() == ["<10", "<10"]


def test_a_statistic_or_a_change_is_hidden_with_what_it_is_over():
    df = pd.DataFrame(
        {"now": [25, 25, 4], "now_key": [1, 2, 3], "before": [7, 12, 30],
         "before_key": [4, 5, 6], "median": [3.0, 4.0, 5.0]}
    )  # fmt: skip
    rules = {
        "now": Count(),
        "before": Count(),
        "median": Statistic("now", "months"),
        "delta": Derived(("now", "before"), "delta_count", lambda a, b: a - b),
    }
    out = run(df.assign(delta=math.nan), rules, group_by=None)
    delta = ex.noisy(25, 2) - ex.noisy(12, 5)
    assert out["delta_label"].tolist() == ["<10", f"{delta:+,}", "<10"]
    assert out["median_label"].tolist()[2] == "<10"


def test_records_and_amounts_are_as_they_are_and_records_need_permission():
    out = run(pd.DataFrame({"rows": [3]}), {"rows": Records()}, group_by=None, exact=True)
    assert out["rows_label"].tolist() == ["3"]
    with pytest.raises(ProtectionError, match="data team"):
        run(pd.DataFrame({"rows": [3]}), {"rows": Records()}, group_by=None)
    money = run(pd.DataFrame({"usd": [1234.0]}), {"usd": Amount()}, group_by=None)
    assert money["usd_label"].tolist() == ["US$1,234"]


def test_every_numeric_column_needs_a_rule_and_every_count_its_key():
    with pytest.raises(ProtectionError, match="without a protection rule"):
        run(pd.DataFrame({"n": [3], "n_key": [1], "leak": [4]}), {"n": Count()})
    with pytest.raises(ProtectionError, match="n_key"):
        run(pd.DataFrame({"n": [30]}), {"n": Count()})
    out = run(
        pd.DataFrame({"n": [3], "n_key": [1], "year": [2024]}), {"n": Count()}, passthrough=["year"]
    )
    assert out["year"].tolist() == [2024]


def test_values_are_rounded_as_shown():
    df = pd.DataFrame({"n": [34], "n_key": [1], "m": [40], "m_key": [2], "share": math.nan})
    out = run(df, {"n": Count(), "m": Count(), "share": Ratio("m", "n", "share")}, group_by=None)
    assert out["share"].iloc[0] == round(out["share"].iloc[0], 2)
    assert f"{out['share'].iloc[0]:.0%}" == out["share_label"].iloc[0]


def test_k_from_another_config_file(tmp_path, monkeypatch):
    settings = tmp_path / "dashboard.yaml"
    text = config.CONFIG_FILE.read_text(encoding="utf-8").replace("k: 10", "k: 5")
    settings.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GMS_DASHBOARD_CONFIG", str(settings))
    assert protect.k_value() == 5
    # the perturbation table is for k = 10: protection refuses rather than guess
    with pytest.raises(ProtectionError, match="ptable.yaml is for k = 10"):
        run(counts((4, 1)), {"n": Count()})


def test_views_show_labels_and_refuse_raw_frames():
    raw = pd.DataFrame({"area": ["a", "b"], "n": [3, 30], "n_key": [5, 9]})
    with pytest.raises(ValueError):
        tables.view(raw, [("area", "Area"), ("n", "Cases")])
    view = tables.view(
        run(raw, {"n": Count()}, group_by=["area"]), [("area", "Area"), ("n", "Cases")]
    )
    assert view.to_dict("list") == {"Area": ["a", "b"], "Cases": ["<10", ex.count_label(30, 9)]}


def test_downloads_carry_exactly_the_labels():
    safe = run(
        pd.DataFrame({"area": ["a", "b"], "n": [3, 30], "n_key": [5, 9]}),
        {"n": Count()},
        group_by=["area"],
    )
    view = tables.view(safe, [("area", "Area"), ("n", "Cases")])
    shown = ex.count_label(30, 9)
    csv = tables.to_csv(view).decode("utf-8-sig")
    assert csv.splitlines() == ["Area,Cases", "a,<10", f"b,{shown}"]
    book = openpyxl.load_workbook(io.BytesIO(tables.to_excel(view, "cases")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[:3] == [("Area", "Cases"), ("a", "<10"), ("b", shown)]
    with pytest.raises(ValueError):
        tables.to_csv(pd.DataFrame({"Cases": ["3"]}))
