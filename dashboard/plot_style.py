"""The plotly template every figure starts from: plotly_white's layout, and its defaults for
the three kinds of trace the dashboard draws (bar, heatmap, scatter).

plotly copies and checks a figure's whole template when the figure is made and again when a
template is named: plotly's own templates carry defaults for two dozen kinds of trace, and
making them was the largest part of drawing a page (about 25 ms a figure; this one, 1 ms).
Importing this module makes it the default. Nothing here imports streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

NAME = "gms"


def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"]
    return go.layout.Template(
        layout=white.layout,
        data={kind: white.data[kind] for kind in ("bar", "heatmap", "scatter")},
    )


if NAME not in pio.templates:
    pio.templates[NAME] = _template()
pio.templates.default = NAME
