"""One measure's chart: its outturn, forecast, plan or target and trend on a real time axis; an
active title and a one-sentence summary that lead with the figure the pages lead with; a
sparkline for tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import plotly.graph_objects as go

from domain.periods import parse_term
from figures.amounts import stated
from figures.theme import (
    DARK_BLUE,
    DARK_GREY,
    DARK_PINK,
    FORECAST_LINE,
    ORANGE,
    TEXT,
    TURQUOISE,
    build_template_json,
    forecast_marker,
)
from figures.timeaxis import axis_dates, time_axis
from kpis.catalogue import Measure
from kpis.formats import format_variance
from kpis.measures import MeasureValue, forecast_of, reported_of
from kpis.timeline import period_date
from kpis.trajectory import IMPROVING, WORSENING
from kpis.wording import (
    figure_phrase,
    is_balance,
    period_phrase,
    show_value,
    statement,
    trend_end,
    trend_phrase,
)

STATUS_WORDS = {"green": "on track", "amber": "at risk", "red": "off track"}
SEASONS = ("Autumn", "Spring", "Summer")
# One line per season for a termly flow: colour, marker and dash all differ, so the lines can be
# told apart without colour.
SEASON_STYLE = {
    "Autumn": (DARK_BLUE, "circle", "solid"),
    "Spring": (TURQUOISE, "square", "dashdot"),
    "Summer": (DARK_PINK, "triangle-up", "longdashdot"),
}
# The legend reads plan, outturn, forecast, trend, whatever order the lines are drawn in: the
# trend underneath everything, the plan on top.
LEGEND_RANKS = {"plan": 1, "outturn": 2, "forecast": 3, "trend": 4}
SEASON_NOTE = "Each line joins the same term in successive years: terms differ in length"
UNIT_TITLES = {"£m": "£ millions", "£": "£", "%": "Per cent", "ratio": "Ratio"}
SIGN_TITLES = {
    "deficit_positive": "deficit (+) / surplus (-)",
    "surplus_positive": "surplus (+) / deficit (-)",
}
# '~' drops trailing zeros, so zero reads 0; Plotly's own minus sign never gives '-0'.
TICK_FORMAT = ",~f"


def plotted(value: Decimal | float | None, unit: str | None) -> float | None:
    """A value as the axis shows it: a % as 4.7 rather than 0.047; zero never as -0."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact * 100) + 0.0 if unit == "%" else float(exact) + 0.0


def shown(value: Decimal | float | None, measure: Measure) -> str:
    """show_value, with a figure that rounds to nothing written without a minus sign."""
    if value is None:
        return show_value(None, measure)
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if exact != 0 and show_value(abs(exact), measure) == show_value(Decimal(0), measure):
        exact = Decimal(0)
    return show_value(exact, measure)


def judged(series: Sequence[MeasureValue]) -> list[MeasureValue]:
    """The periods with an outturn, forecast or return, leaving out plan-only years."""
    return [v for v in series if v.basis != "plan" and v.value is not None]


def _target_word(series: Sequence[MeasureValue]) -> str:
    return "plan" if series and series[0].measure.category == "DSG" else "target"


def _amount(change: Decimal, measure: Measure) -> str:
    """A difference without its sign, in the measure's unit: '744', '£4.700m', '0.4 points'."""
    text = format_variance(abs(change), measure.unit or "count").lstrip("+")
    return text.replace(" percentage points", " points")


def _shows_any(amount: str) -> bool:
    """Whether a formatted amount shows anything but zeros: '0.00', '£0.000m' show nothing."""
    return any(c in "123456789" for c in amount)


def _comparison(value: MeasureValue, word: str) -> str:
    """'744 above target', '£4.700m worse than plan', 'on target'; '' with no variance or when
    the target is for a different length of time than the figure."""
    if value.variance is None or value.extra.get("judged_on"):
        return ""
    amount = _amount(value.variance, value.measure)
    if not _shows_any(amount):
        # a difference that rounds to nothing at the shown precision is no difference
        return f"on {word}"
    if is_balance(value.measure):
        worse = value.status in ("amber", "red") or _worse(value.variance, value.measure)
        return f"{amount} {'worse' if worse else 'better'} than {word}"
    return f"{amount} {'above' if value.variance > 0 else 'below'} {word}"


def _worse(change: Decimal, measure: Measure) -> bool:
    return change > 0 if measure.direction == "lower_is_better" else change < 0


def _earlier(series: Sequence[MeasureValue], value: MeasureValue) -> MeasureValue | None:
    """The figure the direction of travel compared with (``compared_with``)."""
    if value.compared_with is None:
        return None
    return next((v for v in judged(series) if v.period == value.compared_with), None)


