"""The plan's derivation reproduces the paper's derived rows from its lines alone."""

from decimal import Decimal

import pytest

from domain.plan_lines import code_for_label, derive_years
from tests import paper

TOLERANCE_PENCE = 500_000  # £0.005m: the paper rounds each figure to £0.001m


def pence(value: Decimal) -> int:
    return int(value * 100_000_000)


def paper_lines() -> dict[str, dict[str, int]]:
    lines = {}
    for label, years in paper.figures().items():
        lines[code_for_label(label)] = {y: pence(v) for y, v in years.items() if v is not None}
    return lines


@pytest.fixture(scope="module")
def derived():
    return derive_years(
        lines=paper_lines(), opening_balance=pence(paper.OPENING_BALANCE), years=paper.YEARS
    )


@pytest.mark.parametrize(
    ("field", "printed"),
    [
        ("total_income", paper.TOTAL_INCOME),
        ("total_expenditure", paper.TOTAL_EXPENDITURE),
        ("in_year_deficit", paper.IN_YEAR),
        ("cumulative_before_contributions", paper.CUMULATIVE_WITHOUT_CONTRIBUTION),
        ("cumulative_after_contributions", paper.CUMULATIVE_BALANCE),
    ],
)
def test_dsg001_derived_rows_match_the_paper_to_half_a_hundredth_of_a_million(
    derived, field, printed
):
    for year, expected in paper.by_year(printed).items():
        got = getattr(derived[year], field)
        assert abs(got - pence(expected)) <= TOLERANCE_PENCE, (field, year, got)


def test_dsg002_first_year_worked_by_hand(derived):
    # 2022-23: income -120.578 - 8.529 = -129.107; spending adds to 148.744 (paper);
    # in-year 148.744 - 129.107 = 19.637; before contributions 53.976 + 19.637 = 73.613;
    # after the DfE's 28.000: 45.613.
    year = derived["2022-23"]
    assert year.total_income == pence(Decimal("-129.107"))
    assert year.in_year_deficit == pence(Decimal("19.637"))
    assert year.cumulative_before_contributions == pence(Decimal("73.613"))
    assert year.cumulative_after_contributions == pence(Decimal("45.613"))


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("High Needs Block DSG Income", "hnb_dsg_income"),
        ("  high needs block dsg income: ", "hnb_dsg_income"),
        ("0.5% Schools Block transfer", "schools_block_transfer"),
        ("Council Contribution", "council_contribution"),
        ("Cumulative Balance", "cumulative_after_contributions"),
        ("Notes", None),
    ],
)
def test_dsg003_labels_are_matched_ignoring_case_and_spacing(label, code):
    assert code_for_label(label) == code
