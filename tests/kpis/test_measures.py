"""Values against plan: basis, variance and status, on hand-built forecasts."""

from decimal import Decimal as D

import pytest

from kpis.catalogue import load_catalogue
from kpis.measures import compute_measure, compute_measures
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
    return load_catalogue()


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
