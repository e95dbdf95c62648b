"""Province and country choropleths drawn without any network access.

The maps are plain plotly scatter traces on cartesian axes: every province is one filled
polygon trace (fill='toself', parts and holes separated by gaps), so nothing is fetched
from a CDN (px.choropleth's geo subplot downloads a world basemap and renders blank
offline; mapbox/maplibre maps need tile servers). Polygons come from
data/geo/gms_admin1.geojson, built by ``python -m etl.maps``.

This module must not import streamlit: the caller translates every label it passes in
(the provinces' and countries' names come from the catalogues, dashboard.i18n.label),
and passes the function that writes a value (dashboard.formats.formatter(kind)), so the
legend's ranges and the hover values are written the reader's way. Text is drawn in
dashboard/fonts.py's fonts, which cover every language's script.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import sample_colorscale
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import polylabel

from dashboard import fonts, formats, i18n, plot_style  # noqa: F401 - the default template
from reference import framework as fw
from reference import paths

SHAPES_FILE = paths.MAP_FILE

N_CLASSES = 5
MISSING_COLOR = "#d9d9d9"  # light grey: suppressed or no data
EDGE_COLOR = "#ffffff"  # province borders
OUTLINE_COLOR = "#555555"  # country borders (7.5:1 on white)
# Views wider than WIDE_VIEW_EXTENT degrees draw shapes simplified to WIDE_VIEW_TOLERANCE
# degrees (under a pixel at dashboard sizes): a third of the data to send to the browser.
WIDE_VIEW_EXTENT = 25.0
WIDE_VIEW_TOLERANCE = 0.04
# Colour-blind-safe ramps. Viridis rather than the charts' cividis: cividis's middle is
# grey and would read as "no data" next to the grey of suppressed provinces.
PALETTES = {
    "sequential": "Viridis_r",  # low light yellow, high dark purple
    "sequential_r": "Viridis",  # low dark purple, high light yellow
    "diverging": "PuOr",  # breaks symmetric around zero (dashboard.yaml's diverging)
}
# Suppressed or missing provinces: light grey with a faint hatch, so that they do not read
# as a pale class colour (PuOr's middle is near white).
MISSING_PATTERN = {
    "shape": "/",
    "bgcolor": MISSING_COLOR,
    "fgcolor": "#b5b5b5",
    "size": 6,
    "solidity": 0.15,
}


# --- shapes -----------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _shapes(path: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path, engine="pyogrio")
    return gdf[["code", "country", "name", "geometry"]].set_index("code", drop=False)


def load_shapes(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Province polygons (columns code, country, name, geometry; index = code). Cached."""
    return _shapes(str(path or SHAPES_FILE)).copy()


def is_unrecorded(code: str) -> bool:
    """'<CC>-UNK': the cases of a country whose province was not recorded (no place)."""
    return str(code).endswith("-UNK")


def provinces_without_shape(codes: Iterable[str], path: str | Path | None = None) -> list[str]:
    """The province codes (in the order given, without repeats) that have no polygon to
    draw. '<CC>-UNK' (province not recorded) is not a province and is never listed."""
    have = set(_shapes(str(path or SHAPES_FILE)).index)
    out: list[str] = []
    for code in codes:
        if code not in have and code not in out and not is_unrecorded(code):
            out.append(code)
    return out


