"""Measures 16-22 from the paper's plan, each value worked out by hand from the paper's table."""

from decimal import Decimal as D

import pytest

from domain.plan_lines import PlanLine, PlanLines
from kpis.dsg import DsgFigures
from kpis.formulas import FORMULAS
from tests import paper
from tests.kpis.helpers import paper_plan, pence

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
    values = FORMULAS["dsg_funding_gap_share_of_hnb_allocation"](
        DsgFigures(
            years=plan.years,
            opening_balance=plan.opening_balance,
            lines=lines,
            plan_lines=plan.plan_lines,
        )
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


def test_for023_a_standard_line_adds_every_line_of_the_council_mapped_to_it(plan):
    # Norfolk's alternative provision: Alternative Provision 2.133 + Short Stay Schools 8.400
    assert plan.standard("alternative_provision", "2022-23") == pence("10.533")
    assert plan.standard("council_contribution", "2023-24") == pence("-5.500")


def test_for024_the_measures_read_standard_lines_whatever_the_council_calls_them():
    # A council that transfers from two blocks and labels its contribution its own way.
    lines = PlanLines(
        (
            PlanLine("hnb_dsg_income", "DSG High Needs Block allocation", "hnb_dsg_income"),
            PlanLine("schools_transfer", "Schools Block transfer (0.5%)", "block_transfer"),
            PlanLine("central_transfer", "Central block transfer", "block_transfer"),
            PlanLine("special_schools", "Special schools", "special_schools"),
            PlanLine("dcc_contribution", "DCC Contribution", "council_contribution"),
        )
    )
    figures = DsgFigures(
        years=("2024-25",),
        opening_balance=pence("20.000"),
        lines={
            "hnb_dsg_income": {"2024-25": pence("-100.000")},
            "schools_transfer": {"2024-25": pence("-2.500")},
            "central_transfer": {"2024-25": pence("-0.750")},
            "special_schools": {"2024-25": pence("110.000")},
            "dcc_contribution": {"2024-25": pence("-4.000")},
        },
        plan_lines=lines,
    )
    # transfers 2.500 + 0.750 = 3.250; the council's own 4.000; the allocation 100.000
    assert FORMULAS["dsg_block_transfer"](figures) == {"2024-25": D("3.25")}
    assert FORMULAS["dsg_general_fund_contribution"](figures) == {"2024-25": D("4")}
    assert FORMULAS["hnb_dsg_allocation"](figures) == {"2024-25": D("100")}
    # in-year 110 - 100 - 3.25 = 6.75; after contributions 20 + 6.75 - 4 = 22.75
    assert FORMULAS["dsg_in_year_deficit"](figures) == {"2024-25": D("6.75")}
    assert FORMULAS["dsg_cumulative_deficit_after_contributions"](figures) == {
        "2024-25": D("22.75")
    }