def _movement(value: MeasureValue, earlier: MeasureValue) -> str:
    """'up 73 on Spring 2026', '£10.424m better than Spring 2026', 'unchanged on Spring 2026'."""
    change = stated(value.value) - stated(earlier.value)
    amount = _amount(change, value.measure)
    if not _shows_any(amount):
        return f"unchanged on {earlier.period}"
    if is_balance(value.measure) and value.direction_of_travel in (IMPROVING, WORSENING):
        word = "better" if value.direction_of_travel == IMPROVING else "worse"
        return f"{amount} {word} than {earlier.period}"
    return f"{'up' if change > 0 else 'down'} {amount} on {earlier.period}"


def measure_title(series: Sequence[MeasureValue]) -> str:
    """An active title: the figure the page leads with, its period and basis, and how it
    stands against its plan or target or, with none, against its comparable period."""
    reported = reported_of(series)
    if reported is None:
        return "No figures loaded yet for this measure"
    head = figure_phrase(reported)
    versus = _comparison(reported, _target_word(series))
    if versus:
        return f"{head}, {versus}"
    earlier = _earlier(series, reported)
    return f"{head}, {_movement(reported, earlier)}" if earlier else head


def _against_plan(value: MeasureValue, word: str) -> str:
    if value.plan_value is None:
        return ""
    status = STATUS_WORDS.get(value.status, "no status")
    target = shown(value.plan_value, value.measure)
    if value.extra.get("judged_on"):
        judged_value = value.extra.get("judged_value")
        return (
            f"{shown(judged_value, value.measure)} in {value.extra['judged_on']} against "
            f"a {word} of {target} for a year ({status})"
        )
    return f"against a {word} of {target} ({status})"


def _movement_phrase(value: MeasureValue, earlier: MeasureValue) -> str:
    """'up from 12,809 in Spring 2026', 'better than £13.125m deficit in Spring 2026'."""
    before = f"{shown(earlier.value, value.measure)} in {earlier.period}"
    if value.value == earlier.value:
        return f"unchanged from {before}"
    if is_balance(value.measure) and value.direction_of_travel in (IMPROVING, WORSENING):
        return f"{'better' if value.direction_of_travel == IMPROVING else 'worse'} than {before}"
    return f"{'up' if stated(value.value) > stated(earlier.value) else 'down'} from {before}"


def trend_of(series: Sequence[MeasureValue]) -> dict | None:
    """The trend carried to the end of the plan, if one was fitted; never for a measure the
    council forecasts itself."""
    if not series or series[0].measure.is_council_forecast:
        return None
    found = [v.projection for v in series if v.projection]
    latest = found[-1] if found else None
    return latest if latest and latest.get("basis") == "trend" else None


def summarise_measure(series: Sequence[MeasureValue]) -> str:
    """The chart in one sentence, for screen readers and for anyone who cannot see it: the
    reported figure, its plan or target, its movement, the latest forecast and the trend."""
    reported = reported_of(series)
    if reported is None:
        return "No figures for this measure have been loaded yet, so there is nothing to chart."
    parts = [statement(reported)]
    against = _against_plan(reported, _target_word(series))
    if against:
        parts.append(against)
    earlier = _earlier(series, reported)
    if earlier is not None:
        parts.append(_movement_phrase(reported, earlier))
    forecast = forecast_of(series)
    if forecast is not None and forecast is not reported:
        parts.append(f"and is forecast to be {figure_phrase(forecast)}")
    sentence = ", ".join(parts)
    trend = trend_of(series)
    if trend is not None:
        sentence += "; " + trend_phrase(trend, reported.measure)
    return sentence + "."


def y_axis_title(measure: Measure) -> str:
    """The value axis in the measure's one unit; a balance says which way round its sign is."""
    unit = UNIT_TITLES.get(measure.unit or "count")
    if unit is None:
        unit = (measure.count_unit or "number").capitalize()
    sign = SIGN_TITLES.get(measure.sign or "")
    return f"{unit}: {sign}" if sign else unit


def _hover(values: Sequence[MeasureValue]) -> list[str]:
    """'12,882 in Summer 2026 (outturn)', in the measure's unit and words."""
    return [f"{shown(v.value, v.measure)} in {period_phrase(v)}" for v in values]


def _scatter(values: Sequence[MeasureValue], **style) -> dict:
    measure = values[0].measure
    return dict(
        type="scatter",
        x=axis_dates([v.period for v in values], measure.grain),
        y=[plotted(v.value, measure.unit) for v in values],
        mode="lines+markers",
        hovertext=_hover(values),
        hoverinfo="text",
        **style,
    )


