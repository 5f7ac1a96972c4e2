"""One measure's chart: its values over time against its plan or target, with the projection;
an active title of ten words or fewer; a one-sentence summary; a sparkline for tables."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import plotly.graph_objects as go

from figures.theme import DARK_BLUE, DARK_GREY, ORANGE, TEMPLATE_NAME
from kpis.formats import format_value, format_variance
from kpis.measures import MeasureValue

STATUS_WORDS = {"green": "on track", "amber": "at risk", "red": "off track"}
# Money is labelled by the axis title, not a tick prefix: Plotly would print "£−10.0m".
AXIS_FORMAT = {
    "£m": dict(tickformat=",.1f", title=dict(text="£ millions")),
    "£": dict(tickformat=",.0f", title=dict(text="£")),
    "%": dict(ticksuffix="%", tickformat=",.1f"),
    "ratio": dict(tickformat=",.2f"),
    "count": dict(tickformat=",.0f"),
}


def plotted(value: Decimal | float | None, unit: str) -> float | None:
    """A value as the axis shows it: a % as 4.7 rather than 0.047."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact * 100) if unit == "%" else float(exact)


def judged(series: Sequence[MeasureValue]) -> list[MeasureValue]:
    """The periods with an outturn, forecast or return, leaving out plan-only years."""
    return [v for v in series if v.basis != "plan" and v.value is not None]


def _target_word(series: Sequence[MeasureValue]) -> str:
    return "plan" if series and series[0].measure.category == "DSG" else "target"


def _comparison(value: MeasureValue, word: str) -> str:
    """'412 above target', '£1.200m below plan', 'on target'."""
    if value.variance is None:
        return ""
    if value.variance == 0:
        return f"on {word}"
    side = "above" if value.variance > 0 else "below"
    unit = value.measure.unit
    amount = format_variance(abs(value.variance), unit).lstrip("+")
    if unit == "%":
        amount = amount.replace(" percentage points", " points")
    return f"{amount} {side} {word}"


def measure_title(series: Sequence[MeasureValue]) -> str:
    """An active title: the latest figure and how it stands, in ten words or fewer."""
    values = judged(series)
    if not values:
        return "No figures loaded yet for this measure"
    latest = values[-1]
    unit = latest.measure.unit
    head = f"{format_value(latest.value, unit)} in {latest.period}"
    versus = _comparison(latest, _target_word(series))
    if versus:
        return f"{head}, {versus}"
    if len(values) > 1:
        previous = values[-2]
        change = latest.value - previous.value
        amount = format_variance(abs(change), unit).lstrip("+").replace(" percentage points", "")
        if change == 0 or not any(c in "123456789" for c in amount):
            return f"{head}, unchanged on {previous.period}"
        side = "up" if change > 0 else "down"
        return f"{head}, {side} {amount} on {previous.period}"
    return head


def summarise_measure(series: Sequence[MeasureValue]) -> str:
    """The chart in one sentence, for screen readers and for anyone who cannot see it."""
    values = judged(series)
    if not values:
        return "No figures for this measure have been loaded yet, so there is nothing to chart."
    measure, latest = values[0].measure, values[-1]
    unit = measure.unit
    parts = [f"{measure.label} was {format_value(latest.value, unit)} in {latest.period}"]
    if latest.plan_value is not None:
        word = _target_word(series)
        parts.append(
            f"against a {word} of {format_value(latest.plan_value, unit)}"
            f" ({STATUS_WORDS.get(latest.status, 'no status')})"
        )
    if len(values) > 1:
        first = values[0]
        parts.append(f"from {format_value(first.value, unit)} in {first.period}")
    if latest.projection:
        projected = Decimal(str(latest.projection["value"]))
        parts.append(
            f"and on its recent trend would be {format_value(projected, unit)} "
            f"by {latest.projection['period']}"
        )
    return ", ".join(parts) + "."


