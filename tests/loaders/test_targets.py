"""The Targets sheet: percentages read as the spreadsheet shows them, and whether a target is for
each term or for the whole year. Workbooks are made from the template and typed in with openpyxl,
formats included, as Excel or LibreOffice save them."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy.orm import Session

from loaders.number_formats import is_percent_format, percent_cells
from loaders.submissions import check_workbook
from loaders.targets import follower_numbers
from loaders.templates import write_dsg_workbook
from services.sources import read_returns
from tests.councils import NORFOLK, NORFOLK_SHAPE

YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29")
MAX_BYTES = 20_000_000
TODAY = date(2025, 1, 15)


def dsg_book() -> openpyxl.Workbook:
    buffer = io.BytesIO()
    plan = {
        "hnb_dsg_income": "-120.578",
        "schools_block_transfer": "-8.529",
        "special_schools": "46.878",
        "dfe_contribution": "-28.0",
    }
    write_dsg_workbook(
        buffer,
        shape=NORFOLK_SHAPE,
        opening_balance=Decimal("53.976"),
        plan={line: {y: Decimal(v) for y in YEARS} for line, v in plan.items()},
    )
    return openpyxl.load_workbook(buffer)


def cell(book, ref: int, heading: str):
    """The Targets cell for measure ``ref`` under ``heading``."""
    sheet = book["Targets"]
    column = next(c.column for c in sheet[1] if c.value == heading)
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == ref)
    return sheet.cell(row, column)


def check(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return check_workbook(
        buffer.getvalue(),
        file_name="dsg.xlsx",
        shape=NORFOLK_SHAPE,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )


def issues(result, level: str = "errors") -> list[tuple[str, str]]:
    return [(i.location, i.found) for i in getattr(result.report, level)]


# ---- percentages as the spreadsheet shows them ---------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number_format", "meaning"),
    [
        (0.14, "0%", Decimal(14)),  # 14% typed in Excel: 0.14 stored, shown as 14%
        (0.147, "0.0%", Decimal("14.7")),  # a custom format, declared in styles.xml
        (0.14, "0.00%", Decimal(14)),
        ("14%", "General", Decimal(14)),  # typed as text
        (14, "General", Decimal(14)),  # a plain number is a number of per cent
        (0.14, "General", Decimal("0.14")),  # so 0.14 unformatted is 0.14%, not 14%
        (1, "0%", Decimal(100)),  # 100%
        ("4.7%", "0%", Decimal("4.7")),  # text in a % cell is read as typed
    ],
)
def test_tgt001_a_percentage_is_read_as_the_cell_shows_it(typed, number_format, meaning):
    book = dsg_book()
    target = cell(book, 5, "2024-25")  # measure 5 is a percentage
    target.value = typed
    target.number_format = number_format
    result = check(book)
    assert issues(result) == []
    assert result.content.targets.yearly[5] == {"2024-25": meaning}


def test_tgt002_the_baseline_is_read_the_same_way_and_other_cells_are_untouched():
    book = dsg_book()
    baseline = cell(book, 9, "Baseline")
    baseline.value, baseline.number_format = 0.132, "0.0%"
    cell(book, 9, "2025-26").value = 13.8
    count = cell(book, 1, "2025-26")
    count.value, count.number_format = 12_400, "#,##0"
    result = check(book)
    targets = result.content.targets
    assert targets.baselines[9] == (Decimal("13.2"), None)
    assert targets.yearly[9] == {"2025-26": Decimal("13.8")}
    assert targets.yearly[1] == {"2025-26": Decimal(12_400)}


def test_tgt003_a_target_of_14_percent_reaches_the_measures_as_the_fraction_0_14(engine):
    from services.submissions import store_checked

    book = dsg_book()
    for year, value in (("2024-25", 0.14), ("2025-26", "13.5%")):
        target = cell(book, 5, year)
        target.value, target.number_format = value, "0%"
    result = check(book)
    with Session(engine) as session:
        store_checked(session, NORFOLK.la_code, result, is_demo=False, loaded_by="test")
        session.commit()
        returns = read_returns(session, NORFOLK)
    # stored as typed, in the dashboard's unit; a % measure's value is a fraction
    assert returns.targets[5] == {"2024-25": Decimal(14), "2025-26": Decimal("13.5")}
    assert returns.targets[5]["2024-25"] / 100 == Decimal("0.14")


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("#,##0.00%;[Red]-#,##0.00%", True),
        ("General", False),
        ("#,##0", False),
        ('0.0"%"', False),  # a literal % sign: Excel shows the number as it is
        ("0.0\\%", False),
        ("[$%-809]0", False),
    ],
)
def test_tgt004_a_format_is_a_percentage_when_it_has_a_percent_sign_outside_quotes(code, percent):
    assert is_percent_format(code) is percent


def test_tgt005_only_cells_carry_the_percent_style_rows_and_columns_do_not():
    xml = (
        b'<worksheet><cols><col min="1" max="3" s="1"/></cols><sheetData>'
        b'<row r="2" s="1" customFormat="1"><c r="A2" s="1"><v>0.5</v></c><c r="B2"><v>2</v></c>'
        b'<c r="C2" s="2"><v>3</v></c></row>'
        b'<row r="3"><c r="AB3" t="n" s="1"><v>0.1</v></c></row></sheetData></worksheet>'
    )
    assert percent_cells(xml, frozenset({1})) == {(2, 1), (3, 28)}
    assert percent_cells(xml, frozenset()) == frozenset()


# ---- per term or per year --------------------------------------------------------------------


def test_tgt006_per_is_read_and_defaults_to_term_for_termly_flows_and_year_otherwise():
    book = dsg_book()
    cell(book, 6, "2024-25").value = 500  # requests from schools: a termly flow
    cell(book, 12, "2024-25").value = 200_000_000  # HNB spend, a termly flow, per year
    cell(book, 12, "Per").value = "Year"
    cell(book, 45, "2024-25").value = 60  # exclusions, a termly flow, typed per term
    cell(book, 45, "Per").value = "per term"
    cell(book, 1, "2024-25").value = 12_000  # plans maintained: a level at the end of the term
    cell(book, 4, "2024-25").value = 1_900  # new plans in the financial year
    cell(book, 42, "Baseline").value = 690  # a baseline alone still has a Per
    result = check(book)
    assert issues(result) == []
    assert result.content.targets.per == {
        6: "term",
        12: "year",
        45: "term",
        1: "year",
        4: "year",
        42: "year",
    }


def test_tgt007_term_for_a_financial_year_measure_is_refused_naming_the_cell():
    book = dsg_book()
    cell(book, 4, "2024-25").value = 1_900
    per = cell(book, 4, "Per")
    per.value = "term"
    result = check(book)
    assert issues(result) == [
        (
            f"Targets!{per.coordinate}",
            "'term' for measure 4, which is counted over the financial year",
        )
    ]
    assert per.coordinate == "C5"  # Per is column C; measure 4 is the fourth row of measures


def test_tgt008_term_for_a_level_is_read_as_year_with_a_warning():
    book = dsg_book()
    cell(book, 1, "2024-25").value = 12_000
    cell(book, 1, "Per").value = "term"
    result = check(book)
    assert issues(result) == []
    assert (
        "Targets!C2",
        "'term' for measure 1, a level at the end of each term (not counted over it)",
    ) in issues(result, "warnings")
    assert result.content.targets.per == {1: "year"}


def test_tgt009_an_unknown_word_in_per_is_refused():
    book = dsg_book()
    cell(book, 6, "2024-25").value = 500
    cell(book, 6, "Per").value = "weekly"
    result = check(book)
    assert issues(result) == [("Targets!C7", "'weekly'")]  # measure 6 is on row 7


def test_tgt010_per_is_stored_and_reaches_the_measures(engine):
    from services.submissions import store_checked

    book = dsg_book()
    cell(book, 6, "2024-25").value = 500
    cell(book, 6, "Baseline").value = 399
    cell(book, 25, "2024-25").value = 5_000_000
    cell(book, 25, "Per").value = "year"
    cell(book, 27, "2024-25").value = 26_000
    result = check(book)
    with Session(engine) as session:
        store_checked(session, NORFOLK.la_code, result, is_demo=False, loaded_by="test")
        session.commit()
        returns = read_returns(session, NORFOLK)
    assert returns.target_per == {6: "term", 25: "year", 27: "year"}


def test_tgt011_a_sheet_without_the_per_column_still_loads():
    book = dsg_book()
    sheet = book["Targets"]
    sheet.delete_cols(3)  # a workbook made from the template before Per was added
    # Ref, Measure, Baseline, Baseline period, 2022-23, 2023-24: F3 is measure 2's 2023-24
    sheet["F3"] = 500
    result = check(book)
    assert issues(result) == []
    assert result.content.targets.yearly == {2: {"2023-24": Decimal(500)}}
    assert result.content.targets.per == {2: "year"}


# ---- the measures are the catalogue's --------------------------------------------------------


def test_tgt012_the_sheet_accepts_exactly_the_catalogues_measures():
    assert NORFOLK_SHAPE.measure_refs == tuple(m.ref for m in NORFOLK.catalogue.measures)
    book = dsg_book()
    sheet = book["Targets"]
    sheet.cell(sheet.max_row + 1, 1, 47)
    result = check(book)
    assert issues(result) == [(f"Targets!A{sheet.max_row}", "the measure number 47")]


def test_tgt013_the_template_lists_every_measure_but_16_to_22_with_a_per_column():
    sheet = dsg_book()["Targets"]
    assert [c.value for c in sheet[1]][:5] == [
        "Ref",
        "Measure",
        "Per",
        "Baseline",
        "Baseline period",
    ]
    refs = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
    assert refs == [*range(1, 16), *range(23, 47)]
    instructions = "\n".join(
        str(c.value) for c in book_instructions(dsg_book()) if c.value is not None
    )
    assert "0.14 in a cell not formatted as a percentage means 0.14%" in instructions
    assert "'term' for each term, 'year' for the whole financial" in instructions


def book_instructions(book):
    return [row[0] for row in book["Instructions"].iter_rows()]


# ---- the measures that follow the plan -------------------------------------------------------


def test_tgt014_the_measures_that_follow_the_plan_are_left_out_and_a_row_for_one_is_ignored():
    # The Schools Forum paper sets measures 16-22 (in-year deficit to the council's
    # contribution) against the DSG plan itself, so they have no targets of their own.
    followers = [ref for ref, kind in NORFOLK_SHAPE.measures.items() if kind.follows_plan]
    assert followers == [16, 17, 18, 19, 20, 21, 22]
    assert follower_numbers(NORFOLK_SHAPE) == "16-22"
    assert NORFOLK_SHAPE.target_refs == (*range(1, 16), *range(23, 47))
    book = dsg_book()
    sheet = book["Targets"]
    row = sheet.max_row + 1
    sheet.cell(row, 1, 18)  # the cumulative deficit after contributions
    sheet.cell(row, 6, 45.613)  # 2022-23, the paper's own figure
    result = check(book)
    assert issues(result) == []
    (warning,) = [w for w in result.report.warnings if w.sheet == "Targets"]
    assert (warning.location, warning.found) == (f"Targets!A{row}", "targets for measure 18")
    assert warning.expected == "targets for measures other than 16-22"
    assert warning.fix == "Measures 16-22 are set against the Plan sheet; the row is ignored."
    assert 18 not in result.content.targets.yearly
    instructions = " ".join(
        str(c.value).strip() for c in book_instructions(dsg_book()) if c.value is not None
    )
    assert "for any measure other than 16-22 (which follow the plan)" in instructions


@pytest.mark.parametrize(
    ("refs", "words"),
    [((16, 17, 18), "16-18"), ((3, 5, 9), "3, 5, 9"), ((16, 17), "16, 17"), ((), "")],
)
def test_tgt015_the_followers_are_named_as_a_run_or_one_by_one(refs, words):
    measures = {
        ref: replace(kind, follows_plan=ref in refs) for ref, kind in NORFOLK_SHAPE.measures.items()
    }
    assert follower_numbers(replace(NORFOLK_SHAPE, measures=measures)) == words
