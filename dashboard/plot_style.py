"""The plotly template every figure starts from: plotly_white's layout, and its defaults for
the three kinds of trace the dashboard draws (bar, heatmap, scatter), with the page's text
colour and the chart palette of dashboard.yaml (charts.categorical) as its colour way.

plotly copies and checks a figure's whole template when the figure is made and again when a
template is named: plotly's own templates carry defaults for two dozen kinds of trace, and
making them was the largest part of drawing a page (about 25 ms a figure; this one, 1 ms).
Importing this module makes it the default. Nothing here imports streamlit.

Contrast (WCAG 2.1 AA, README, Accessibility): text in charts is TEXT or charts.muted,
4.5:1 or more on white and on the heatmaps' grey; every categorical colour, which draws
lines, bars and markers, is 3:1 or more on white (tests/dashboard/test_charts.py checks
both with contrast()).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard import config

NAME = "gms"
TEXT = "#141312"  # the page's text colour (.streamlit/config.toml, theme.textColor)
BACKGROUND = "#ffffff"
HEATMAP_EMPTY = "#f2f2f2"  # behind a heatmap's hidden cells
# axis ticks and titles: Streamlit's chart theme writes them in #808495 (3.8:1 on white);
# this grey of the same hue is 6.9:1 and still quieter than the values
AXIS_TEXT = "#575a66"
REFERENCE_LINE = "#767676"  # lines that mark a reference value (y = 0): 4.5:1 on white


def _channels(colour: str) -> list[int]:
    """#rrggbb, #rgb or rgb(r, g, b) (plotly's sampled colours) as three integers."""
    colour = colour.strip()
    if colour.startswith("rgb"):
        return [int(float(v)) for v in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    value = colour.lstrip("#")
    if len(value) == 3:  # #rgb
        value = "".join(ch * 2 for ch in value)
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)]


def _luminance(colour: str) -> float:
    channels = [c / 255 for c in _channels(colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two colours (#rrggbb or rgb(...)), 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """TEXT or white, whichever reads better on the background: 4.5:1 or more on any
    colour (a heatmap cell's label)."""
    return TEXT if contrast(TEXT, background) >= contrast(BACKGROUND, background) else BACKGROUND


def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"]
    layout = go.Layout(white.layout)
    layout.update(
        font={"color": TEXT},
        colorway=list(config.settings().charts.get("categorical") or []) or None,
    )
    return go.layout.Template(
        layout=layout,
        data={kind: white.data[kind] for kind in ("bar", "heatmap", "scatter")},
    )


if NAME not in pio.templates:
    pio.templates[NAME] = _template()
pio.templates.default = NAME