def _plan(series: Sequence[MeasureValue]) -> list[dict]:
    # A yearly target beside termly figures would compare a year with a term: left off.
    planned = [v for v in series if v.plan_value is not None and not v.extra.get("judged_on")]
    if not planned:
        return []
    measure, word = planned[0].measure, _target_word(series)
    return [
        dict(
            type="scatter",
            x=axis_dates([v.period for v in planned], measure.grain),
            y=[plotted(v.plan_value, measure.unit) for v in planned],
            name=word.capitalize(),
            mode="lines+markers",
            # drawn over the figures, thinner, its open diamonds large enough to ring the
            # outturn's markers: a plan met exactly would otherwise lie hidden under the outturn
            # and forecast line, and filled markers on top would hide the outturn's instead
            line=dict(color=DARK_GREY, dash="dash", width=2),
            marker=dict(symbol="diamond-open", size=14, color=DARK_GREY, line=dict(width=2)),
            legendrank=LEGEND_RANKS["plan"],
            hovertext=[f"{shown(v.plan_value, measure)} in {v.period} ({word})" for v in planned],
            hoverinfo="text",
        )
    ]


def _outturn(outturn: list[MeasureValue]) -> list[dict]:
    if not outturn:
        return []
    if not outturn[0].measure.is_flow:
        return [
            _scatter(
                outturn,
                name="Outturn",
                legendrank=LEGEND_RANKS["outturn"],
                line=dict(color=DARK_BLUE, width=3),
                marker=dict(symbol="circle", size=9, color=DARK_BLUE),
            )
        ]
    lines = []
    for season in SEASONS:
        terms = [v for v in outturn if parse_term(v.period).season == season]
        if not terms:
            continue
        colour, symbol, dash = SEASON_STYLE[season]
        lines.append(
            _scatter(
                terms,
                name=f"{season} terms",
                legendrank=LEGEND_RANKS["outturn"],
                line=dict(color=colour, width=3, dash=dash),
                marker=dict(symbol=symbol, size=10, color=colour),
            )
        )
    return lines


def forecast_label(forecasts: Sequence[MeasureValue]) -> str:
    made = {v.extra.get("made_in") for v in forecasts} - {None}
    if len(made) == 1:
        return f"Forecast (made in {made.pop()})"
    if made and all(v.extra.get("made_in") == v.period for v in forecasts):
        return "Forecast (each made in the term shown)"
    return "Forecast"


def _forecast(outturn: list[MeasureValue], forecasts: list[MeasureValue]) -> list[dict]:
    if not forecasts:
        return []
    measure = forecasts[0].measure
    # Joined to the last outturn by a dashed line, without a marker on the outturn's point.
    start = [outturn[-1]] if outturn and not measure.is_flow else []
    return [
        _scatter(
            start + forecasts,
            name=forecast_label(forecasts),
            legendrank=LEGEND_RANKS["forecast"],
            line=FORECAST_LINE,
            marker=forecast_marker(joined=len(start), forecasts=len(forecasts)),
        )
    ]


def _boundary(last: MeasureValue, first: MeasureValue) -> tuple[dict, dict]:
    """A vertical line between the last outturn and the first forecast, and its label saying
    which is which."""
    grain = last.measure.grain
    a, b = period_date(last.period, grain), period_date(first.period, grain)
    middle = (a + (b - a) / 2).isoformat()
    line = dict(
        type="line",
        xref="x",
        yref="paper",
        x0=middle,
        x1=middle,
        y0=0,
        y1=1,
        line=dict(color=TEXT, width=1, dash="dot"),
    )
    label = dict(
        x=middle,
        xref="x",
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor="center",
        showarrow=False,
        text=f"Outturn to {last.period} | forecast from {first.period}",
        font=dict(size=12),
    )
    return line, label


def _trend(series: Sequence[MeasureValue]) -> list[dict]:
    trend = trend_of(series)
    if trend is None or trend["period"] == trend["from_period"]:
        return []
    measure = series[0].measure
    # the line runs through the figures it was fitted on, so it reads as their line of best fit
    # and not as a series of its own starting beside the latest figure
    if "first_value" in trend:
        first, start = trend["fitted"][0], trend["first_value"]
    else:
        first, start = trend["from_period"], trend["from_value"]
    # a measure that cannot fall below zero has its line stop where it reaches zero
    end = trend.get("zero_date") or axis_dates([trend["period"]], measure.grain)[0]
    return [
        dict(
            type="scatter",
            x=[*axis_dates([first], measure.grain), end],
            y=[plotted(start, measure.unit), plotted(trend["value"], measure.unit)],
            name="Trend (not a forecast)",
            legendrank=LEGEND_RANKS["trend"],
            mode="lines+markers",
            line=dict(color=ORANGE, dash="dot", width=3),
            marker=dict(symbol="hexagon-open", size=[0, 10], color=ORANGE, line=dict(width=2)),
            hovertext=[
                f"trend fitted from {first}",
                f"{trend_end(trend, measure).removeprefix('be ')} (trend, not a forecast)",
            ],
            hoverinfo="text",
        )
    ]


