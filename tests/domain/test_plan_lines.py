"""The plan's derivation reproduces the paper's derived rows from its lines alone; a council's own
lines, however it splits or words them, add up by the standard line each is mapped to."""

from decimal import Decimal

import pytest

from domain.plan_lines import PlanLine, PlanLines, PlanLinesError
from tests import paper
from tests.councils import NORFOLK_LINES

TOLERANCE_PENCE = 500_000  # £0.005m: the paper rounds each figure to £0.001m


def pence(value: Decimal) -> int:
    return int(value * 100_000_000)


def paper_lines() -> dict[str, dict[str, int]]:
    lines = {}
    for label, years in paper.figures().items():
        lines[NORFOLK_LINES.code_for_label(label)] = {
            y: pence(v) for y, v in years.items() if v is not None
        }
    return lines


@pytest.fixture(scope="module")
def derived():
    return NORFOLK_LINES.derive_years(
        paper_lines(), opening_balance=pence(paper.OPENING_BALANCE), years=paper.YEARS
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
    assert NORFOLK_LINES.code_for_label(label) == code


# ---- a council's own lines -------------------------------------------------------------------

M = 100_000_000  # pence in £1m

# Two lines on one standard line, each with its own code, as a council may split its plan.
SPLIT = PlanLines(
    (
        PlanLine("hnb_dsg_income", "High Needs Block DSG Income", "hnb_dsg_income"),
        PlanLine("block_transfer", "2% block transfer", "block_transfer"),
        PlanLine("special_schools", "Special schools", "special_schools"),
        PlanLine("health_contribution", "Other contributions: health", "other_contribution"),
        PlanLine("charity_contribution", "Other contributions: charities", "other_contribution"),
    )
)
SPLIT_FIGURES = {
    "hnb_dsg_income": {"2024-25": -100 * M, "2025-26": -100 * M},
    "special_schools": {"2024-25": 120 * M, "2025-26": 110 * M},
    "health_contribution": {"2024-25": -3 * M, "2025-26": -1 * M},
    "charity_contribution": {"2024-25": -2 * M, "2025-26": -4 * M},
}


def test_dsg004_two_lines_on_one_standard_line_both_count_towards_the_totals():
    derived = SPLIT.derive_years(
        SPLIT_FIGURES, opening_balance=10 * M, years=("2024-25", "2025-26")
    )
    # 2024-25: in-year 120 - 100 = 20; before contributions 10 + 20 = 30; contributions
    # -3 (health) - 2 (charities) = -5, so after them 30 - 5 = 25.
    first = derived["2024-25"]
    assert (first.in_year_deficit, first.contributions) == (20 * M, -5 * M)
    assert first.cumulative_before_contributions == 30 * M
    assert first.cumulative_after_contributions == 25 * M
    # 2025-26: in-year 110 - 100 = 10; before 30 + 10 = 40; contributions -1 - 4 = -5; after
    # 25 + 10 - 5 = 30.
    second = derived["2025-26"]
    assert (second.in_year_deficit, second.contributions) == (10 * M, -5 * M)
    assert second.cumulative_before_contributions == 40 * M
    assert second.cumulative_after_contributions == 30 * M


def test_dsg005_standard_total_adds_every_line_mapped_to_it():
    assert SPLIT.standard_total(SPLIT_FIGURES, "other_contribution", "2024-25") == -5 * M
    assert SPLIT.standard_total(SPLIT_FIGURES, "other_contribution", "2025-26") == -5 * M
    # a standard line the council has no line for, and a line with no figures, are nothing
    assert SPLIT.standard_total(SPLIT_FIGURES, "dfe_contribution", "2024-25") == 0
    assert SPLIT.standard_total(SPLIT_FIGURES, "block_transfer", "2024-25") == 0
    assert [line.code for line in SPLIT.of_standard("other_contribution")] == [
        "health_contribution",
        "charity_contribution",
    ]
    assert SPLIT.code_for_label("other contributions: charities") == "charity_contribution"


def test_dsg006_norfolks_standard_lines_add_its_own_from_the_paper():
    lines = paper_lines()
    # alternative provision: Alternative Provision 2.133 + Short Stay Schools 8.400 = 10.533
    assert NORFOLK_LINES.standard_total(lines, "alternative_provision", "2022-23") == pence(
        Decimal("10.533")
    )
    # other expenditure: Other Provisions 5.027 + Other, including TPG/TPECG 2.641 +
    # Investment contingency 0.000 = 7.668
    assert NORFOLK_LINES.standard_total(lines, "other_expenditure", "2022-23") == pence(
        Decimal("7.668")
    )
    # the council's contribution: NCC Contribution, blank in 2022-23 in the paper
    assert NORFOLK_LINES.standard_total(lines, "council_contribution", "2022-23") == 0
    assert NORFOLK_LINES.standard_total(lines, "council_contribution", "2023-24") == pence(
        Decimal("-5.500")
    )


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("2% block transfer", "block_transfer"),
        ("0.5% block transfer", "block_transfer"),
        ("1.25% Block Transfer", "block_transfer"),
        ("block transfer", "block_transfer"),
        ("block transfer (2%)", "block_transfer"),  # wherever the percentage stands
        ("2 % block transfer", "block_transfer"),
        ("block transfers", None),
        ("2% block", None),
    ],
)
def test_dsg007_a_label_with_a_percentage_matches_any_percentage(label, code):
    assert SPLIT.code_for_label(label) == code


def test_dsg008_norfolks_transfer_is_found_whatever_its_percentage():
    for label in (
        "1.5% Schools Block transfer",
        "0.5% Schools Block transfer",
        "2% Schools Block transfer",
    ):
        assert NORFOLK_LINES.code_for_label(label) == "schools_block_transfer"
    assert NORFOLK_LINES.by_code("schools_block_transfer").standard == "block_transfer"


def test_dsg009_lines_that_cannot_be_used_are_refused_with_every_problem():
    with pytest.raises(PlanLinesError) as raised:
        PlanLines(
            (
                PlanLine("hnb_dsg_income", "Income", "hnb_dsg_income"),
                PlanLine("Health", "Other contributions: health", "other_contribution"),
                PlanLine("charities", "Total income", "other_contribution"),
            )
        )
    assert raised.value.problems == [
        "plan line 2 ('Other contributions: health'): code 'Health' must be lower-case words "
        "joined by _",
        "plan line 3 ('Total income'): 'Total income' is the label of a derived row",
        "plan lines: no line of expenditure",
    ]
