"""Measures 16-22 from the paper's plan, each value worked out by hand from the paper's table."""

from decimal import Decimal as D

import pytest

from kpis.formulas import FORMULAS
from tests import paper
from tests.kpis.helpers import paper_plan

HALF_A_HUNDREDTH = D("0.005")


@pytest.fixture(scope="module")
def plan():
    return paper_plan()


def test_for016_in_year_deficit_is_spending_less_income(plan):
    values = FORMULAS["dsg_in_year_deficit"](plan)
    # 2022-23: 148.744 - 129.107 = 19.637; 2028-29: 151.125 - 167.800 = -16.675 (a surplus)
    assert values["2022-23"] == D("19.637")
    assert values["2028-29"] == D("-16.675")


def test_for017_cumulative_before_contributions_reproduces_the_paper(plan):
    values = FORMULAS["dsg_cumulative_deficit_before_contributions"](plan)
    for year, printed in paper.by_year(paper.CUMULATIVE_WITHOUT_CONTRIBUTION).items():
        assert abs(values[year] - printed) <= HALF_A_HUNDREDTH, year


def test_for018_cumulative_after_contributions_reproduces_the_paper(plan):
    values = FORMULAS["dsg_cumulative_deficit_after_contributions"](plan)
    expected = {
        "2022-23": "45.613",
        "2023-24": "59.262",
        "2024-25": "68.194",
        "2025-26": "67.618",
        "2026-27": "56.418",
        "2027-28": "33.598",
        "2028-29": "0.000",
    }
    for year, printed in expected.items():
        assert abs(values[year] - D(printed)) <= HALF_A_HUNDREDTH, year
    # 2023-24 by hand: 45.613 + 25.149 in-year - 6.000 DfE - 5.500 council = 59.262
    assert values["2023-24"] == D("59.262")


def test_for019_funding_gap_is_the_in_year_deficit_over_the_hnb_allocation(plan):
    values = FORMULAS["dsg_funding_gap_share_of_hnb_allocation"](plan)
    # 2022-23: 19.637 / 120.578 = 0.16286 (16.3%)
    assert values["2022-23"].quantize(D("0.00001")) == D("0.16286")
    # 2027-28: -11.320 / 152.865 = -0.07405: a surplus is a negative gap
    assert values["2027-28"].quantize(D("0.00001")) == D("-0.07405")


def test_for019b_with_no_allocation_the_gap_is_not_available_rather_than_zero(plan):
    lines = {code: dict(years) for code, years in plan.lines.items()}
    lines["hnb_dsg_income"]["2022-23"] = 0
    from kpis.dsg import DsgFigures

    values = FORMULAS["dsg_funding_gap_share_of_hnb_allocation"](
        DsgFigures(years=plan.years, opening_balance=plan.opening_balance, lines=lines)
    )
    assert values["2022-23"] is None


def test_for020_to_022_income_and_contributions_are_shown_as_positive_amounts(plan):
    assert FORMULAS["hnb_dsg_allocation"](plan)["2022-23"] == D("120.578")
    assert FORMULAS["dsg_block_transfer"](plan)["2028-29"] == D("9.954")
    council = FORMULAS["dsg_general_fund_contribution"](plan)
    # the paper leaves 2022-23 blank: no council contribution that year
    assert (council["2022-23"], council["2023-24"], council["2028-29"]) == (
        D(0),
        D("5.5"),
        D("4.923"),
    )
