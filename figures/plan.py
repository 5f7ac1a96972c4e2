"""Charts of the DSG recovery plan against the latest forecast, each with an active title and a
one-sentence summary. Titles are returned separately so a page can show them as headings and an
export can print them on the image."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from figures.amounts import plotted, stated
from figures.theme import (
    DARK_BLUE,
    DARK_GREY,
    FORECAST_LINE,
    TEMPLATE_NAME,
    TURQUOISE,
    forecast_marker,
)
from kpis.formats import format_money_m
from kpis.measures import MeasureValue, forecast_of, headline_of
from kpis.plan_view import IN_YEAR, PlanView
from kpis.wording import show_value

Y_TITLE = "£ millions: deficit (+) / surplus (-)"
LIGHT_BLUE = "#A9BCD0"  # the dark blue at a third of its strength, under the forecast's hatching
OUTTURN_BARS = dict(color=DARK_BLUE, line=dict(color=DARK_BLUE, width=1))
FORECAST_BARS = dict(
    color=LIGHT_BLUE,
    line=dict(color=DARK_BLUE, width=2),
    pattern=dict(
        shape="/", fgcolor=DARK_BLUE, bgcolor=LIGHT_BLUE, fillmode="overlay", solidity=0.3
    ),
)
# A plan rounded to £0.001m a line derives to within a few thousand pounds of nil when it clears.
CLEARED_WITHIN = Decimal("0.005")


def _forecast_label(view: PlanView) -> str:
    term = view.position.forecast_term
    return f"Outturn and forecast ({term})" if term else "Outturn and forecast"


def _hover(values: list[MeasureValue], *, planned: bool) -> list[str]:
    texts = []
    for v in values:
        amount = v.plan_value if planned else v.value
        what = "plan" if planned else v.basis
        texts.append(f"{v.period}: {format_money_m(stated(amount))} ({what})")
    return texts


def _judged(values: list[MeasureValue]) -> list[MeasureValue]:
    return [v for v in values if v.basis != "plan"]


def compare_with_plan(value: MeasureValue) -> str:
    """'£11.800m worse than the plan of £0.003m', for a lower-is-better £m measure."""
    plan = show_value(value.plan_value, value.measure)
    variance = stated(value.variance)
    if format_money_m(abs(variance)) == format_money_m(Decimal(0)):
        return f"on the plan of {plan}"
    if variance > 0:
        return f"{format_money_m(variance)} worse than the plan of {plan}"
    return f"better than the plan of {plan}"


def cumulative_title(view: PlanView) -> str:
    """The latest outturn first, then where the latest forecast ends: the same figure the page's
    headline leads with."""
    final, latest, outturn = view.final, view.latest, headline_of(view.cumulative)
    if latest is None:
        if stated(final.plan_value) <= CLEARED_WITHIN:
            return f"Plan clears the deficit by {final.period}"
        return (
            f"Plan leaves a deficit of {format_money_m(stated(final.plan_value))} in {final.period}"
        )
    ending = (
        f"forecast to be cleared by {latest.period}"
        if stated(latest.value) <= CLEARED_WITHIN
        else f"forecast {show_value(latest.value, latest.measure)} at end of {latest.period}"
    )
    if outturn is None or outturn is latest:
        return ending[0].upper() + ending[1:]
    return f"{show_value(outturn.value, outturn.measure)} at end of {outturn.period} (outturn); {ending}"


def _layout(figure: go.Figure, *, y_title: str, x_title: str) -> go.Figure:
    figure.add_hline(y=0, line=dict(color="#0B0C0C", width=1))
    figure.update_layout(
        template=TEMPLATE_NAME,
        yaxis_title=y_title,
        xaxis_title=x_title,
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=0, yref="container", x=0),
        margin=dict(t=40, b=16),
    )
    figure.update_xaxes(automargin=True, type="category")
    figure.update_yaxes(automargin=True, tickformat=",~f")
    return figure


def _split(values: list[MeasureValue]) -> tuple[list[MeasureValue], list[MeasureValue]]:
    """The outturn years and the forecast years, each with a figure."""
    judged = [v for v in _judged(values) if v.value is not None]
    return [v for v in judged if v.basis == "actual"], [v for v in judged if v.basis == "forecast"]


def _forecast_name(view: PlanView) -> str:
    term = view.position.forecast_term
    return f"Forecast (made in {term})" if term else "Forecast"


def _mark_boundary(figure: go.Figure, values: list[MeasureValue]) -> None:
    """A vertical line between the last outturn year and the first forecast year."""
    outturn, forecast = _split(values)
    if not outturn or not forecast:
        return
    periods = [v.period for v in values]
    middle = periods.index(outturn[-1].period) + 0.5
    figure.add_vline(x=middle, line=dict(color="#0B0C0C", width=1, dash="dot"))
    figure.add_annotation(
        x=middle,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"Outturn to {outturn[-1].period} | forecast from {forecast[0].period}",
        font=dict(size=12),
    )


def build_cumulative_figure(view: PlanView) -> go.Figure:
    """Cumulative balance after contributions: the plan line against outturn (solid) and
    forecast (dashed, open markers)."""
    values = view.cumulative
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[v.period for v in values],
            y=[plotted(v.plan_value) for v in values],
            name="Plan",
            mode="lines+markers",
            line=dict(color=DARK_GREY, dash="dash", width=2),
            marker=dict(symbol="diamond", size=8, color=DARK_GREY),
            hovertext=_hover(values, planned=True),
            hoverinfo="text",
        )
    )
    outturn, forecast = _split(values)
    if outturn:
        figure.add_trace(
            go.Scatter(
                x=[v.period for v in outturn],
                y=[plotted(v.value) for v in outturn],
                name="Outturn",
                mode="lines+markers",
                line=dict(color=DARK_BLUE, width=3),
                marker=dict(symbol="circle", size=9, color=DARK_BLUE),
                hovertext=_hover(outturn, planned=False),
                hoverinfo="text",
            )
        )
    if forecast:
        # joined to the last outturn by the dashed line, with no marker on the outturn's point
        start = outturn[-1:]
        figure.add_trace(
            go.Scatter(
                x=[v.period for v in start + forecast],
                y=[plotted(v.value) for v in start + forecast],
                name=_forecast_name(view),
                mode="lines+markers",
                line=FORECAST_LINE,
                marker=forecast_marker(joined=len(start), forecasts=len(forecast)),
                hovertext=_hover(start + forecast, planned=False),
                hoverinfo="text",
            )
        )
    _mark_boundary(figure, values)
    return _layout(figure, y_title=Y_TITLE, x_title="Financial year (balance at 31 March)")


def summarise_cumulative(view: PlanView) -> str:
    first, final, latest = view.cumulative[0], view.final, view.latest
    if latest is None:
        return (
            f"The plan takes the cumulative deficit after contributions from "
            f"{format_money_m(stated(first.plan_value))} at the end of {first.period} to "
            f"{format_money_m(stated(final.plan_value))} at the end of {final.period}; there is no "
            "outturn or forecast yet."
        )
    outturn = headline_of(view.cumulative)
    parts = []
    if outturn is not None and outturn is not latest:
        parts.append(
            f"The cumulative deficit after contributions was "
            f"{show_value(outturn.value, outturn.measure)} at the end of {outturn.period} "
            f"(outturn), {compare_with_plan(outturn)}"
        )
    # a forecast year in the future tense, an outturn in the past
    verb = "is forecast to be" if latest.basis == "forecast" else "was"
    lead = "on" if parts else "On"
    sentence = (
        f"{lead} the {view.position.forecast_term} forecast, the cumulative deficit after "
        f"contributions {verb} {show_value(latest.value, latest.measure)} at the end of "
        f"{latest.period}, "
        f"{compare_with_plan(latest)}"
    )
    if latest.period != final.period:
        sentence += f"; the forecast does not yet reach {final.period}"
    return "; ".join([*parts, sentence]) + "."


def in_year_title(view: PlanView) -> str:
    """The latest outturn year first, as the page's headline; the plan alone when there is none."""
    judged = _judged(view.in_year)
    if not judged:
        return "Planned in-year position, year by year"
    current = headline_of(view.in_year) or forecast_of(view.in_year) or judged[-1]
    shown = f"{show_value(current.value, current.measure)} in {current.period}"
    basis = "outturn" if current.basis == "actual" else "forecast"
    if current.variance is not None and current.variance > 0:
        return f"In-year {shown} ({basis}), worse than plan"
    return f"In-year {shown} ({basis}), on or better than plan"


