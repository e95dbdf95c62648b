"""Plotly figures. Inputs are suppressed frames: a value column (NaN where hidden) and its
`_label` column. A hidden or empty point is never drawn as zero: the chart writes its label
("<10", "withheld", "–") at the base of the axis instead. Titles and axis names arrive as
translated text; nothing here imports streamlit or builds a user-visible word itself.

Colours: Okabe-Ito for categories (its light colours darkened to 3:1 on white), viridis for
scales (dashboard.yaml), both readable with the common forms of colour blindness; series
also differ by marker symbol, and every value is written in or next to its chart, so no
figure is told by colour alone. Text is coloured dashboard.plot_style.TEXT or muted(), 4.5:1
or more (README, Accessibility).

Text is drawn in dashboard/fonts.py's fonts (every language's script), and axis ticks use
the reader's decimal and group separators (layout.separators, from dashboard.formats).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from dashboard import config, fonts, formats, plot_style

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "pentagon")


def _charts() -> dict:
    return config.settings().charts


def palette() -> list[str]:
    return list(_charts().get("categorical") or ["#0072B2", "#D55E00", "#009E73", "#CC79A7"])


def muted() -> str:
    return str(_charts().get("muted", "#6b6b6b"))


def sequential() -> str:
    return str(_charts().get("sequential", "viridis_r"))


def _height(height: int | None) -> int:
    return int(height or _charts().get("height", 420))


VALUE_TEXT = plot_style.TEXT  # labels of shown values: the page's text colour
HIDDEN_META = "hidden_labels"  # trace.meta key of the "<10" label traces


def hidden_labels(**scatter) -> go.Scatter:
    """A text-only trace writing the labels of hidden values ("<10", "withheld", "–") in
    grey italics: never the style of a shown value. name_hidden() gives the first such
    trace of a figure a legend entry saying what the grey labels mean."""
    font = {"color": muted(), "style": "italic"}
    font.update(scatter.pop("textfont", {}))
    scatter.setdefault("hoverinfo", "text" if "hovertext" in scatter else "skip")
    return go.Scatter(
        mode="text", textfont=font, showlegend=False, meta={HIDDEN_META: True}, **scatter
    )


def name_hidden(fig: go.Figure, note: str) -> go.Figure:
    """Give the hidden-label traces one legend entry, `note` (e.g. "<10: fewer than 10
    cases, not shown"); figures without hidden values are left as they are."""
    marked = [tr for tr in fig.data if isinstance(tr.meta, dict) and tr.meta.get(HIDDEN_META)]
    for i, trace in enumerate(marked):
        trace.update(name=note, legendgroup=HIDDEN_META, showlegend=(i == 0))
    if marked:
        fig.update_layout(showlegend=True)
    return fig


def fitted_range(
    values: Sequence[float] | pd.Series,
    limits: tuple[float, float],
    *,
    pad: float = 0.1,
    min_span: float | None = None,
) -> tuple[float, float]:
    """An axis range fitted to the finite values, padded by `pad` of their spread (at least
    `min_span` wide) and kept within `limits` (e.g. 0-100 for an index); the limits
    themselves when there is nothing to fit."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return limits
    lo, hi = min(finite), max(finite)
    span = max(hi - lo, min_span if min_span is not None else (limits[1] - limits[0]) * 0.1)
    mid = (lo + hi) / 2
    lo, hi = min(lo, mid - span / 2), max(hi, mid + span / 2)
    lo, hi = lo - (hi - lo) * pad, hi + (hi - lo) * pad
    return max(limits[0], lo), min(limits[1], hi)


def stepped_colorscale(
    edges: Sequence[float], colours: Sequence[str]
) -> tuple[list[list], tuple[float, float], list[float]]:
    """A plotly colorscale of flat steps, one per class (edges: n + 1 numbers, colours: n),
    with its (zmin, zmax) and the tick values (the edges). A single class (or none) gives
    one flat colour."""
    edges, colours = [float(e) for e in edges], list(colours)
    if len(edges) < 2 or not colours or edges[-1] == edges[0]:
        colour = colours[0] if colours else palette()[0]
        value = edges[0] if edges else 0.0
        return [[0.0, colour], [1.0, colour]], (value - 0.5, value + 0.5), [value]
    lo, hi = edges[0], edges[-1]
    scale: list[list] = []
    for a, b, colour in zip(edges[:-1], edges[1:], colours, strict=True):
        scale += [[(a - lo) / (hi - lo), colour], [(b - lo) / (hi - lo), colour]]
    scale[0][0], scale[-1][0] = 0.0, 1.0
    return scale, (lo, hi), edges


def zero_based_range(values: Sequence[float] | pd.Series, *, headroom: float = 0.15):
    """(0, max + headroom) for counts and rates, whose bars or lines read from zero; None
    (automatic) when there is no finite value."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite or max(finite) <= 0:
        return None
    return 0.0, max(finite) * (1 + headroom)


def _style(fig: go.Figure, height: int | None = None, *, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template=plot_style.NAME,
        height=_height(height),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        # the colour set here, not only in the template: st.plotly_chart's Streamlit theme
        # replaces the template and writes axis text in #808495 (3.8:1 on white)
        font={"size": 13, "family": fonts.css_family(), "color": plot_style.TEXT},
        separators=formats.separators(),
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"size": 13, "family": fonts.css_family()}},
    )
    axis_text = {"tickfont_color": plot_style.AXIS_TEXT, "title_font_color": plot_style.AXIS_TEXT}
    fig.update_xaxes(**axis_text)
    fig.update_yaxes(**axis_text)
    return fig


