"""The province polygons (data/geo/gms_admin1.geojson) and the offline maps drawn from them.

The helpers that build the file are tested in tests/etl/maps/test_build.py.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from dashboard import maps
from etl.maps import build as gb
from reference import framework as fw

GAPS = {"KH-25", "MM-18", "LA-XS"}  # units Natural Earth does not draw
COUNTRIES = ["KH", "CN", "LA", "MM", "TH", "VN"]


@pytest.fixture(scope="module")
def frame():
    return fw.load()


@pytest.fixture(scope="module")
def collection():
    with open(maps.SHAPES_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def province_codes(frame):
    return {p["code"]: p for p in frame.provinces}


def _values(codes, *, suppressed=()):
    rows = []
    for i, code in enumerate(codes):
        if code in suppressed:
            rows.append({"province": code, "value": np.nan, "label": "<10", "cases": "<10"})
        else:
            v = 1.0 + i % 7 * 0.5
            rows.append({"province": code, "value": v, "label": f"{v:.1f}", "cases": str(20 + i)})
    return pd.DataFrame(rows)


def _province_traces(fig):
    return [t for t in fig.data if isinstance(t.meta, dict) and "code" in t.meta]


# --- the GeoJSON file ---------------------------------------------------------------------
def test_one_feature_per_framework_province_except_documented_gaps(collection, province_codes):
    counts = Counter(f["properties"]["code"] for f in collection["features"])
    for code in province_codes:
        expected = 0 if code in GAPS else 1
        assert counts.get(code, 0) == expected, code
    assert set(gb.EXPECTED_GAPS) == GAPS


def test_no_feature_without_a_framework_code(collection, province_codes):
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert codes <= set(province_codes)
    assert len(collection["features"]) == len(province_codes) - len(GAPS)


def test_properties_are_code_country_name_from_the_framework(collection, province_codes):
    for f in collection["features"]:
        props = f["properties"]
        assert set(props) == {"code", "country", "name"}
        p = province_codes[props["code"]]
        assert props["country"] == p["country"]
        assert props["name"] == p["name"]


def test_file_is_small():
    assert maps.SHAPES_FILE.stat().st_size < 1.5e6


def test_geometries_are_valid_and_in_the_region(collection):
    geoms = [shape(f["geometry"]) for f in collection["features"]]
    assert all(g.is_valid and not g.is_empty for g in geoms)
    assert all(isinstance(g, Polygon | MultiPolygon) for g in geoms)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    assert 73 < x0 < 93 and 130 < x1 < 136 and 3 < y0 < 11 and 50 < y1 < 54
    # Neighbours share borders exactly (simplified as one coverage): no slivers, no overlaps.
    assert shapely.coverage_is_valid(np.array(geoms, dtype=object))


def test_load_shapes_columns_and_per_country_counts(province_codes):
    gdf = maps.load_shapes()
    assert list(gdf.columns) == ["code", "country", "name", "geometry"]
    for c in COUNTRIES:
        n = sum(1 for code, p in province_codes.items() if p["country"] == c and code not in GAPS)
        assert (gdf["country"] == c).sum() == n


def test_provinces_without_shape_are_the_three_gaps(province_codes):
    assert set(maps.provinces_without_shape(province_codes)) == GAPS
    assert maps.provinces_without_shape(["KH-25", "KH-12", "KH-25"]) == ["KH-25"]


# --- the maps -----------------------------------------------------------------------------
def _assert_offline(fig):
    layout = fig.layout.to_plotly_json()
    assert not {"geo", "mapbox", "map"} & set(layout)
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.meta["map"] is True


@pytest.mark.parametrize("country", COUNTRIES)
def test_province_map_draws_only_that_country(country, province_codes):
    codes = [c for c, p in province_codes.items() if p["country"] == country]
    fig = maps.province_map(_values(codes), country=country, value_label="Score")
    _assert_offline(fig)
    drawn = [t.meta["code"] for t in _province_traces(fig)]
    assert sorted(drawn) == sorted(c for c in codes if c not in GAPS)
    assert fig.layout.meta["provinces_drawn"] == len(drawn)
    assert all(t.fill == "toself" for t in _province_traces(fig))


def test_region_map_draws_every_polygon_with_country_outlines(province_codes):
    fig = maps.province_map(_values(list(province_codes)), country=None, value_label="Score")
    _assert_offline(fig)
    assert fig.layout.meta["provinces_drawn"] == len(province_codes) - len(GAPS)
    assert any(isinstance(t.meta, dict) and t.meta.get("outlines") for t in fig.data)


def test_suppressed_and_missing_provinces_are_grey(province_codes):
    codes = [c for c, p in province_codes.items() if p["country"] == "KH"]
    values = _values([c for c in codes if c != "KH-9"], suppressed={"KH-12"})
    fig = maps.province_map(values, country="KH", value_label="Score")
    traces = {t.meta["code"]: t for t in _province_traces(fig)}
    assert traces["KH-12"].fillcolor == maps.MISSING_COLOR
    assert "&lt;10" in traces["KH-12"].text  # shown as "<10" by plotly
    assert traces["KH-9"].fillcolor == maps.MISSING_COLOR  # no row at all
    assert "No data" in traces["KH-9"].text
    coloured = [t for c, t in traces.items() if c not in {"KH-12", "KH-9"}]
    assert all(t.fillcolor != maps.MISSING_COLOR for t in coloured)
    # Hover text and legend carry names, never codes.
    assert traces["KH-12"].text.startswith("<b>Phnom Penh</b>")
    for t in fig.data:
        for text in [t.name or "", *(t.text if isinstance(t.text, tuple) else [t.text or ""])]:
            assert "KH-" not in text


def test_legend_has_five_equal_interval_classes():
    values = pd.DataFrame(
        {
            "province": ["TH-10", "TH-11", "TH-12"],
            "value": [2.0, 3.0, 4.5],
            "label": ["2.0", "3.0", "4.5"],
            "cases": ["50", "60", "70"],
        }
    )
    fig = maps.province_map(values, country="TH", value_label="Score")
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name]
    assert legend[:5] == ["2.0 – 2.5", "2.5 – 3.0", "3.0 – 3.5", "3.5 – 4.0", "4.0 – 4.5"]
    assert legend[5] == "No data or too few cases"  # the other provinces have no row
    traces = {t.meta["code"]: t for t in _province_traces(fig)}
    assert traces["TH-10"].fillcolor != traces["TH-12"].fillcolor


def test_aspect_ratio_corrects_for_latitude():
    fig = maps.province_map(_values(["VN-HN"]), country="VN", value_label="Score")
    assert fig.layout.yaxis.scaleanchor == "x"
    lat = sum(fig.layout.yaxis.range) / 2
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(lat)), rel=0.05)
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible


def test_country_map_draws_six_countries():
    values = pd.DataFrame(
        {
            "province": COUNTRIES,
            "value": [1.0, 2, 3, 4, 5, np.nan],
            "label": ["1", "2", "3", "4", "5", "<10"],
            "cases": ["10"] * 5 + ["<10"],
        }
    )
    fig = maps.country_map(values, value_label="Cases")
    _assert_offline(fig)
    traces = {t.meta["code"]: t for t in _province_traces(fig)}
    assert sorted(traces) == sorted(COUNTRIES)
    assert fig.layout.meta["provinces_drawn"] == 6
    assert traces["VN"].fillcolor == maps.MISSING_COLOR
    assert traces["KH"].text.startswith("<b>Cambodia</b>")


def test_unknown_palette_is_rejected():
    with pytest.raises(ValueError):
        maps.province_map(_values(["KH-1"]), country="KH", value_label="x", colors="rainbow")


def test_class_helpers():
    assert maps.class_edges([np.nan, None]) == []
    assert maps.class_edges([3.0, 3.0]) == [3.0, 3.0]
    assert maps.classify(3.0, [3.0, 3.0]) == 0
    edges = maps.class_edges([-1.0, 3.0], symmetric=True)
    assert edges[0] == -3.0 and edges[-1] == 3.0 and len(edges) == 6
    assert maps.classify(3.0, edges) == 4 and maps.classify(-3.0, edges) == 0
    assert maps.classify(float("nan"), edges) == -1


def test_unrecorded_province_is_not_a_missing_boundary():
    assert maps.provinces_without_shape(["KH-UNK", "KH-25", "KH-12"]) == ["KH-25"]
    assert maps.is_unrecorded("LA-UNK") and not maps.is_unrecorded("LA-XS")


def test_hover_points_are_invisible_but_hoverable_and_classes_can_be_given():
    values = pd.DataFrame(
        {"province": ["KH-12", "KH-2"], "value": [2.0, 3.0], "label": ["2.0", "3.0"],
         "cases": ["20", "30"]}
    )  # fmt: skip
    fig = maps.province_map(values, country="KH", value_label="Mean", edges=[1.0, 2.5, 4.0])
    hover = next(tr for tr in fig.data if (tr.meta or {}).get("hover_points"))
    assert hover.marker.color == "rgba(0,0,0,0)" and hover.hoverinfo == "text"
    assert hover.marker.size >= 8  # big enough to point at
    legend = [tr.name for tr in fig.data if (tr.meta or {}).get("legend")]
    assert legend[:2] == ["1.0 – 2.5", "2.5 – 4.0"]
