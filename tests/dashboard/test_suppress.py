"""Suppression: the one function every number passes, and the tables built from it."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import pytest

from dashboard import config, suppress, tables
from dashboard.suppress import Count, Derived, Mean, Records


def test_k_comes_from_the_config_file():
    with open(config.CONFIG_FILE, encoding="utf-8") as fh:
        assert "k: 10" in fh.read()
    assert suppress.k_value() == 10


def test_counts_one_to_nine_are_hidden_zero_stays_zero():
    df = pd.DataFrame({"n": [0, 1, 5, 9, 10, 250]})
    out = suppress.suppress(df, {"n": Count()})
    assert out["n_label"].tolist() == ["0", "<10", "<10", "<10", "10", "250"]
    assert out["n"].iloc[0] == 0
    assert out["n"].iloc[1:4].isna().all()  # charts get NaN, never 0
    assert out["n"].iloc[4] == 10


def test_mean_over_fewer_than_k_cases_is_hidden():
    df = pd.DataFrame({"n": [0, 3, 9, 10, 40], "mean": [math.nan, 2.5, 3.1, 2.25, 3.0]})
    out = suppress.suppress(df, {"n": Count(), "mean": Mean(n="n", fmt="{:.2f}")})
    assert out["mean_label"].tolist() == ["–", "<10", "<10", "2.25", "3.00"]
    assert out["mean"].iloc[:3].isna().all()
    assert out["mean"].iloc[3] == pytest.approx(2.25)


def test_share_over_enough_cases_is_shown_as_a_percentage():
    df = pd.DataFrame({"n": [20], "share": [0.25]})
    out = suppress.suppress(df, {"n": Count(), "share": Mean(n="n", fmt="{:.0%}")})
    assert out["share_label"].tolist() == ["25%"]


def test_a_share_of_a_hidden_count_is_hidden_too():
    # 3 of 410: the share (0.7%) times the cases shown would give the hidden 3 back
    df = pd.DataFrame({"n": [410, 410, 5], "part": [3, 0, 2], "share": [3 / 410, 0.0, 0.4]})
    rules = {"n": Count(), "part": Count(), "share": Mean(n="n", fmt="{:.0%}", part="part")}
    out = suppress.suppress(df, rules)
    assert out["part_label"].tolist() == ["<10", "0", "<10"]
    assert out["share_label"].tolist() == ["<10", "0%", "<10"]
    assert out["share"].isna().tolist() == [True, False, True]
    with pytest.raises(ValueError, match="a share of part"):
        suppress.suppress(
            df, {"n": Count(), "share": Mean(n="n", part="part")}, passthrough={"part"}
        )


def test_a_change_is_hidden_when_either_side_is_hidden():
    df = pd.DataFrame({"now": [25, 25, 4], "before": [7, 12, 30]})
    df["delta"] = df["now"] - df["before"]
    out = suppress.suppress(
        df,
        {"now": Count(), "before": Count(), "delta": Derived(of=("now", "before"), fmt="{:+.0f}")},
    )
    assert out["delta_label"].tolist() == ["<10", "+13", "<10"]
    assert out["delta"].isna().tolist() == [True, False, True]


def test_records_are_not_suppressed():
    out = suppress.suppress(pd.DataFrame({"rows": [3]}), {"rows": Records()})
    assert out["rows_label"].tolist() == ["3"]


def test_every_numeric_column_needs_a_rule():
    with pytest.raises(ValueError, match="without a suppression rule"):
        suppress.suppress(pd.DataFrame({"n": [3], "leak": [4]}), {"n": Count()})
    out = suppress.suppress(
        pd.DataFrame({"n": [3], "year": [2024]}), {"n": Count()}, passthrough=["year"]
    )
    assert out["year"].tolist() == [2024]


def test_k_from_another_config_file(tmp_path, monkeypatch):
    settings = tmp_path / "dashboard.yaml"
    text = config.CONFIG_FILE.read_text(encoding="utf-8").replace("k: 10", "k: 5")
    settings.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GMS_DASHBOARD_CONFIG", str(settings))
    assert suppress.k_value() == 5
    out = suppress.suppress(pd.DataFrame({"n": [4, 5, 9]}), {"n": Count()})
    assert out["n_label"].tolist() == ["<5", "5", "9"]


def test_protect_total_withholds_the_next_smallest_cell():
    df = pd.DataFrame({"area": list("abcd"), "n": [40, 3, 12, 25], "m": [2.0, 3.0, 2.5, 1.5]})
    out = suppress.suppress(df, {"n": Count(), "m": Mean(n="n")})
    out = suppress.protect_total(out, "n", dependents=("m",))
    assert out["n_label"].tolist() == ["40", "<10", "withheld", "25"]
    assert out["m_label"].tolist() == ["2.0", "<10", "withheld", "1.5"]
    assert math.isnan(out["n"].iloc[2])


def test_protect_total_leaves_two_hidden_cells_alone_and_works_per_group():
    df = pd.DataFrame({"g": ["x", "x", "x", "y", "y"], "n": [3, 4, 50, 2, 30]})
    out = suppress.protect_total(suppress.suppress(df, {"n": Count()}), "n", by=["g"])
    assert out["n_label"].tolist() == ["<10", "<10", "50", "<10", "withheld"]


def test_views_show_labels_and_refuse_raw_frames():
    raw = pd.DataFrame({"area": ["a", "b"], "n": [3, 30]})
    with pytest.raises(ValueError):
        tables.view(raw, [("area", "Area"), ("n", "Cases")])
    view = tables.view(suppress.suppress(raw, {"n": Count()}), [("area", "Area"), ("n", "Cases")])
    assert view.to_dict("list") == {"Area": ["a", "b"], "Cases": ["<10", "30"]}


def test_downloads_carry_exactly_the_labels():
    safe = suppress.suppress(pd.DataFrame({"area": ["a", "b"], "n": [3, 30]}), {"n": Count()})
    view = tables.view(safe, [("area", "Area"), ("n", "Cases")])
    csv = tables.to_csv(view).decode("utf-8-sig")
    assert csv.splitlines() == ["Area,Cases", "a,<10", "b,30"]
    book = openpyxl.load_workbook(io.BytesIO(tables.to_excel(view, "cases")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[:3] == [("Area", "Cases"), ("a", "<10"), ("b", "30")]
    with pytest.raises(ValueError):
        tables.to_csv(pd.DataFrame({"Cases": ["3"]}))