def _hover(values: Sequence[MeasureValue], *, planned: bool) -> list[str]:
    out = []
    for v in values:
        amount = v.plan_value if planned else v.value
        what = "plan or target" if planned else v.basis
        out.append(f"{v.period}: {format_value(amount, v.measure.unit)} ({what})")
    return out


def build_measure_figure(series: Sequence[MeasureValue], *, height: int = 360) -> go.Figure:
    """The measure against its plan or target, with its projection to the end of the plan."""
    figure = go.Figure()
    if not series:
        return figure
    unit = series[0].measure.unit
    planned = [v for v in series if v.plan_value is not None]
    if planned:
        figure.add_trace(
            go.Scatter(
                x=[v.period for v in planned],
                y=[plotted(v.plan_value, unit) for v in planned],
                name=_target_word(series).capitalize(),
                mode="lines+markers",
                line=dict(color=DARK_GREY, dash="dash", width=2),
                marker=dict(symbol="diamond", size=7),
                hovertext=_hover(planned, planned=True),
                hoverinfo="text",
            )
        )
    values = judged(series)
    figure.add_trace(
        go.Scatter(
            x=[v.period for v in values],
            y=[plotted(v.value, unit) for v in values],
            name="Actual or forecast",
            mode="lines+markers",
            line=dict(color=DARK_BLUE, width=3),
            marker=dict(size=8),
            hovertext=_hover(values, planned=False),
            hoverinfo="text",
        )
    )
    _add_projection(figure, values, unit)
    periods = list(dict.fromkeys([v.period for v in series] + _projection_period(values)))
    figure.update_layout(
        template=TEMPLATE_NAME,
        height=height,
        margin=dict(t=16, b=16, l=16, r=16),
        legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
        xaxis=dict(
            type="category",
            categoryorder="array",
            categoryarray=periods,
            tickmode="array",
            tickvals=periods,
            ticktext=[p.replace(" ", "<br>") for p in periods],
            tickangle=0,
            fixedrange=True,
            automargin=True,
        ),
        yaxis=dict(fixedrange=True, automargin=True, **AXIS_FORMAT.get(unit, {})),
    )
    return figure


def _projection_period(values: Sequence[MeasureValue]) -> list[str]:
    latest = values[-1] if values else None
    if latest is None or not latest.projection or latest.measure.projection != "linear_trend":
        return []
    return [latest.projection["period"]]


def _add_projection(figure: go.Figure, values: Sequence[MeasureValue], unit: str) -> None:
    latest = values[-1] if values else None
    if latest is None or not latest.projection or latest.measure.projection != "linear_trend":
        return
    end = latest.projection
    if end["period"] == latest.period:
        return
    figure.add_trace(
        go.Scatter(
            x=[latest.period, end["period"]],
            y=[plotted(latest.value, unit), plotted(end["value"], unit)],
            name="Projection on recent trend",
            mode="lines+markers",
            line=dict(color=ORANGE, dash="dot", width=2),
            marker=dict(symbol="circle-open", size=8),
            hovertext=[
                "",
                f"{end['period']}: {format_value(Decimal(str(end['value'])), unit)} (projection)",
            ],
            hoverinfo="text",
        )
    )


def sparkline_svg(series: Sequence[MeasureValue], *, width: int = 96, height: int = 24) -> str:
    """A tiny line of the judged values, as SVG markup, for a row of the status table."""
    points = [float(v.value) for v in judged(series)]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 4) / (len(points) - 1)
    coords = [
        (2 + i * step, height - 2 - (p - low) / span * (height - 4)) for i, p in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    x, y = coords[-1]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="{DARK_BLUE}" '
        f'stroke-width="2" points="{line}"/><circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" '
        f'fill="{DARK_BLUE}"/></svg>'
    )


def describe_sparkline(series: Sequence[MeasureValue]) -> str:
    values = judged(series)
    if len(values) < 2:
        return "Too few periods for a trend line"
    unit = values[0].measure.unit
    first, last = values[0], values[-1]
    return (
        f"Trend from {format_value(first.value, unit)} in {first.period} "
        f"to {format_value(last.value, unit)} in {last.period}"
    )