def empty(message: str, height: int | None = None) -> go.Figure:
    """A blank chart carrying a message (no data for this selection)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, height or 200, legend=False)


def bar(
    df: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    value_range: tuple[float, float] | None = None,
    tickformat: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Horizontal bars in the order of df (first at the top).

    Every shown value carries its label in dark text just past the end of its bar, so a 0
    still reads "0" (or "0%") and a small value keeps its number. Hidden values draw no bar;
    their label ("<10", "withheld", "–") is written at the base in grey italics, a style no
    value label has (see hidden_labels() and name_hidden())."""
    labels = df[f"{value}_label"].astype(str)
    cats = df[category].astype(str)
    hover = [f"{c}<br>{value_title}: {lab}" for c, lab in zip(cats, labels, strict=True)]
    hidden = df[value].isna().to_numpy()
    fig = go.Figure(
        go.Bar(
            y=cats,
            x=df[value],
            orientation="h",
            marker_color=palette()[0],
            text=[("" if h else lab) for lab, h in zip(labels, hidden, strict=True)],
            textposition="outside",
            textangle=0,
            textfont={"color": VALUE_TEXT},
            cliponaxis=False,
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    if hidden.any():
        base = value_range[0] if value_range else 0
        fig.add_trace(
            hidden_labels(
                y=cats[hidden],
                x=[base] * int(hidden.sum()),
                text=labels[hidden],
                textposition="middle right",
                hovertext=[h for h, m in zip(hover, hidden, strict=True) if m],
            )
        )
    fig.update_yaxes(autorange="reversed", title=category_title, type="category")
    fig.update_xaxes(
        title=value_title,
        range=list(value_range) if value_range else None,
        rangemode="nonnegative",  # counts, shares, rates, costs: from 0 even with no bar
        tickformat=tickformat,
    )
    n = len(df)
    fig = _style(fig, height or max(240, 60 + 28 * n), legend=False)
    fig.update_layout(margin={"r": 50})  # room for the label of the longest bar
    return fig


def heatmap(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    x_order: Sequence[str],
    y_order: Sequence[str],
    x_title: str,
    y_title: str,
    z_title: str,
    z_range: tuple[float, float] | None = None,
    tickformat: str | None = None,
    height: int | None = None,
    classes: tuple[Sequence[float], Sequence[str], Sequence[str]] | None = None,
) -> go.Figure:
    """Cells coloured by z with their label written in, dark or white, whichever reads
    better on the cell's colour (4.5:1 or more, plot_style.text_on); hidden cells stay
    uncoloured and show their label ("<10") in grey italics, as every chart does.

    classes: (edges, colours, edge labels) of the classes of a map on the same page
    (dashboard.maps): the cells then take the same stepped colours, so a colour means the
    same values on both, and the colour bar is marked at the class edges."""
    table = df.pivot_table(index=y, columns=x, values=z, aggfunc="first", dropna=False)
    text = df.pivot_table(index=y, columns=x, values=f"{z}_label", aggfunc="first", dropna=False)
    table = table.reindex(index=list(y_order), columns=list(x_order))
    text = text.reindex(index=list(y_order), columns=list(x_order)).fillna("")
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(dtype=float),
            x=list(x_order),
            y=list(y_order),
            text=text.to_numpy(dtype=object),
            hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{z_title}: %{{text}}<extra></extra>",
            colorscale=sequential(),
            zmin=z_range[0] if z_range else None,
            zmax=z_range[1] if z_range else None,
            colorbar={"title": {"text": z_title}, "tickformat": tickformat},
            xgap=2,
            ygap=2,
        )
    )
    if classes is not None:
        edges, colours, edge_labels = classes
        scale, (lo, hi), ticks = stepped_colorscale(edges, colours)
        fig.update_traces(
            colorscale=scale,
            zmin=lo,
            zmax=hi,
            colorbar={
                "tickmode": "array",
                "tickvals": ticks,
                "ticktext": list(edge_labels)[: len(ticks)],
            },
        )
    fig.add_trace(_cell_labels(table, text, z_range, classes))
    fig.update_layout(plot_bgcolor=plot_style.HEATMAP_EMPTY)
    fig.update_xaxes(title=x_title, type="category", side="top", tickangle=-30)
    fig.update_yaxes(title=y_title, type="category", autorange="reversed")
    return _style(fig, height or max(300, 120 + 30 * len(y_order)), legend=False)


