"""Titles and summaries of the plan charts say what the figures say, in every state of the data."""

from decimal import Decimal

from figures.plan import (
    build_cumulative_figure,
    build_in_year_figure,
    compare_with_plan,
    cumulative_title,
    in_year_title,
    summarise_cumulative,
    summarise_in_year,
)
from kpis.dsg import DsgFigures
from kpis.measures import MeasureValue
from kpis.plan_view import build_plan_view
from tests.councils import NORFOLK
from tests.kpis.helpers import paper_plan, position, with_extra_spending

OVERSPEND = {
    "2023-24": "0.9",
    "2024-25": "1.6",
    "2025-26": "2.2",
    "2026-27": "2.4",
    "2027-28": "2.4",
    "2028-29": "2.3",
}
CATALOGUE = NORFOLK.catalogue


def view_of(plan, forecast=None, term=None):
    return build_plan_view(CATALOGUE, position(plan, forecast, term))


def first_years(figures: DsgFigures, count: int) -> DsgFigures:
    return DsgFigures(
        years=figures.years[:count],
        opening_balance=figures.opening_balance,
        lines=figures.lines,
        plan_lines=figures.plan_lines,
    )


def test_fig001_with_no_forecast_the_plan_is_described():
    # derived from the paper's rounded lines the plan ends at £0.003m: cleared, as the paper says
    view = view_of(paper_plan())
    assert cumulative_title(view) == "Plan clears the deficit by 2028-29"
    # the paper's plan, derived: 45.613 at the end of 2022-23, 0.003 at the end of 2028-29
    assert summarise_cumulative(view) == (
        "The plan takes the cumulative deficit after contributions from £45.613m at the end of "
        "2022-23 to £0.003m at the end of 2028-29; there is no outturn or forecast yet."
    )
    assert summarise_in_year(view) == (
        "The plan returns the High Needs Block to in-year balance or surplus in 2027-28; there is "
        "no outturn or forecast yet."
    )
    assert len(build_cumulative_figure(view).data) == 1


def test_fig002_a_plan_that_ends_in_deficit_does_not_claim_to_clear_it():
    plan = paper_plan()
    short = first_years(plan, 5)  # a plan that stops in 2026-27, at £56.418m in the paper
    assert cumulative_title(view_of(short)).startswith("Plan leaves a deficit of £56.42")


def test_fig003_an_off_track_forecast_is_titled_and_summarised_with_its_gap():
    plan = paper_plan()
    view = view_of(plan, with_extra_spending(plan, OVERSPEND), "Autumn 2024")
    # the latest outturn leads, as on the page: 2023-24 had ended by Autumn 2024, its balance the
    # plan's 59.262 plus 0.9 overspent; then where the forecast ends
    assert cumulative_title(view) == (
        "£60.162m deficit at end of 2023-24 (outturn); forecast £11.803m deficit at end of 2028-29"
    )
    # 2023-24 is past (was); 2028-29 is a forecast year: the future tense
    assert summarise_cumulative(view) == (
        "The cumulative deficit after contributions was £60.162m deficit at the end of 2023-24 "
        "(outturn), £0.900m worse than the plan of £59.262m deficit; on the Autumn 2024 "
        "forecast, the cumulative deficit after contributions is forecast to be £11.803m deficit "
        "at the end of 2028-29, £11.800m worse than the plan of £0.003m deficit."
    )
    # 2023-24's in-year outturn: the plan's 25.149 plus 0.9 = 26.049
    assert in_year_title(view) == "In-year £26.049m deficit in 2023-24 (outturn), worse than plan"
    # 2028-29: the plan's -16.675 plus 2.3 overspent = -14.375, a surplus, said in words
    assert summarise_in_year(view).endswith(
        "For 2028-29 it forecasts £14.375m surplus against a planned £16.675m surplus."
    )


def test_fig005_the_in_year_chart_draws_plan_outturn_and_forecast_bars_with_visible_fills():
    plan = paper_plan()
    view = view_of(plan, with_extra_spending(plan, OVERSPEND), "Autumn 2024")
    figure = build_in_year_figure(view)
    planned, outturn, forecast = figure.data
    assert [planned.name, outturn.name, forecast.name] == [
        "Plan", "Outturn", "Forecast (made in Autumn 2024)"]  # fmt: skip
    # outturn for 2022-23 and 2023-24; the Autumn 2024 forecast from 2024-25
    assert list(outturn.x) == ["2022-23", "2023-24"]
    assert list(forecast.x) == ["2024-25", "2025-26", "2026-27", "2027-28", "2028-29"]
    assert planned.marker.color == "#28A197" and outturn.marker.color == "#12436D"
    # the forecast is hatched over a light fill, with a dark outline: never white on nothing
    pattern = forecast.marker.pattern
    assert pattern.fillmode == "overlay" and pattern.fgcolor == "#12436D"
    assert pattern.bgcolor == forecast.marker.color != "white"
    assert forecast.marker.line.width >= 1
    assert figure.layout.annotations[0].text == "Outturn to 2023-24 | forecast from 2024-25"
    assert figure.layout.yaxis.title.text == "£ millions: deficit (+) / surplus (-)"
    assert figure.layout.xaxis.title.text == "Financial year"


def test_fig004_a_forecast_that_stops_early_says_so_rather_than_claiming_no_forecast():
    plan = paper_plan()
    forecast = first_years(with_extra_spending(plan, {"2023-24": "0.9"}), 2)
    view = view_of(plan, forecast, "Autumn 2024")
    # 2023-24, an outturn year before Autumn 2024 (past tense): plan 59.262, outturn 59.262 + 0.9
    assert summarise_cumulative(view) == (
        "On the Autumn 2024 forecast, the cumulative deficit after contributions was £60.162m "
        "deficit at the end of 2023-24, £0.900m worse than the plan of £59.262m deficit; the "
        "forecast does not yet reach 2028-29."
    )
    assert in_year_title(view) == "In-year £26.049m deficit in 2023-24 (outturn), worse than plan"
    assert "which runs to 2023-24, does not yet" in summarise_in_year(view)


def test_fig006_a_difference_that_rounds_to_nothing_is_on_the_plan():
    def balance(amount: str) -> MeasureValue:
        return MeasureValue(
            measure=CATALOGUE.by_ref(18),
            period="2025-26",
            value=Decimal(amount),
            basis="actual",
            plan_value=Decimal("67.620"),
            variance=Decimal(amount) - Decimal("67.620"),
            status="green",
            submission_id=1,
        )

    # £0.0004m over the plan shows as £0.000m: on the plan, not "£0.000m worse"
    assert compare_with_plan(balance("67.6204")) == "on the plan of £67.620m deficit"
    # £0.0006m over rounds to £0.001m: worse, by that much
    assert (
        compare_with_plan(balance("67.6206")) == "£0.001m worse than the plan of £67.620m deficit"
    )
    assert compare_with_plan(balance("67.000")) == "better than the plan of £67.620m deficit"
