from datetime import datetime
from decimal import Decimal

import pytest

from loaders.cells import CellProblem, RawCell, parse_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45.613, Decimal("45.613")),
        (12, Decimal(12)),
        ("1,234", Decimal(1234)),
        ("£1,234", Decimal(1234)),
        ("£1,234.50", Decimal("1234.50")),
        ("(1.5)", Decimal("-1.5")),
        ("(£1,234)", Decimal(-1234)),
        ("-28.000", Decimal("-28.000")),
        ("−5.5", Decimal("-5.5")),  # a typographic minus sign
        ("-", Decimal(0)),
        ("—", Decimal(0)),
    ],
)
def test_cel001_numbers_as_finance_officers_type_them(value, expected):
    assert parse_decimal(RawCell(value)) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_cel002_a_blank_cell_is_none_not_zero(value):
    assert parse_decimal(RawCell(value)) is None


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("twelve", "'twelve'"),
        ("1.2.3", "'1.2.3'"),
        ("12,34", "'12,34'"),
        ("#REF!", "the Excel error #REF!"),
        ("#DIV/0!", "the Excel error #DIV/0!"),
        (True, "the logical value True"),
        (datetime(2024, 3, 31), "the date 31/03/2024"),
    ],
)
def test_cel003_what_is_not_a_number_is_described(value, found):
    with pytest.raises(CellProblem) as problem:
        parse_decimal(RawCell(value))
    assert problem.value.found == found


def test_cel004_a_formula_with_no_saved_value_is_a_problem_not_a_blank():
    with pytest.raises(CellProblem) as problem:
        parse_decimal(RawCell(None, formula="the formula =SUM(B5:B6)"))
    assert problem.value.found == "the formula =SUM(B5:B6) with no saved value"


def test_cel005_an_m_for_millions_is_read_only_on_a_sheet_of_millions():
    assert parse_decimal(RawCell(" 45.613m "), millions=True) == Decimal("45.613")
    # in a column of pounds, "£1.2m" is not £1.20: it is refused
    with pytest.raises(CellProblem):
        parse_decimal(RawCell("£1.2m"))