def _cell_labels(
    table: pd.DataFrame,
    text: pd.DataFrame,
    z_range: tuple[float, float] | None,
    classes: tuple[Sequence[float], Sequence[str], Sequence[str]] | None,
) -> go.Scatter:
    """The labels of a heatmap's cells as a text trace (plotly writes a heatmap's own
    labels in one colour, white or grey, under 4.5:1 on the middle of viridis): each shown
    value in the colour that reads best on its cell, each hidden one in grey italics."""
    values = table.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if classes is not None:
        edges, colours = [float(e) for e in classes[0]], list(classes[1])
    lo, hi = (
        z_range
        if z_range
        else ((float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0))
    )
    xs, ys, labels, font_colours, styles = [], [], [], [], []
    for r, row_name in enumerate(table.index):
        for c, col_name in enumerate(table.columns):
            label = str(text.iat[r, c])
            if not label:
                continue
            value = values[r, c]
            if not np.isfinite(value):
                colour, style = muted(), "italic"
            else:
                if classes is not None and len(edges) >= 2 and colours:
                    i = bisect.bisect_right(edges, value) - 1
                    cell = colours[min(max(i, 0), len(colours) - 1)]
                else:
                    share = 0.5 if hi == lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
                    cell = sample_colorscale(sequential(), [share])[0]
                colour, style = plot_style.text_on(cell), "normal"
            xs.append(col_name)
            ys.append(row_name)
            labels.append(label)
            font_colours.append(colour)
            styles.append(style)
    return go.Scatter(
        x=xs,
        y=ys,
        text=labels,
        mode="text",
        textfont={"color": font_colours, "style": styles},
        hoverinfo="skip",
        showlegend=False,
        meta={"cell_labels": True},
    )


