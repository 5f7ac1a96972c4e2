"""Values against plan: basis, variance and status, on hand-built forecasts."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from kpis.measures import compute_measure, compute_measures
from kpis.returns import Returns
from tests.councils import NORFOLK
from tests.kpis.helpers import paper_plan, position, with_extra_spending

# Norfolk's revised forecast reported in 2024 ended 2028-29 with a cumulative deficit of £11.8m.
# Spending £11.8m more than plan in all (0.9 + 1.6 + 2.2 + 2.4 + 2.4 + 2.3) gives the same end.
OVERSPEND = {
    "2023-24": "0.9",
    "2024-25": "1.6",
    "2025-26": "2.2",
    "2026-27": "2.4",
    "2027-28": "2.4",
    "2028-29": "2.3",
}


@pytest.fixture(scope="module")
def catalogue():
    return NORFOLK.catalogue


@pytest.fixture(scope="module")
def off_track():
    plan = paper_plan()
    return position(plan, with_extra_spending(plan, OVERSPEND), "Autumn 2024")


def test_mea001_a_forecast_ending_with_an_11_8m_deficit_is_red_with_the_gap_stated(
    catalogue, off_track
):
    values = compute_measure(catalogue.by_ref(18), off_track)
    final = values[-1]
    assert (final.period, final.basis, final.status) == ("2028-29", "forecast", "red")
    assert final.variance == D(
        "11.8"
    )  # the plan's own end is unchanged, so the gap is exactly 11.8
    assert abs(final.value - D("11.8")) <= D("0.005")  # the paper's rounding drift, at most 0.003


def test_mea002_years_before_the_forecast_term_are_outturn(catalogue, off_track):
    values = compute_measure(catalogue.by_ref(18), off_track)
    # Autumn 2024 falls in 2024-25, so 2022-23 and 2023-24 had ended: outturn
    assert [v.basis for v in values] == ["actual", "actual"] + ["forecast"] * 5


def test_mea003_status_follows_the_catalogue_thresholds_year_by_year(catalogue, off_track):
    values = {v.period: v for v in compute_measure(catalogue.by_ref(18), off_track)}
    # cumulative gap: 0.9 (green, <= 1.0), 2.5 (amber, <= 3.0), 4.7 (red)
    assert (values["2023-24"].variance, values["2023-24"].status) == (D("0.9"), "green")
    assert (values["2024-25"].variance, values["2024-25"].status) == (D("2.5"), "amber")
    assert (values["2025-26"].variance, values["2025-26"].status) == (D("4.7"), "red")


def test_mea004_with_no_forecast_every_year_is_the_plan_with_no_status(catalogue):
    values = compute_measures(catalogue, position(paper_plan()))
    assert len(values) == 7 * 7
    assert {(v.basis, v.status, v.variance) for v in values} == {("plan", "none", None)}
    assert all(v.value == v.plan_value for v in values)


def test_mea005_records_carry_the_keys_the_command_line_prints(catalogue, off_track):
    record = compute_measure(catalogue.by_ref(16), off_track)[1].as_record()
    # the variance as a share of the plan: 0.9 / 25.149
    assert record.pop("variance_pct") == pytest.approx(0.9 / 25.149)
    # 2023-24 in-year: plan 25.149, forecast 25.149 + 0.9 = 26.049
    assert record == {
        "ref": 16,
        "measure_id": "dsg_in_year_deficit",
        "period": "2023-24",
        "value": 26.049,
        "basis": "actual",
        "unit": "£m",
        "plan_value": 25.149,
        "variance": 0.9,
        "status": "amber",
        "direction": "lower_is_better",
        "direction_of_travel": None,
        "compared_with": None,
        "made_in": None,
        "forecast_of": None,
        "projection": None,
        "england": None,
        "neighbours": None,
        "comparator_council": None,
        "quartile": None,
    }


def _caseloads() -> Returns:
    # half a plan a day: 31 Aug 2025 -> 31 Dec 2025 is 122 days (+61), -> 31 Mar 2026 is 212
    # days (+106), so the trend is a straight line through all three.
    returns = Returns()
    returns.ehcp = {
        "Summer 2025": {"ehcp_caseload": 1000},
        "Autumn 2025": {"ehcp_caseload": 1061},
        "Spring 2026": {"ehcp_caseload": 1106},
    }
    return returns


def _caseload_projection(catalogue, place):
    values = compute_measures(catalogue, None, _caseloads(), place)
    caseload = [v for v in values if v.measure.ref == 1]
    assert [v.period for v in caseload] == ["Summer 2025", "Autumn 2025", "Spring 2026"]
    return caseload[-1].projection


def test_mea006_with_no_plan_a_trend_is_carried_to_the_last_year_of_the_councils_plan(catalogue):
    # Norfolk's plan ends in 2028-29: its last Spring term ends on 31 March 2029, 1,096 days
    # after 31 March 2026 (2028 is a leap year): 1,106 + 0.5 x 1,096 = 1,654
    norfolk = _caseload_projection(catalogue, NORFOLK.place)
    assert norfolk["period"] == "Spring 2029"
    assert norfolk["value"] == pytest.approx(1654, abs=1e-6)
    # a council whose plan runs to 2030-31: 1,826 days to 31 March 2031, 1,106 + 913 = 2,019
    longer = _caseload_projection(catalogue, replace(NORFOLK.place, last_year="2030-31"))
    assert longer["period"] == "Spring 2031"
    assert longer["value"] == pytest.approx(2019, abs=1e-6)


def test_mea007_with_no_plan_and_no_council_there_is_no_year_to_carry_a_trend_to(catalogue):
    assert _caseload_projection(catalogue, None) is None
    values = compute_measures(catalogue, None, _caseloads())
    assert all(v.projection is None for v in values)