def build_in_year_figure(view: PlanView) -> go.Figure:
    """In-year deficit (+) or surplus (-): plan against outturn and forecast, year by year.
    Every set of bars has a solid fill and an outline, so none is lost on a white page; the
    forecast is hatched as well, so it differs from the outturn without colour."""
    values = view.in_year
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[v.period for v in values],
            y=[plotted(v.plan_value) for v in values],
            name="Plan",
            offsetgroup="plan",
            marker=dict(color=TURQUOISE, line=dict(color=TURQUOISE, width=1)),
            hovertext=_hover(values, planned=True),
            hoverinfo="text",
        )
    )
    outturn, forecast = _split(values)
    for part, name, marker in (
        (outturn, "Outturn", OUTTURN_BARS),
        (forecast, _forecast_name(view), FORECAST_BARS),
    ):
        if part:
            figure.add_trace(
                go.Bar(
                    x=[v.period for v in part],
                    y=[plotted(v.value) for v in part],
                    name=name,
                    offsetgroup="judged",
                    marker=marker,
                    hovertext=_hover(part, planned=False),
                    hoverinfo="text",
                )
            )
    figure.update_layout(barmode="group")
    _mark_boundary(figure, values)
    return _layout(figure, y_title=Y_TITLE, x_title="Financial year")


def _first_surplus(values: list[MeasureValue], *, planned: bool) -> str | None:
    for v in values:
        amount = v.plan_value if planned else v.value
        if amount is not None and amount <= 0:
            return v.period
    return None


def summarise_in_year(view: PlanView) -> str:
    values = view.in_year
    plan_surplus = _first_surplus(values, planned=True)
    plan_text = (
        f"The plan returns the High Needs Block to in-year balance or surplus in {plan_surplus}"
        if plan_surplus
        else f"The plan does not reach in-year balance by {values[-1].period}"
    )
    judged = _judged(values)
    if not judged:
        return plan_text + "; there is no outturn or forecast yet."
    latest = judged[-1]
    forecast_surplus = _first_surplus(judged, planned=False)
    if forecast_surplus:
        forecast_text = f"the latest forecast does so in {forecast_surplus}"
    elif len(judged) == len(values):
        forecast_text = f"the latest forecast does so in no year up to {values[-1].period}"
    else:
        forecast_text = f"the latest forecast, which runs to {latest.period}, does not yet"
    measure = view.measure(IN_YEAR)
    verb = "forecasts" if latest.basis == "forecast" else "shows an outturn of"
    return (
        f"{plan_text}; {forecast_text}. For {latest.period} it {verb} "
        f"{show_value(latest.value, measure)} against a planned "
        f"{show_value(latest.plan_value, measure)}."
    )
