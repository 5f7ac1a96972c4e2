"""Charts of the DSG recovery plan against the latest forecast, each with its one-sentence summary."""

from __future__ import annotations

import plotly.graph_objects as go

from figures.theme import DARK_BLUE, DARK_GREY, TEMPLATE_NAME, TURQUOISE
from kpis.formats import format_money_m
from kpis.measures import MeasureValue
from kpis.plan_view import PlanView


def _forecast_label(view: PlanView) -> str:
    term = view.position.forecast_term
    return f"Outturn and forecast ({term})" if term else "Outturn and forecast"


def _hover(values: list[MeasureValue], *, planned: bool) -> list[str]:
    texts = []
    for v in values:
        amount = v.plan_value if planned else v.value
        what = "plan" if planned else v.basis
        texts.append(f"{v.period}: {format_money_m(amount)} ({what})")
    return texts


def cumulative_title(view: PlanView) -> str:
    final = view.final
    if final.basis == "plan":
        return f"Plan clears the deficit by {final.period}"
    if final.value <= 0:
        return f"Deficit forecast to be cleared by {final.period}"
    return f"Deficit of {format_money_m(final.value)} forecast at end of {final.period}"


def build_cumulative_figure(view: PlanView) -> go.Figure:
    """Cumulative balance after contributions: the plan line against outturn and forecast."""
    values = view.cumulative
    years = [v.period for v in values]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=years,
            y=[float(v.plan_value) for v in values],
            name="Plan",
            mode="lines+markers",
            line=dict(color=DARK_GREY, dash="dash", width=2),
            marker=dict(symbol="circle-open", size=8),
            hovertext=_hover(values, planned=True),
            hoverinfo="text",
        )
    )
    judged = [v for v in values if v.basis != "plan"]
    if judged:
        figure.add_trace(
            go.Scatter(
                x=[v.period for v in judged],
                y=[float(v.value) for v in judged],
                name=_forecast_label(view),
                mode="lines+markers",
                line=dict(color=DARK_BLUE, width=3),
                marker=dict(symbol="circle", size=9),
                hovertext=_hover(judged, planned=False),
                hoverinfo="text",
            )
        )
    figure.add_hline(y=0, line=dict(color="#0B0C0C", width=1))
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=cumulative_title(view),
        yaxis_title="Cumulative deficit, £m",
        xaxis_title="Financial year (at 31 March)",
    )
    return figure


def summarise_cumulative(view: PlanView) -> str:
    final = view.final
    first = view.cumulative[0]
    if final.basis == "plan":
        return (
            f"The plan takes the cumulative deficit after contributions from "
            f"{format_money_m(first.plan_value)} at the end of {first.period} to "
            f"{format_money_m(final.plan_value)} at the end of {final.period}; there is no "
            "forecast yet."
        )
    gap = final.variance
    if gap > 0:
        judgement = (
            f"{format_money_m(gap)} worse than the plan's {format_money_m(final.plan_value)}"
        )
    else:
        judgement = f"on or better than the plan's {format_money_m(final.plan_value)}"
    return (
        f"On the {view.position.forecast_term} forecast, the cumulative deficit after "
        f"contributions is {format_money_m(final.value)} at the end of {final.period}, {judgement}."
    )


def in_year_title(view: PlanView) -> str:
    current = view.current_year
    if current is None:
        return "Planned in-year deficit turns to surplus"
    value = view.at("dsg_in_year_deficit", current)
    if value.variance is not None and value.variance > 0:
        return f"In-year deficit above plan in {current}"
    return f"In-year deficit on or below plan in {current}"


def build_in_year_figure(view: PlanView) -> go.Figure:
    """In-year deficit (+) or surplus (-): plan against outturn and forecast, year by year."""
    values = view.in_year
    years = [v.period for v in values]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=years,
            y=[float(v.plan_value) for v in values],
            name="Plan",
            marker=dict(color=TURQUOISE),
            hovertext=_hover(values, planned=True),
            hoverinfo="text",
        )
    )
    judged = [v for v in values if v.basis != "plan"]
    if judged:
        figure.add_trace(
            go.Bar(
                x=[v.period for v in judged],
                y=[float(v.value) for v in judged],
                name=_forecast_label(view),
                marker=dict(color=DARK_BLUE),
                hovertext=_hover(judged, planned=False),
                hoverinfo="text",
            )
        )
    figure.add_hline(y=0, line=dict(color="#0B0C0C", width=1))
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=in_year_title(view),
        barmode="group",
        yaxis_title="In-year deficit (+) / surplus (-), £m",
        xaxis_title="Financial year",
    )
    return figure


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
        else "The plan does not reach in-year balance"
    )
    judged = [v for v in values if v.basis != "plan"]
    if not judged or len(judged) < len(values):
        return plan_text + "."
    forecast_surplus = _first_surplus(judged, planned=False)
    forecast_text = (
        f"in {forecast_surplus}" if forecast_surplus else f"in no year up to {values[-1].period}"
    )
    current = view.current_year
    current_value = view.at("dsg_in_year_deficit", current)
    return (
        f"{plan_text}; the latest forecast does so {forecast_text}, and for {current} forecasts "
        f"{format_money_m(current_value.value)} against a planned {format_money_m(current_value.plan_value)}."
    )
