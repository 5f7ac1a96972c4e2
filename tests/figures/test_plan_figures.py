"""Titles and summaries of the plan charts say what the figures say, in every state of the data."""

from figures.plan import (
    build_cumulative_figure,
    build_in_year_figure,
    cumulative_title,
    in_year_title,
    summarise_cumulative,
    summarise_in_year,
)
from kpis.catalogue import load_catalogue
from kpis.dsg import DsgFigures
from kpis.plan_view import build_plan_view
from tests.kpis.helpers import paper_plan, position, with_extra_spending

OVERSPEND = {
    "2023-24": "0.9",
    "2024-25": "1.6",
    "2025-26": "2.2",
    "2026-27": "2.4",
    "2027-28": "2.4",
    "2028-29": "2.3",
}
CATALOGUE = load_catalogue()


def view_of(plan, forecast=None, term=None):
    return build_plan_view(CATALOGUE, position(plan, forecast, term))


def first_years(figures: DsgFigures, count: int) -> DsgFigures:
    return DsgFigures(
        years=figures.years[:count], opening_balance=figures.opening_balance, lines=figures.lines
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
    assert cumulative_title(view) == "Deficit of £11.803m forecast at end of 2028-29"
    assert summarise_cumulative(view) == (
        "On the Autumn 2024 forecast, the cumulative deficit after contributions is £11.803m at "
        "the end of 2028-29, £11.800m worse than the plan of £0.003m."
    )
    # 2024-25, the year of the Autumn 2024 term: forecast in-year 20.433 + 1.6 = 22.033
    assert in_year_title(view) == "In-year deficit above plan in 2024-25"
    assert len(build_in_year_figure(view).data) == 2


def test_fig004_a_forecast_that_stops_early_says_so_rather_than_claiming_no_forecast():
    plan = paper_plan()
    forecast = first_years(with_extra_spending(plan, {"2023-24": "0.9"}), 2)
    view = view_of(plan, forecast, "Autumn 2024")
    # 2023-24: plan 59.262, outturn 59.262 + 0.9 = 60.162
    assert summarise_cumulative(view) == (
        "On the Autumn 2024 forecast, the cumulative deficit after contributions is £60.162m at "
        "the end of 2023-24, £0.900m worse than the plan of £59.262m; the forecast does not yet "
        "reach 2028-29."
    )
    assert in_year_title(view) == "In-year deficit above plan in 2023-24"
    assert "which runs to 2023-24, does not yet" in summarise_in_year(view)