def lines(
    df: pd.DataFrame,
    *,
    x: str,
    x_order: Sequence[str],
    y: str,
    series: str,
    series_order: Sequence[str],
    x_title: str,
    y_title: str,
    y_range: tuple[float, float] | None = None,
    tickformat: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """One line per series; hidden points are gaps, with the label on the x axis line."""
    fig = go.Figure()
    colours = palette()
    base = y_range[0] if y_range else 0
    for i, name in enumerate(series_order):
        part = df[df[series] == name].set_index(x).reindex(list(x_order))
        labels = part[f"{y}_label"].fillna("").astype(str)
        colour = colours[i % len(colours)]
        fig.add_trace(
            go.Scatter(
                x=list(x_order),
                y=part[y],
                mode="lines+markers",
                name=str(name),
                line={"color": colour},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8},
                hovertext=[f"{name}<br>{q}: {lab}" for q, lab in zip(x_order, labels, strict=True)],
                hoverinfo="text",
            )
        )
        hidden = part[y].isna() & (labels != "")
        if hidden.any():
            # one row of labels per series, so "<10" of two series never overlap; each
            # label in the muted grey (the series' colours are 3:1 on white, text needs
            # 4.5:1), beside its series' symbol, open, in its colour
            step = ((y_range[1] - y_range[0]) if y_range else 1.0) * 0.05
            quarters = [q for q, h in zip(x_order, hidden, strict=True) if h]
            texts = list(labels[hidden.to_numpy()])
            row = [base + i * step] * len(quarters)
            hover = [f"{name}<br>{q}: {lab}" for q, lab in zip(quarters, texts, strict=True)]
            fig.add_trace(
                go.Scatter(
                    x=quarters,
                    y=row,
                    mode="markers",
                    marker={"symbol": f"{SYMBOLS[i % len(SYMBOLS)]}-open", "size": 7},
                    marker_color=colour,
                    hovertext=hover,
                    hoverinfo="text",
                    showlegend=False,
                )
            )
            fig.add_trace(
                hidden_labels(
                    x=quarters,
                    y=row,
                    text=texts,
                    textposition="middle right",
                    textfont={"size": 11},
                    hovertext=hover,
                )
            )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title, range=list(y_range) if y_range else None, tickformat=tickformat)
    return _style(fig, height, legend=len(series_order) > 1)