def _polygon_parts(geom) -> list[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [p for g in getattr(geom, "geoms", []) for p in _polygon_parts(g)]


def _rings_xy(geom) -> tuple[np.ndarray, np.ndarray]:
    """All rings of a (multi)polygon as x, y arrays with NaN between rings.

    Exteriors run counter-clockwise and holes clockwise, so under SVG's nonzero fill rule
    (plotly draws a trace's fill as one path) holes stay open.
    """
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for part in _polygon_parts(geom):
        for ring in [part.exterior, *part.interiors]:
            c = np.asarray(ring.coords)
            xs += [c[:, 0], gap]
            ys += [c[:, 1], gap]
    if not xs:
        return np.array([], dtype=np.float32), np.array([], dtype=np.float32)
    # float32 halves what the browser receives; 1e-5 degree error is far below a pixel.
    return (np.concatenate(xs[:-1]).astype(np.float32), np.concatenate(ys[:-1]).astype(np.float32))


def _label_point(geom) -> tuple[float, float]:
    """A point well inside the largest part (pole of inaccessibility)."""
    part = max(_polygon_parts(geom), key=lambda p: p.area)
    size = max(part.bounds[2] - part.bounds[0], part.bounds[3] - part.bounds[1])
    p = polylabel(part, tolerance=max(size / 50, 1e-4))
    return float(p.x), float(p.y)


@lru_cache(maxsize=4)
def _coarse(path: str, tolerance: float) -> gpd.GeoDataFrame:
    """The shapes simplified further as one coverage (shared borders stay shared)."""
    gdf = _shapes(path).copy()
    geoms = gdf.geometry.values
    if tolerance > 0 and shapely.coverage_is_valid(geoms):
        simple = shapely.coverage_simplify(np.asarray(geoms), tolerance)
        keep = shapely.is_empty(simple) | ~shapely.is_valid(simple)
        gdf["geometry"] = np.where(keep, np.asarray(geoms), simple)
    return gdf


def _tolerance(bounds: tuple[float, float, float, float]) -> float:
    """Extra simplification for wide views (whole region, China): about a pixel or less."""
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    return WIDE_VIEW_TOLERANCE if extent > WIDE_VIEW_EXTENT else 0.0


@lru_cache(maxsize=16)
def _drawables(path: str, level: str, tolerance: float = 0.0) -> pd.DataFrame:
    """Per unit: code, country, name, x, y (ring arrays), lx, ly (hover point), bounds."""
    gdf = _coarse(path, tolerance) if tolerance > 0 else _shapes(path)
    if level == "country":
        frame = fw.load()
        names = {c["code"]: c["name"] for c in frame.countries}
        gdf = gdf.dissolve(by="country", as_index=False)
        gdf["code"] = gdf["country"]
        gdf["name"] = [names.get(c, c) for c in gdf["country"]]
    rows = []
    for code, country, name, geom in zip(
        gdf["code"], gdf["country"], gdf["name"], gdf.geometry, strict=True
    ):
        if geom is None or geom.is_empty:
            continue
        x, y = _rings_xy(geom)
        lx, ly = _label_point(geom)
        rows.append(
            {
                "code": code,
                "country": country,
                "name": name,
                "x": x,
                "y": y,
                "lx": lx,
                "ly": ly,
                "bounds": geom.bounds,
            }
        )
    return pd.DataFrame(rows).set_index("code", drop=False)


@lru_cache(maxsize=8)  # the region and each of the six countries
def _country_outlines(
    path: str, tolerance: float = 0.0, country: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Country borders (exteriors of the dissolved countries) as one line trace; of one
    country only when given."""
    gdf = (_coarse(path, tolerance) if tolerance > 0 else _shapes(path)).dissolve(by="country")
    if country is not None:
        gdf = gdf[gdf.index == country]
    xs, ys = [], []
    for geom in gdf.geometry:
        for part in _polygon_parts(geom):
            c = np.asarray(part.exterior.coords)
            xs += [c[:, 0], [np.nan]]
            ys += [c[:, 1], [np.nan]]
    return (np.concatenate(xs[:-1]).astype(np.float32), np.concatenate(ys[:-1]).astype(np.float32))


# --- classes ------------------------------------------------------------------------------
def class_edges(values: Iterable[float], n: int = N_CLASSES, *, symmetric: bool = False):
    """Equal-interval class edges (n + 1 numbers) over the finite values; [] if none.

    A single distinct value gives one class [v, v]. symmetric=True spans [-m, m].
    """
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return []
    lo, hi = float(v.min()), float(v.max())
    if symmetric:
        m = max(abs(lo), abs(hi))
        lo, hi = -m, m
    if hi == lo:
        return [lo, hi]
    return list(np.linspace(lo, hi, n + 1))


def classify(value: float, edges: list[float]) -> int:
    """Class index of value (0-based), -1 for missing values or no classes."""
    if value is None or not np.isfinite(value) or len(edges) < 2:
        return -1
    n = len(edges) - 1
    if edges[-1] == edges[0]:
        return 0
    i = int((value - edges[0]) / (edges[-1] - edges[0]) * n)
    return min(max(i, 0), n - 1)


def class_colors(n: int, colors: str = "sequential") -> list[str]:
    if colors not in PALETTES:
        raise ValueError(f"colors must be one of {sorted(PALETTES)}, not {colors!r}")
    if n <= 0:
        return []
    if n == 1:
        return sample_colorscale(PALETTES[colors], [0.5])
    return sample_colorscale(PALETTES[colors], list(np.linspace(0, 1, n)))


Formatter = Callable[[float], str]


def class_labels(edges: list[float], formatter: Formatter) -> list[str]:
    if len(edges) < 2:
        return []
    if edges[0] == edges[-1]:
        return [formatter(edges[0])]
    return [f"{formatter(a)} – {formatter(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)]


# --- figures ------------------------------------------------------------------------------
def _text(value) -> str:
    """A label cell as text; missing values (and their str() forms) become ''."""
    if value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return ""
    text = str(value)
    return "" if text in ("nan", "None", "<NA>") else text


def _name(level: str, code: str, shape_name: str) -> str:
    """The unit's name in the current language (the map file's name for a code the
    framework does not know)."""
    label = i18n.label(level, code)
    return shape_name if label == code else label


def _hover(
    name: str,
    label: str,
    cases: str,
    *,
    value_label: str,
    cases_label: str,
    no_data_label: str,
    has_row: bool,
) -> str:
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    lines = [f"<b>{e(name)}</b>"]
    if not has_row or (not label and not cases):
        lines.append(e(no_data_label))
    else:
        lines.append(f"{e(value_label)}: {e(label) if label else '–'}")
        if cases:
            lines.append(f"{e(cases_label)}: {e(cases)}")
    return "<br>".join(lines)


def _figure(
    units: pd.DataFrame,
    values: pd.DataFrame,
    *,
    value_label: str,
    formatter: Formatter,
    colors: str,
    height: int,
    cases_label: str,
    no_data_label: str,
    missing_label: str,
    outlines: tuple[np.ndarray, np.ndarray] | None,
    level: str,
    revision: str,
    edges: list[float] | None = None,
) -> go.Figure:
    vals = values.copy()
    for col in ("value", "label", "cases"):
        if col not in vals.columns:
            vals[col] = np.nan if col == "value" else ""
    vals["value"] = pd.to_numeric(vals["value"], errors="coerce")
    vals = vals.drop_duplicates("province", keep="last").set_index("province")

    shown = vals.loc[vals.index.intersection(units.index)]
    if edges is None:
        edges = class_edges(shown["value"], symmetric=colors == "diverging")
    palette = class_colors(len(edges) - 1, colors)
    legend = class_labels(edges, formatter)

    # Traces as plain dicts, validated once by go.Figure (a third of the time of go.Scatter).
    traces: list[dict] = []
    hover_x, hover_y, hover_text, hover_bg = [], [], [], []
    any_missing = False
    for code, unit in units.iterrows():
        has_row = code in vals.index
        value = float(vals.at[code, "value"]) if has_row else float("nan")
        cls = classify(value, edges)
        color = palette[cls] if cls >= 0 else MISSING_COLOR
        any_missing |= cls < 0
        label = _text(vals.at[code, "label"]) if has_row else ""
        if has_row and not label and cls >= 0:
            label = formatter(value)
        cases = _text(vals.at[code, "cases"]) if has_row else ""
        name = _name(level, code, unit["name"])
        text = _hover(
            name,
            label,
            cases,
            value_label=value_label,
            cases_label=cases_label,
            no_data_label=no_data_label,
            has_row=has_row,
        )
        trace = {
            "type": "scatter",
            "x": unit["x"],
            "y": unit["y"],
            "mode": "lines",
            "fill": "toself",
            "fillcolor": color,
            "line": {"color": EDGE_COLOR, "width": 0.6},
            # hoveron fills shows the scalar text anywhere inside the polygon
            "hoveron": "fills",
            "hoverinfo": "text",
            "text": text,
            "name": name,
            "showlegend": False,
            "meta": {"code": code, "missing": cls < 0},
        }
        if cls < 0:
            trace["fillpattern"] = MISSING_PATTERN
        traces.append(trace)
        hover_x.append(unit["lx"])
        hover_y.append(unit["ly"])
        hover_text.append(text)
        hover_bg.append(color)

    if outlines is not None:
        traces.append(
            {
                "type": "scatter",
                "x": outlines[0],
                "y": outlines[1],
                "mode": "lines",
                "hoverinfo": "skip",
                "line": {"color": OUTLINE_COLOR, "width": 1},
                "showlegend": False,
                "meta": {"outlines": True},
            }
        )
    # Hover points: small provinces (Macao, Bangkok) cannot be pointed at by their fill.
    # Invisible (transparent, no outline), so they do not read as towns; hover still works.
    traces.append(
        {
            "type": "scatter",
            "x": hover_x,
            "y": hover_y,
            "mode": "markers",
            "hoverinfo": "text",
            "text": hover_text,
            "marker": {"size": 10, "color": "rgba(0,0,0,0)", "line": {"width": 0}},
            "hoverlabel": {"bgcolor": hover_bg, "font": {"family": fonts.css_family()}},
            "showlegend": False,
            "meta": {"hover_points": True},
        }
    )
    # Legend: one dummy square per class, then grey.
    legend_items = list(zip(legend, palette, strict=True))
    if any_missing:
        legend_items.append((missing_label, MISSING_COLOR))
    for name, color in legend_items:
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": html.escape(name, quote=False),
                "hoverinfo": "skip",
                "marker": {
                    "symbol": "square",
                    "size": 14,
                    "color": color,
                    "line": {"color": "#999999", "width": 1 if color == MISSING_COLOR else 0},
                },
                "meta": {"legend": True},
            }
        )
    if len(units):
        b = np.array(units["bounds"].tolist())
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    else:
        x0, y0, x1, y1 = 92.0, 5.0, 135.0, 54.0
    pad_x, pad_y = (x1 - x0) * 0.02 + 0.05, (y1 - y0) * 0.02 + 0.05
    ratio = 1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    layout = dict(
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={**axis, "range": [x0 - pad_x, x1 + pad_x]},
        yaxis={**axis, "range": [y0 - pad_y, y1 + pad_y], "scaleanchor": "x", "scaleratio": ratio},
        hovermode="closest",
        dragmode="pan",
        font={"family": fonts.css_family(), "color": plot_style.TEXT},  # 4.5:1 (charts._style)
        hoverlabel={"font": {"family": fonts.css_family()}},
        legend={
            # in the page's text colour: Streamlit's chart theme writes it in #808495 (3.8:1)
            "title": {
                "text": html.escape(value_label, quote=False),
                "font": {"color": plot_style.TEXT},
            },
            "itemclick": False,
            "itemdoubleclick": False,
            "yanchor": "top",
            "y": 1,
            "xanchor": "left",
            "x": 1.01,
        },
        showlegend=bool(legend) or any_missing,
        uirevision=revision,
        meta={"map": True, "level": level, "provinces_drawn": len(units)},
    )
    return go.Figure(data=traces, layout=layout)


def province_map(
    values: pd.DataFrame,
    *,
    country: str | None,
    value_label: str,
    formatter: Formatter | None = None,
    colors: str = "sequential",
    height: int = 520,
    cases_label: str = "Cases",
    no_data_label: str = "No data",
    missing_label: str = "No data or too few cases",
    path: str | Path | None = None,
    edges: list[float] | None = None,
) -> go.Figure:
    """Province choropleth of one country, or of the whole region when country is None.

    values: columns province (ISO 3166-2 code), value (float, NaN when suppressed or
    missing), label (hover text for the value, e.g. "2.8" or "<10"), cases (e.g. "134").
    formatter: writes a value (the legend's class ranges; a value without a label);
    by default dashboard.formats' "rate" (one decimal).
    Provinces with no finite value are drawn light grey; provinces with no row say
    no_data_label. Five equal-interval classes over the data range (fewer if the data
    have a single value), or the class `edges` given (e.g. those of a heatmap on the same
    page, so a colour means the same values on both). layout.meta.provinces_drawn counts
    the polygons drawn.
    """
    src = str(path or SHAPES_FILE)
    shapes = _shapes(src)
    if country is not None:
        shapes = shapes[shapes["country"] == country]
    tolerance = _tolerance(tuple(shapes.total_bounds)) if len(shapes) else 0.0
    units = _drawables(src, "province", tolerance)
    if country is not None:
        units = units[units["country"] == country]
    # the country's border in dark grey on a country's map too: a pale province on its
    # edge keeps a 3:1 outline against the page (WCAG 1.4.11)
    outlines = _country_outlines(src, tolerance, country) if len(units) else None
    return _figure(
        units,
        values,
        value_label=value_label,
        formatter=formatter or formats.formatter("rate"),
        colors=colors,
        height=height,
        cases_label=cases_label,
        no_data_label=no_data_label,
        missing_label=missing_label,
        outlines=outlines,
        level="province",
        revision=f"province-map:{country or 'region'}",
        edges=edges,
    )


def country_map(
    values: pd.DataFrame,
    *,
    value_label: str,
    formatter: Formatter | None = None,
    height: int = 520,
    colors: str = "sequential",
    cases_label: str = "Cases",
    no_data_label: str = "No data",
    missing_label: str = "No data or too few cases",
    path: str | Path | None = None,
    edges: list[float] | None = None,
) -> go.Figure:
    """Choropleth of the six countries; values.province holds country codes (KH, CN, ...).
    edges: class edges as for province_map()."""
    units = _drawables(str(path or SHAPES_FILE), "country", WIDE_VIEW_TOLERANCE)
    return _figure(
        units,
        values,
        value_label=value_label,
        formatter=formatter or formats.formatter("rate"),
        colors=colors,
        height=height,
        cases_label=cases_label,
        no_data_label=no_data_label,
        missing_label=missing_label,
        outlines=None,
        level="country",
        revision="country-map",
        edges=edges,
    )
