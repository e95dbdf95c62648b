"""Chart functions as pure functions: protected frames in, plotly figures out."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from plotly.colors import sample_colorscale

from dashboard import charts
from dashboard.protect import Count, Statistic, protect


def suppress(df: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """The frame protected, each count given a key sum (the noise is beside the point here)."""
    keys = {f"{c}_key": 0 for c, rule in rules.items() if isinstance(rule, Count)}
    return protect(df.assign(**keys), rules, modulus=4096, group_by=None)


def _shares() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "band": ["a", "b", "c", "d"],
            "n": [200, 40, 4, 0],
            "share": [0.0, 0.03, 0.5, float("nan")],
        }
    )
    return suppress(df, {"n": Count(), "share": Statistic("n", "share")})


def test_bar_labels_zero_and_small_values_and_hides_suppressed_in_italics():
    fig = charts.bar(
        _shares(),
        category="band",
        value="share",
        category_title="Band",
        value_title="Share",
        value_range=(0.0, 1.0),
    )
    bars = fig.data[0]
    assert list(bars.text) == ["0%", "3%", "", ""]  # 0% shows; hidden values draw nothing
    assert bars.textposition == "outside" and bars.textangle == 0
    assert bars.textfont.color == charts.VALUE_TEXT
    hidden = fig.data[1]
    assert list(hidden.text) == ["<10", "–"] and list(hidden.y) == ["c", "d"]
    assert hidden.textfont.style == "italic" and hidden.textfont.color == charts.muted()
    assert hidden.meta == {charts.HIDDEN_META: True}


def test_name_hidden_gives_one_legend_entry():
    fig = charts.bar(_shares(), category="band", value="share", category_title="B", value_title="S")
    charts.name_hidden(fig, "<10 in grey italics: not shown")
    legend = [tr for tr in fig.data if tr.showlegend]
    assert [tr.name for tr in legend] == ["<10 in grey italics: not shown"]
    assert fig.layout.showlegend is True
    plain = charts.bar(
        _shares().iloc[:2], category="band", value="share", category_title="B", value_title="S"
    )
    charts.name_hidden(plain, "note")
    assert not any(tr.showlegend for tr in plain.data) and plain.layout.showlegend is False


def test_stepped_colorscale_has_one_flat_step_per_class():
    scale, (lo, hi), ticks = charts.stepped_colorscale([1.0, 2.0, 4.0], ["#111", "#222"])
    assert (lo, hi) == (1.0, 4.0) and ticks == [1.0, 2.0, 4.0]
    assert scale == [[0.0, "#111"], [1 / 3, "#111"], [1 / 3, "#222"], [1.0, "#222"]]
    scale, (lo, hi), ticks = charts.stepped_colorscale([2.5, 2.5], ["#333"])
    assert scale == [[0.0, "#333"], [1.0, "#333"]] and ticks == [2.5] and lo < 2.5 < hi


def test_heatmap_takes_the_map_classes():
    df = suppress(
        pd.DataFrame({"x": ["a", "b"], "y": ["r", "r"], "n": [20, 30], "v": [1.5, 3.5]}),
        {"n": Count(), "v": Statistic("n", "score")},
    )
    fig = charts.heatmap(
        df, x="x", y="y", z="v", x_order=["a", "b"], y_order=["r"], x_title="X",
        y_title="Y", z_title="Z", classes=([1.0, 2.0, 4.0], ["#111", "#222"], ["1", "2", "4"]),
    )  # fmt: skip
    trace = fig.data[0]
    assert (trace.zmin, trace.zmax) == (1.0, 4.0)
    assert list(trace.colorbar.tickvals) == [1.0, 2.0, 4.0]
    assert list(trace.colorbar.ticktext) == ["1", "2", "4"]


def test_fitted_and_zero_based_ranges():
    lo, hi = charts.fitted_range([40.0, 52.0, float("nan")], (0.0, 100.0))
    assert 0 < lo < 40 and 52 < hi < 100 and hi - lo < 30
    assert charts.fitted_range([], (0.0, 1.0)) == (0.0, 1.0)
    assert charts.fitted_range([0.0, 0.99], (0.0, 1.0)) == (0.0, 1.0)  # clamped to the scale
    lo, hi = charts.fitted_range([50.0, 50.0], (0.0, 100.0))  # one value: a 10-point window
    assert lo < 50 < hi and hi - lo >= 10
    assert charts.zero_based_range([2.0, 3.0]) == (0.0, pytest.approx(3.45))
    assert charts.zero_based_range([float("nan")]) is None


def test_dumbbell_apart_puts_marked_rows_on_their_own_axis():
    df = suppress(
        pd.DataFrame(
            {"area": ["A", "B", "CM"], "n": [20, 20, 20], "a": [0.5, 0.6, 19.0],
             "b": [1.0, 0.9, 26.0]}
        ),
        {"n": Count(), "a": Statistic("n", "rate"), "b": Statistic("n", "rate")},
    )  # fmt: skip
    fig = charts.dumbbell_apart(
        df, df["area"] == "CM", category="area", first="a", latest="b", first_name="F",
        latest_name="L", value_title="Score points", apart_title="Index points",
    )  # fmt: skip
    assert fig.layout.xaxis.title.text == "Score points"
    assert fig.layout.xaxis2.title.text == "Index points"
    lower = [tr for tr in fig.data if tr.xaxis == "x2"]
    assert lower and all(set(tr.y) == {"CM"} for tr in lower)
    assert sum(1 for tr in fig.data if tr.showlegend) == 2  # one legend entry per marker


def test_scatter_leaves_out_hidden_points():
    df = suppress(
        pd.DataFrame(
            {"name": ["A", "B", "C"], "served": [50, 30, 5], "paired": [20, 4, 3],
             "cost": [100.0, 200.0, 300.0], "change": [0.4, 0.2, 0.1]}
        ),
        {"served": Count(), "paired": Count(), "cost": Statistic("served", "usd"),
         "change": Statistic("paired", "rate")},
    )  # fmt: skip
    fig = charts.scatter(
        df, x="cost", y="change", size="served", label="name", x_title="X", y_title="Y",
        size_title="S",
    )  # fmt: skip
    assert list(fig.data[0].text) == ["A"]
    assert list(fig.data[0].x) == [100.0] and math.isclose(fig.data[0].y[0], 0.4)
    crowded = charts._label_positions([1.0, 1.05, 5.0], [1.0, 0.98, 0.0])
    assert crowded == ["top center", "bottom center", "top center"]


def test_chart_colours_meet_wcag_contrast():
    """WCAG 2.1 AA: text in charts 4.5:1 (on white, and on the heatmaps' grey behind hidden
    cells), the categorical colours that draw lines, bars and markers 3:1 on white."""
    from dashboard import plot_style

    white, grey = plot_style.BACKGROUND, plot_style.HEATMAP_EMPTY
    assert plot_style.contrast("#767676", white) == pytest.approx(4.54, abs=0.01)
    for text in (charts.VALUE_TEXT, charts.muted(), plot_style.TEXT):
        assert plot_style.contrast(text, white) >= 4.5, text
        assert plot_style.contrast(text, grey) >= 4.5, text
    assert plot_style.contrast(plot_style.REFERENCE_LINE, white) >= 3
    low = {c: round(plot_style.contrast(c, white), 2) for c in charts.palette()}
    assert all(r >= 3 for r in low.values()), low
    assert len(set(charts.palette())) == len(charts.palette()) >= 6  # six countries


def test_hidden_points_of_a_line_carry_their_series_symbol_and_grey_text():
    df = pd.DataFrame(
        {
            "q": ["Q1", "Q2", "Q1", "Q2"],
            "s": ["A", "A", "B", "B"],
            "v": [0.5, float("nan"), float("nan"), 0.4],
            "v_label": ["50%", "<10", "<10", "40%"],
        }
    )
    fig = charts.lines(
        df, x="q", x_order=["Q1", "Q2"], y="v", series="s", series_order=["A", "B"],
        x_title="Quarter", y_title="Share", y_range=(0.0, 1.0),
    )  # fmt: skip
    labels = [
        tr for tr in fig.data if isinstance(tr.meta, dict) and tr.meta.get(charts.HIDDEN_META)
    ]
    assert [list(tr.text) for tr in labels] == [["<10"], ["<10"]]
    assert all(tr.textfont.color == charts.muted() for tr in labels)
    marks = [tr for tr in fig.data if tr.mode == "markers"]
    assert [tr.marker.symbol for tr in marks] == ["circle-open", "square-open"]
    assert [tr.marker.color for tr in marks] == charts.palette()[:2]
    assert list(marks[1].hovertext) == ["B<br>Q1: <10"]


def test_heatmap_cell_labels_read_on_their_cells():
    """Each shown value is written dark or white, whichever is 4.5:1 or more on its cell's
    colour; a hidden one in grey italics on the grey behind hidden cells."""
    from dashboard import plot_style

    df = suppress(
        pd.DataFrame(
            {"x": ["a", "b", "c", "d"], "y": ["r"] * 4, "n": [20, 30, 40, 5],
             "v": [1.0, 2.5, 4.0, 3.0]}
        ),
        {"n": Count(), "v": Statistic("n", "score")},
    )  # fmt: skip
    fig = charts.heatmap(
        df, x="x", y="y", z="v", x_order=list("abcd"), y_order=["r"], x_title="X",
        y_title="Y", z_title="Z", z_range=(1.0, 4.0),
    )  # fmt: skip
    assert not fig.data[0].texttemplate  # the heatmap's own labels: one colour for all
    labels = fig.data[1]
    assert labels.meta == {"cell_labels": True} and list(labels.x) == list("abcd")
    assert list(labels.text)[-1] == "<10"
    assert list(labels.textfont.style) == ["normal"] * 3 + ["italic"]
    cells = sample_colorscale(charts.sequential(), [0.0, 0.5, 1.0])
    for colour, cell in zip(labels.textfont.color[:3], cells, strict=True):
        assert plot_style.contrast(colour, cell) >= 4.5, (colour, cell)
    assert labels.textfont.color[3] == charts.muted()
