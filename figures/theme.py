"""One Plotly template for every chart, with the Analysis Function accessible palette."""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "lfi"
# Government Analysis Function categorical palette, in its recommended order.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = PALETTE
TEXT = "#0B0C0C"
# A forecast is drawn apart from the outturn everywhere: a long-dashed line, open markers.
FORECAST_LINE = dict(color=DARK_BLUE, width=3, dash="longdash")


def forecast_marker(*, joined: int, forecasts: int) -> dict:
    """Open circles on the forecast points; none on the outturn points the line starts from."""
    return dict(
        symbol="circle-open",
        size=[0] * joined + [10] * forecasts,
        color=DARK_BLUE,
        line=dict(width=2, color=DARK_BLUE),
    )


GRID = "#D9D9D9"
FONT = "Arial, Helvetica, sans-serif"


def _build_template() -> go.layout.Template:
    axis = dict(
        showgrid=False,
        linecolor=TEXT,
        ticks="outside",
        tickcolor=TEXT,
        title=dict(font=dict(size=14)),
        zeroline=False,
        # No zoom or pan: the page gives the figures as a table instead of Plotly's mode bar.
        fixedrange=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT, size=14, color=TEXT),
            colorway=list(PALETTE),
            paper_bgcolor="white",
            plot_bgcolor="white",
            title=dict(x=0, xanchor="left", font=dict(size=18)),
            xaxis=axis,
            yaxis={**axis, "showgrid": True, "gridcolor": GRID, "ticks": ""},
            legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
            margin=dict(l=64, r=24, t=72, b=48),
            hoverlabel=dict(font=dict(family=FONT)),
        )
    )


@cache
def build_template_json() -> dict:
    """The template as Plotly's JSON, for a figure written as plain data (a figure built as
    go.Figure takes the default template itself)."""
    return _build_template().to_plotly_json()


def register_theme() -> None:
    """Register the template and make it the default for every figure."""
    pio.templates[TEMPLATE_NAME] = _build_template()
    pio.templates.default = TEMPLATE_NAME


register_theme()
