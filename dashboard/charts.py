"""Plotly figures. Inputs are suppressed frames: a value column (NaN where hidden) and its
`_label` column. A hidden or empty point is never drawn as zero: the chart writes its label
("<10", "withheld", "–") at the base of the axis instead. Titles and axis names arrive as
translated text; nothing here imports streamlit or builds a user-visible word itself.

Colours: Okabe-Ito for categories, viridis for scales (dashboard.yaml), both readable with
the common forms of colour blindness; series also differ by marker symbol.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import config

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "pentagon")


def _charts() -> dict:
    return config.settings().charts


def palette() -> list[str]:
    return list(_charts().get("categorical") or ["#0072B2", "#E69F00", "#009E73", "#CC79A7"])


def muted() -> str:
    return str(_charts().get("muted", "#6b6b6b"))


def sequential() -> str:
    return str(_charts().get("sequential", "viridis_r"))


def _height(height: int | None) -> int:
    return int(height or _charts().get("height", 420))


def _style(fig: go.Figure, height: int | None = None, *, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=_height(height),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 13},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 13},
    )
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
    """Horizontal bars in the order of df (first at the top)."""
    labels = df[f"{value}_label"].astype(str)
    cats = df[category].astype(str)
    hover = [f"{c}<br>{value_title}: {lab}" for c, lab in zip(cats, labels, strict=True)]
    fig = go.Figure(
        go.Bar(
            y=cats,
            x=df[value],
            orientation="h",
            marker_color=palette()[0],
            text=labels,
            textposition="auto",
            hovertext=hover,
            hoverinfo="text",
        )
    )
    hidden = df[value].isna()
    if hidden.any():
        base = value_range[0] if value_range else 0
        fig.add_trace(
            go.Scatter(
                y=cats[hidden],
                x=[base] * int(hidden.sum()),
                mode="text",
                text=labels[hidden],
                textposition="middle right",
                textfont={"color": muted()},
                hovertext=[h for h, m in zip(hover, hidden, strict=True) if m],
                hoverinfo="text",
            )
        )
    fig.update_yaxes(autorange="reversed", title=category_title, type="category")
    fig.update_xaxes(
        title=value_title, range=list(value_range) if value_range else None, tickformat=tickformat
    )
    n = len(df)
    return _style(fig, height or max(240, 60 + 28 * n), legend=False)


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
) -> go.Figure:
    """Cells coloured by z with their label written in; hidden cells stay uncoloured and
    show their label ("<10")."""
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
            texttemplate="%{text}",
            hovertemplate=f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{z_title}: %{{text}}<extra></extra>",
            colorscale=sequential(),
            zmin=z_range[0] if z_range else None,
            zmax=z_range[1] if z_range else None,
            colorbar={"title": {"text": z_title}, "tickformat": tickformat},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(plot_bgcolor="#f2f2f2")
    fig.update_xaxes(title=x_title, type="category", side="top", tickangle=-30)
    fig.update_yaxes(title=y_title, type="category", autorange="reversed")
    return _style(fig, height or max(300, 120 + 30 * len(y_order)), legend=False)


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
            # one row of labels per series, so "<10" of two series never overlap
            step = ((y_range[1] - y_range[0]) if y_range else 1.0) * 0.05
            fig.add_trace(
                go.Scatter(
                    x=[q for q, h in zip(x_order, hidden, strict=True) if h],
                    y=[base + i * step] * int(hidden.sum()),
                    mode="text",
                    text=list(labels[hidden.to_numpy()]),
                    textposition="top center",
                    textfont={"color": colour, "size": 11},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title, range=list(y_range) if y_range else None, tickformat=tickformat)
    return _style(fig, height)


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
                go.Scatter(
                    x=[q for q, h in zip(x_order, hidden, strict=True) if h],
                    y=[y_range[0]] * int(hidden.sum()),
                    mode="text",
                    text=list(labels[hidden.to_numpy()]),
                    textposition="top center",
                    textfont={"color": muted(), "size": 10},
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row=r,
                col=c,
            )
    fig.update_yaxes(range=list(y_range), tickformat=tickformat)
    fig.update_yaxes(title_text=y_title, row=1, col=1)
    fig.update_xaxes(type="category", tickangle=-45, tickfont={"size": 10})
    fig.update_annotations(font_size=12)
    return _style(fig, height or 260 * rows + 60, legend=False)


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
    cats = df[category].astype(str).tolist()
    colours = palette()
    fig = go.Figure()
    for a, b, cat in zip(df[first], df[latest], cats, strict=True):
        if not (pd.isna(a) or pd.isna(b)):
            fig.add_trace(
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
        fig.add_trace(
            go.Scatter(
                x=df[col],
                y=cats,
                mode="markers",
                name=name,
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
        fig.add_trace(
            go.Scatter(
                x=[base] * int(hidden.sum()),
                y=[c for c, h in zip(cats, hidden, strict=True) if h],
                mode="text",
                text=df.loc[hidden, f"{latest}_label"].astype(str).tolist(),
                textposition="middle right",
                textfont={"color": muted()},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    fig.update_yaxes(autorange="reversed", type="category")
    padded = [value_range[0] - 0.1, value_range[1] + 0.1] if value_range else None
    fig.update_xaxes(title=value_title, range=padded)
    return _style(fig, height or max(300, 80 + 34 * len(cats)))


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
