"""Like with like over time: which period a figure is compared with, and trends fitted on
comparable periods on a real time axis (hand-worked)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from kpis.timeline import cannot_be_negative, comparable_period, fit_trend, period_date
from kpis.wording import trend_phrase
from tests.councils import NORFOLK

CATALOGUE = NORFOLK.catalogue
SPEND = CATALOGUE.by_id("hnb_spend")  # a termly flow
CASELOAD = CATALOGUE.by_id("ehcp_caseload")  # a termly snapshot
NEW_PLANS = CATALOGUE.by_id("ehcp_new_plans")  # a financial-year figure


def test_tim001_a_flow_is_compared_with_the_same_term_a_year_earlier():
    assert comparable_period(SPEND, "Summer 2026") == "Summer 2025"
    assert comparable_period(SPEND, "Spring 2026") == "Spring 2025"


def test_tim002_a_snapshot_is_compared_with_the_previous_term():
    assert comparable_period(CASELOAD, "Spring 2026") == "Autumn 2025"
    assert comparable_period(CASELOAD, "Summer 2026") == "Spring 2026"
    assert comparable_period(CASELOAD, "Autumn 2026") == "Summer 2026"


def test_tim003_a_year_is_compared_with_the_year_before():
    assert comparable_period(NEW_PLANS, "2025-26") == "2024-25"


def test_tim004_periods_sit_at_their_last_day():
    assert period_date("2024-25", "financial_year").isoformat() == "2025-03-31"
    assert period_date("Summer 2025", "term").isoformat() == "2025-08-31"
    assert period_date("Spring 2025", "term").isoformat() == "2025-03-31"


def test_tim005_a_yearly_trend_is_carried_to_the_plans_last_year():
    # 100, 90, 80 at 31 March 2023, 2024, 2025: 10 a year; four more years to 31 March 2029
    # gives 40 (within 0.1: the leap days of 2024 and 2028 bend "a year" by a day).
    trend = fit_trend(
        NEW_PLANS,
        [("2022-23", D(100)), ("2023-24", D(90)), ("2024-25", D(80))],
        last_year="2028-29",
    )
    assert trend.to_period == "2028-29"
    assert trend.value == pytest.approx(40.0, abs=0.1)
    assert trend.as_record(NEW_PLANS)["basis"] == "trend"


def test_tim006_a_flows_trend_is_fitted_on_one_season_only():
    # Summer terms 10, 12, 14 (2023-2025), with large Autumn and Spring figures between them:
    # the Summer trend is 2 a year, so Summer 2028 (in 2028-29) is 14 + 3 x 2 = 20.
    values = [
        ("Summer 2023", D(10)),
        ("Autumn 2023", D(50)),
        ("Spring 2024", D(30)),
        ("Summer 2024", D(12)),
        ("Autumn 2024", D(52)),
        ("Spring 2025", D(31)),
        ("Summer 2025", D(14)),
    ]
    trend = fit_trend(SPEND, values, last_year="2028-29")
    assert trend.fitted == ("Summer 2023", "Summer 2024", "Summer 2025")
    assert trend.to_period == "Summer 2028"
    assert trend.value == pytest.approx(20.0, abs=0.05)


def test_tim007_fewer_than_three_comparable_figures_give_no_trend():
    values = [("Summer 2024", D(12)), ("Autumn 2024", D(52)), ("Summer 2025", D(14))]
    assert fit_trend(SPEND, values, last_year="2028-29") is None
    years = [("2022-23", D(1)), ("2023-24", None), ("2024-25", D(2))]
    assert fit_trend(NEW_PLANS, years, last_year="2028-29") is None


def test_tim008_a_snapshots_trend_runs_to_the_last_term_of_the_plan():
    # 0.05 a day: 31 Aug 2025 -> 31 Dec 2025 is 122 days, -> 31 Mar 2026 is 212 days; terms are
    # not evenly spaced, and a time axis keeps the line straight where a row of terms would not.
    values = [("Summer 2025", D(100)), ("Autumn 2025", D("106.1")), ("Spring 2026", D("110.6"))]
    trend = fit_trend(CASELOAD, values, last_year="2028-29")
    assert trend.to_period == "Spring 2029"
    # 31 Mar 2026 -> 31 Mar 2029 is 1,096 days (2028 is a leap year): 110.6 + 0.05 x 1,096
    assert trend.value == pytest.approx(165.4, abs=1e-6)


def test_tim009_a_measure_the_council_forecasts_is_never_given_a_trend():
    measure = CATALOGUE.by_id("hnb_surplus_deficit")
    assert measure.is_council_forecast and measure.projection is None
    assert replace(measure, computation="count").is_council_forecast is False


def test_tim010_a_count_falling_to_zero_stops_there_and_names_the_year_it_gets_there():
    # New plans 900, 600, 400 at 31 March 2024, 2025 and 2026, 365 days apart: the line is
    # 633.33 at 31 March 2025, falling 250 a year. It reaches zero 633.33 / 250 = 2.533 years
    # (924.7 days) on: 12 October 2027, within 2027-28. Carried to 2028-29 it would be
    # 633.33 - 250 x 1,461 / 365 = -367: fewer than no plans, which cannot be.
    trend = fit_trend(
        NEW_PLANS,
        [("2023-24", D(900)), ("2024-25", D(600)), ("2025-26", D(400))],
        last_year="2028-29",
    )
    record = trend.as_record(NEW_PLANS)
    assert record["period"] == "2027-28" and record["value"] == 0
    assert record["zero_date"] == "2027-10-12"
    assert "reaches zero by 2027-28 and is carried no further" in record["method"]
    assert trend_phrase(record, NEW_PLANS) == (
        "on the trend of the last 3 financial years it would reach zero by 2027-28; "
        "a trend, not a forecast"
    )


def test_tim011_a_net_flow_may_fall_below_zero_and_a_ratio_may_not():
    # the same figures as a net change in plans: fewer plans at the end of a year than at its
    # start is possible, so the line is carried to the plan's end: about -367 by 2028-29
    net = CATALOGUE.by_ref(3)
    assert not cannot_be_negative(net)
    trend = fit_trend(
        net, [("2023-24", D(900)), ("2024-25", D(600)), ("2025-26", D(400))], last_year="2028-29"
    )
    assert trend.to_period == "2028-29" and round(trend.value) == -367
    assert "zero_date" not in trend.as_record(net)
    ratio = CATALOGUE.by_ref(44)  # independent to maintained special school placements
    assert cannot_be_negative(ratio) and cannot_be_negative(CATALOGUE.by_ref(36))
    # a ratio of 0.30, 0.20, 0.10 a term apart (31 Dec 2025, 31 Mar, 31 Aug 2026) reaches zero
    # within the next term or so: never a negative ratio
    trend = fit_trend(
        ratio,
        [("Autumn 2025", D("0.30")), ("Spring 2026", D("0.20")), ("Summer 2026", D("0.10"))],
        last_year="2028-29",
    )
    assert trend.value == 0 and trend.to_period == "Autumn 2026"