def _axis_periods(series: Sequence[MeasureValue]) -> list[str]:
    periods = [v.period for v in series if v.value is not None or v.plan_value is not None]
    trend = trend_of(series)
    return periods + [trend["period"]] if trend else periods


MILLION = Decimal(1_000_000)


def _millions(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount / MILLION


def _trend_in_millions(projection: dict | None) -> dict | None:
    """A trend's numbers (floats, in the measure's unit) in millions; its periods as they are."""
    if not projection:
        return projection
    numbers = ("value", "from_value", "first_value")
    return {
        k: x / 1_000_000 if k in numbers and x is not None else x for k, x in projection.items()
    }


def in_millions(series: Sequence[MeasureValue]) -> list[MeasureValue]:
    """A measure in pounds that reaches a million, restated in £m, so its axis reads 70 under
    '£ millions' and its points '£67.063m' as every other million is shown, not 70,000,000."""
    if not series or series[0].measure.unit != "£":
        return list(series)
    amounts = [a for v in series for a in (v.value, v.plan_value) if a is not None]
    if not amounts or max(abs(a) for a in amounts) < MILLION:
        return list(series)
    measure = replace(series[0].measure, unit="£m")
    return [
        replace(
            v,
            measure=measure,
            value=_millions(v.value),
            plan_value=_millions(v.plan_value),
            variance=_millions(v.variance),
            projection=_trend_in_millions(v.projection),
        )
        for v in series
    ]


def _season_note(shifted: bool) -> dict:
    return dict(
        text=SEASON_NOTE,
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        yshift=18 if shifted else 0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=12),
    )


def _value_axis(measure: Measure) -> dict:
    return dict(
        # a set gap: without it a short title such as "£" is drawn among long tick labels
        title=dict(text=y_axis_title(measure), standoff=12),
        tickformat=TICK_FORMAT,
        ticksuffix="%" if measure.unit == "%" else "",
        # a balance always shows nil, so a deficit and a surplus sit either side of it
        zeroline=is_balance(measure),
        rangemode="tozero" if is_balance(measure) else "normal",
        zerolinecolor=TEXT,
        fixedrange=True,
        automargin=True,
    )


def build_measure_json(series: Sequence[MeasureValue], *, height: int = 360) -> dict:
    """The measure against its plan or target on a time axis, as Plotly's JSON: outturn solid,
    forecast dashed with open markers, the trend dotted; a termly flow drawn one line per
    season. Written as plain data because a page draws some 25 of them, and building each
    through Plotly's validating objects took most of a page's time (build_measure_figure gives
    the validated figure, for exports and tests)."""
    if not series:
        return dict(data=[], layout=dict(template=build_template_json()))
    series = in_millions(series)
    measure = series[0].measure
    values = judged(series)
    outturn = [v for v in values if v.basis == "actual"]
    forecasts = [v for v in values if v.basis == "forecast"]
    shapes, annotations = [], []
    if outturn and forecasts:
        line, label = _boundary(outturn[-1], forecasts[0])
        shapes.append(line)
        annotations.append(label)
    if measure.is_flow:
        annotations.append(_season_note(shifted=bool(forecasts and outturn)))
    data = _trend(series) + _forecast(outturn, forecasts) + _outturn(outturn) + _plan(series)
    layout = dict(
        template=build_template_json(),
        height=height,
        margin=dict(t=48, b=16, l=16, r=24),
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=0, yref="container", x=0),
        xaxis=time_axis(_axis_periods(series), measure.grain),
        yaxis=_value_axis(measure),
    )
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return dict(data=data, layout=layout)


def build_measure_figure(series: Sequence[MeasureValue], *, height: int = 360) -> go.Figure:
    """build_measure_json as a validated Plotly figure."""
    return go.Figure(build_measure_json(series, height=height))


def _sparkline_values(series: Sequence[MeasureValue]) -> list[MeasureValue]:
    """For a flow, the latest figure's season only, so the line shows change rather than the
    difference between a short term and a long one."""
    values = judged(series)
    if values and values[0].measure.is_flow:
        season = parse_term(values[-1].period).season
        return [v for v in values if parse_term(v.period).season == season]
    return values


def sparkline_svg(series: Sequence[MeasureValue], *, width: int = 96, height: int = 24) -> str:
    """A tiny line of the judged values, as SVG markup, for a row of the status table."""
    points = [float(stated(v.value)) for v in _sparkline_values(series)]
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
    """'Summer terms from 452 in Summer 2023 (outturn) to 501 in Summer 2026 (outturn)'."""
    values = _sparkline_values(series)
    if len(values) < 2:
        return "Too few periods for a line"
    first, last = values[0], values[-1]
    which = f"{parse_term(last.period).season} terms from" if last.measure.is_flow else "From"
    return f"{which} {figure_phrase(first)} to {figure_phrase(last)}"