def small_multiples(
    df: pd.DataFrame,
    *,
    facet: str,
    facet_order: Sequence[str],
    facet_titles: Mapping[str, str],
    x: str,
    x_order: Sequence[str],
    y: str,
    y_title: str,
    y_range: tuple[float, float],
    tickformat: str | None = None,
    columns: int = 5,
    height: int | None = None,
) -> go.Figure:
    """One small line chart per facet (e.g. per outcome dimension), all on the same scale."""
    rows = max(1, math.ceil(len(facet_order) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes=True,
        subplot_titles=[facet_titles.get(f, f) for f in facet_order],
        vertical_spacing=0.18 if rows > 1 else 0.1,
        horizontal_spacing=0.03,
    )
    colour = palette()[0]
    for i, key in enumerate(facet_order):
        r, c = i // columns + 1, i % columns + 1
        part = df[df[facet] == key].set_index(x).reindex(list(x_order))
        labels = part[f"{y}_label"].fillna("").astype(str)
        title = facet_titles.get(key, key)
        fig.add_trace(
            go.Scatter(
                x=list(x_order),
                y=part[y],
                mode="lines+markers",
                line={"color": colour},
                marker={"size": 6},
                hovertext=[
                    f"{title}<br>{q}: {lab}" for q, lab in zip(x_order, labels, strict=True)
                ],
                hoverinfo="text",
                showlegend=False,
            ),
            row=r,
            col=c,
        )
        hidden = part[y].isna() & (labels != "")
        if hidden.any():
            fig.add_trace(
                hidden_labels(
                    x=[q for q, h in zip(x_order, hidden, strict=True) if h],
                    y=[y_range[0]] * int(hidden.sum()),
                    text=list(labels[hidden.to_numpy()]),
                    textposition="top center",
                    textfont={"size": 10},
                ),
                row=r,
                col=c,
            )
    fig.update_yaxes(range=list(y_range), tickformat=tickformat)
    fig.update_yaxes(title_text=y_title, row=1, col=1)
    fig.update_xaxes(type="category", tickangle=-45, tickfont={"size": 10})
    fig.update_annotations(font_size=12)
    return _style(fig, height or 260 * rows + 60, legend=False)


def _dumbbell_traces(
    df: pd.DataFrame,
    *,
    category: str,
    first: str,
    latest: str,
    first_name: str,
    latest_name: str,
    value_range: tuple[float, float] | None,
    legend: bool = True,
) -> list[go.Scatter]:
    cats = df[category].astype(str).tolist()
    colours = palette()
    traces: list[go.Scatter] = []
    for a, b, cat in zip(df[first], df[latest], cats, strict=True):
        if not (pd.isna(a) or pd.isna(b)):
            traces.append(
                go.Scatter(
                    x=[a, b],
                    y=[cat, cat],
                    mode="lines",
                    line={"color": "#bbbbbb", "width": 3},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    for col, name, colour, symbol in (
        (first, first_name, colours[1], "circle-open"),
        (latest, latest_name, colours[0], "circle"),
    ):
        labels = df[f"{col}_label"].astype(str).tolist()
        traces.append(
            go.Scatter(
                x=df[col],
                y=cats,
                mode="markers",
                name=name,
                legendgroup=name,
                showlegend=legend,
                marker={
                    "color": colour,
                    "size": 12,
                    "symbol": symbol,
                    "line": {"width": 2, "color": colour},
                },
                hovertext=[f"{c}<br>{name}: {lab}" for c, lab in zip(cats, labels, strict=True)],
                hoverinfo="text",
            )
        )
    hidden = df[latest].isna()
    if hidden.any():
        finite = pd.concat([df[first], df[latest]]).dropna()
        base = value_range[0] if value_range else (float(finite.min()) if len(finite) else 0.0)
        traces.append(
            hidden_labels(
                x=[base] * int(hidden.sum()),
                y=[c for c, h in zip(cats, hidden, strict=True) if h],
                text=df.loc[hidden, f"{latest}_label"].astype(str).tolist(),
                textposition="middle right",
            )
        )
    return traces


def dumbbell(
    df: pd.DataFrame,
    *,
    category: str,
    first: str,
    latest: str,
    first_name: str,
    latest_name: str,
    value_title: str,
    value_range: tuple[float, float] | None = None,
    height: int | None = None,
) -> go.Figure:
    """First and latest value per category joined by a line (change between assessments,
    or any two values to compare per category)."""
    fig = go.Figure(
        _dumbbell_traces(
            df,
            category=category,
            first=first,
            latest=latest,
            first_name=first_name,
            latest_name=latest_name,
            value_range=value_range,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    padded = [value_range[0] - 0.1, value_range[1] + 0.1] if value_range else None
    fig.update_xaxes(title=value_title, range=padded)
    return _style(fig, height or max(300, 80 + 34 * len(df)))


def dumbbell_apart(
    df: pd.DataFrame,
    apart: Sequence[bool] | pd.Series,
    *,
    category: str,
    first: str,
    latest: str,
    first_name: str,
    latest_name: str,
    value_title: str,
    apart_title: str,
    height: int | None = None,
) -> go.Figure:
    """dumbbell() with the rows marked `apart` in a panel of their own below, on their own
    axis (apart_title states its unit): for figures on another scale, e.g. case
    management's change in the composite index (0-100) beside changes in 1-4 scores."""
    mask = pd.Series(list(apart), index=df.index, dtype=bool)
    main, other = df[~mask], df[mask]
    if other.empty:
        return dumbbell(
            df,
            category=category,
            first=first,
            latest=latest,
            first_name=first_name,
            latest_name=latest_name,
            value_title=value_title,
            height=height,
        )
    n_main, n_other = max(len(main), 1), len(other)
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[n_main + 1.5, n_other + 1.5],
        vertical_spacing=0.32 / (1 + (n_main + n_other) / 6),
    )
    common = {
        "category": category,
        "first": first,
        "latest": latest,
        "first_name": first_name,
        "latest_name": latest_name,
        "value_range": None,
    }
    for row, part, legend in ((1, main, True), (2, other, False)):
        for trace in _dumbbell_traces(part, legend=legend, **common):
            fig.add_trace(trace, row=row, col=1)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=value_title, row=1, col=1)
    fig.update_xaxes(title=apart_title, row=2, col=1)
    rows = n_main + n_other
    return _style(fig, height or max(340, 150 + 34 * rows))


def grouped_bars(
    df: pd.DataFrame,
    *,
    category: str,
    values: Sequence[tuple[str, str]],
    category_title: str,
    value_title: str,
    tickformat: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Horizontal bars, one group per category (rows in df order), one bar per value column
    (values: (column, legend name)). Hidden values draw no bar and carry their label."""
    cats = df[category].astype(str).tolist()
    colours = palette()
    fig = go.Figure()
    for i, (col, name) in enumerate(values):
        labels = df[f"{col}_label"].astype(str).tolist()
        fig.add_trace(
            go.Bar(
                y=cats,
                x=df[col],
                name=name,
                orientation="h",
                marker_color=colours[i % len(colours)],
                marker_pattern_shape=["", "/", ".", "x"][i % 4],
                hovertext=[f"{c}<br>{name}: {lab}" for c, lab in zip(cats, labels, strict=True)],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", type="category", title=category_title)
    fig.update_xaxes(title=value_title, tickformat=tickformat)
    return _style(fig, height or max(320, 80 + 26 * len(cats) * len(values)))


def curve(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    y_range: tuple[float, float] | None = None,
    tickformat: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """A step curve over a numeric x (e.g. months); hidden points leave a gap."""
    labels = df[f"{y}_label"].astype(str).tolist()
    fig = go.Figure(
        go.Scatter(
            x=df[x],
            y=df[y],
            mode="lines",
            line={"shape": "hv", "color": palette()[0], "width": 3},
            hovertext=[
                f"{x_title}: {a}<br>{y_title}: {lab}" for a, lab in zip(df[x], labels, strict=True)
            ],
            hoverinfo="text",
        )
    )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, range=list(y_range) if y_range else None, tickformat=tickformat)
    return _style(fig, height, legend=False)


def _label_positions(xs: Sequence[float], ys: Sequence[float]) -> list[str]:
    """Above each point, or below when a label above a nearby point would collide."""
    if not len(xs):
        return []
    x_span = (max(xs) - min(xs)) or 1.0
    y_span = (max(ys) - min(ys)) or 1.0
    placed: list[tuple[float, float, str]] = []
    positions = [""] * len(xs)
    for i in sorted(range(len(xs)), key=lambda j: -ys[j]):
        x, y = (xs[i] - min(xs)) / x_span, (ys[i] - min(ys)) / y_span
        crowded = any(
            abs(x - px) < 0.22 and abs(y - py) < 0.15 and pos == "top center"
            for px, py, pos in placed
        )
        positions[i] = "bottom center" if crowded else "top center"
        placed.append((x, y, positions[i]))
    return positions


def scatter(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    size: str,
    label: str,
    x_title: str,
    y_title: str,
    size_title: str,
    hover_label: str | None = None,
    x_tickformat: str | None = None,
    y_tickformat: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """One labelled point per row where both x and y are shown (hidden points are left out:
    the caller says which), its area proportional to `size`; x from zero. A dotted line
    marks y = 0. hover_label: a longer name for the hover text."""
    part = df[df[x].notna() & df[y].notna()]
    sizes = part[size].fillna(0).astype(float)
    biggest = float(sizes.max()) if len(sizes) and sizes.max() > 0 else 1.0
    names = part[hover_label or label].astype(str)
    hover = [
        f"<b>{name}</b><br>{x_title}: {xl}<br>{y_title}: {yl}<br>{size_title}: {sl}"
        for name, xl, yl, sl in zip(
            names, part[f"{x}_label"], part[f"{y}_label"], part[f"{size}_label"], strict=True
        )
    ]
    xs, ys = part[x].astype(float).tolist(), part[y].astype(float).tolist()
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=part[label].astype(str),
            textposition=_label_positions(xs, ys),
            textfont={"color": VALUE_TEXT, "size": 12},
            marker={
                "size": sizes,
                "sizemode": "area",
                "sizeref": 2.0 * biggest / (40.0**2),
                "sizemin": 6,
                "color": palette()[0],
                "opacity": 0.75,
                "line": {"color": "#ffffff", "width": 1},
            },
            hovertext=hover,
            hoverinfo="text",
            cliponaxis=False,
            showlegend=False,
        )
    )
    fig.add_hline(y=0, line={"color": plot_style.REFERENCE_LINE, "width": 1, "dash": "dot"})
    if xs:
        y_lo, y_hi = min(0.0, min(ys)), max(0.0, max(ys))
        pad = (y_hi - y_lo) * 0.15 or 0.1
        fig.update_xaxes(range=[0, max(xs) * 1.12 or 1.0])
        fig.update_yaxes(range=[y_lo - pad, y_hi + pad])
    fig.update_xaxes(title=x_title, tickformat=x_tickformat)
    fig.update_yaxes(title=y_title, tickformat=y_tickformat, zeroline=False)
    return _style(fig, height or 480, legend=False)
