"""The DSG workbook: what is accepted, what is refused, and that a refused file changes nothing."""

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import DsgFigure
from tests import paper
from tests.councils import NORFOLK
from tests.loaders.conftest import snapshot
from tests.workbooks import (
    find_row,
    find_row_starting,
    mutated,
    paper_workbook,
    to_bytes,
    year_column,
)

INDEPENDENT = "Independent Special Schools"


def cell_ref(sheet, label: str, year: str) -> str:
    return sheet.cell(row=find_row(sheet, label), column=year_column(sheet, year)).coordinate


def refused(engine, load, data: bytes):
    before = snapshot(engine)
    outcome = load(data)
    assert outcome.stored_id is None
    assert snapshot(engine) == before, "a refused file must change nothing"
    return outcome.report


def test_dsg101_the_papers_plan_loads_with_only_a_note_that_there_is_no_forecast(template, load):
    outcome = load(to_bytes(paper_workbook(template)))
    assert outcome.report.errors == []
    assert [str(w) for w in outcome.report.warnings] == [
        "warning: Forecast: found no forecast figures; expected the latest forecast outturn, when "
        "there is one. The plan is stored on its own; measures will show plan figures only."
    ]
    assert outcome.stored_id is not None


def test_dsg102_a_missing_sheet_is_named(template, engine, load):
    report = refused(engine, load, mutated(template, lambda b: b.remove(b["Forecast"])))
    assert [str(e) for e in report.errors] == [
        "error: Forecast: found no sheet named 'Forecast'; expected the sheets Plan, Forecast. "
        "Add the 'Forecast' sheet from the template (lfi template dsg); sheet names must match "
        "exactly."
    ]


def test_dsg103_a_misspelt_year_heading_is_named_with_its_cell(template, engine, load):
    def misspell(book):
        sheet = book["Plan"]
        sheet.cell(row=4, column=year_column(sheet, "2024-25"), value="2024-26")

    report = refused(engine, load, mutated(template, misspell))
    assert [(e.location, e.found) for e in report.errors] == [
        ("Plan!D4", "'2024-26'"),
        ("Plan!4:4", "no column headed 2024-25"),
    ]


def test_dsg104_a_missing_year_column_is_named(template, engine, load):
    def drop_year(book):
        sheet = book["Plan"]
        sheet.delete_cols(year_column(sheet, "2025-26"))

    report = refused(engine, load, mutated(template, drop_year))
    assert [str(e) for e in report.errors] == [
        "error: Plan!4:4: found no column headed 2025-26; expected one column for each year "
        "2022-23 to 2028-29. Add a column headed 2025-26 in row 4."
    ]


def test_dsg105_text_in_a_number_cell_is_named_with_its_cell(template, engine, load):
    book = paper_workbook(template)
    where = cell_ref(book["Plan"], INDEPENDENT, "2023-24")
    book["Plan"][where] = "n/a"
    report = refused(engine, load, to_bytes(book))
    assert [str(e) for e in report.errors] == [
        f"error: Plan!{where}: found 'n/a'; expected a number in £m for Independent Special "
        "Schools, 2023-24, such as 12.345. Type the figure as a number; '£1,234' and '(1.5)' are "
        "accepted."
    ]


def test_dsg106_every_problem_is_reported_at_once(template, engine, load):
    def several(book):
        plan = book["Plan"]
        plan[cell_ref(plan, INDEPENDENT, "2023-24")] = "n/a"
        plan[cell_ref(plan, "Short Stay Schools", "2026-27")] = "#REF!"
        plan.cell(row=find_row_starting(plan, "Opening cumulative balance"), column=2).value = None

    report = refused(engine, load, mutated(template, several))
    assert [e.found for e in report.errors] == ["'n/a'", "the Excel error #REF!", "a blank cell"]


def test_dsg107_pound_signs_commas_brackets_and_dashes_are_read_as_numbers(template, engine, load):
    def typed_by_hand(book):
        plan = book["Plan"]
        plan[cell_ref(plan, "Alternative Provision", "2022-23")] = "£2.133"
        plan[cell_ref(plan, "DfE Contribution", "2022-23")] = "(28.000)"
        plan[cell_ref(plan, "High Needs Block DSG Income", "2023-24")] = "(£135.212)"
        plan[cell_ref(plan, "Investment contingency including Inclusion Fund", "2022-23")] = "-"

    outcome = load(mutated(template, typed_by_hand))
    assert outcome.report.errors == []
    with Session(engine) as session:
        stored = dict(
            session.execute(
                select(DsgFigure.line, DsgFigure.amount_pence).where(
                    DsgFigure.basis == "plan", DsgFigure.year == "2022-23"
                )
            ).all()
        )
    assert stored["alternative_provision"] == 213_300_000  # £2.133m in pence
    assert stored["dfe_contribution"] == -2_800_000_000  # -£28m
    assert stored["investment_contingency"] == 0


def test_dsg108_a_formula_with_no_saved_value_is_refused_with_its_cell(template, engine, load):
    book = paper_workbook(template)
    where = cell_ref(book["Plan"], INDEPENDENT, "2024-25")
    book["Plan"][where] = "=40+1.437"  # saved by openpyxl, so Excel never calculated it
    report = refused(engine, load, to_bytes(book))
    assert [str(e) for e in report.errors] == [
        f"error: Plan!{where}: found the formula =40+1.437 with no saved value; expected a saved "
        "value. Open the file in Excel, let it calculate, then save it; or type the figure."
    ]


def test_dsg109_income_typed_as_a_positive_figure_is_refused(template, engine, load):
    book = paper_workbook(template)
    where = cell_ref(book["Plan"], "High Needs Block DSG Income", "2022-23")
    book["Plan"][where] = 120.578
    report = refused(engine, load, to_bytes(book))
    assert [str(e) for e in report.errors] == [
        f"error: Plan!{where}: found 120.578; expected a negative figure: High Needs Block DSG "
        "Income is income, a credit to the High Needs Block. Enter it as -120.578, as the plan does."
    ]


def test_dsg110_figures_typed_in_pounds_not_millions_are_refused(template, engine, load):
    book = paper_workbook(template)
    where = cell_ref(book["Plan"], INDEPENDENT, "2022-23")
    book["Plan"][where] = 42_771_000
    report = refused(engine, load, to_bytes(book))
    assert [(e.location, e.found) for e in report.errors] == [(f"Plan!{where}", "42,771,000")]


def test_dsg111_a_misspelt_line_label_is_missing_and_the_stray_row_suggests_the_right_one(
    template, engine, load
):
    def misspell(book):
        plan = book["Plan"]
        plan.cell(row=find_row(plan, INDEPENDENT), column=1, value="Independant Special Schools")

    report = refused(engine, load, mutated(template, misspell))
    stray, missing = report.errors
    # the template's Independent Special Schools row is row 11
    assert (stray.location, stray.found) == (
        "Plan!A11",
        "figures in a row labelled 'Independant Special Schools'",
    )
    assert stray.expected.startswith(
        "one of the plan's lines: High Needs Block DSG Income; 1.5% Schools Block transfer; "
    )
    assert "; Independent Special Schools; " in stray.expected
    assert stray.fix == (
        "Rename the row to one of the plan's lines, or map its label to one on the 'Line map' "
        "sheet. Did you mean 'Independent Special Schools'?"
    )
    assert str(missing) == (
        "error: Plan!A: found no row labelled 'Independent Special Schools'; expected every line "
        "of the plan. Add a row labelled 'Independent Special Schools' (0 where there is no figure)."
    )


def _add_row(sheet, label: str, row_text: str) -> int:
    row = sheet.max_row + 1
    sheet.cell(row=row, column=1, value=label)
    for year, value in paper.by_year(row_text).items():
        sheet.cell(row=row, column=year_column(sheet, year), value=float(value))
    return row


def test_dsg112_stated_totals_within_half_a_hundredth_of_a_million_pass_quietly(template, load):
    def with_totals(book):
        _add_row(book["Plan"], "Cumulative Balance", paper.CUMULATIVE_BALANCE)
        _add_row(book["Plan"], "Total Expenditure", paper.TOTAL_EXPENDITURE)

    outcome = load(mutated(template, with_totals))
    assert outcome.report.errors == []
    assert all(w.sheet != "Plan" for w in outcome.report.warnings)


def test_dsg113_a_stated_total_that_disagrees_is_a_warning_naming_its_cell(template, load):
    book = paper_workbook(template)
    row = _add_row(book["Plan"], "Cumulative Balance", paper.CUMULATIVE_BALANCE)
    where = book["Plan"].cell(row=row, column=year_column(book["Plan"], "2023-24")).coordinate
    book["Plan"][where] = 59.900  # the derivation gives 59.262
    outcome = load(to_bytes(book))
    assert outcome.report.errors == []
    plan_warnings = [w for w in outcome.report.warnings if w.sheet == "Plan"]
    assert [str(w) for w in plan_warnings] == [
        f"warning: Plan!{where}: found 59.900; expected 59.262, the Cumulative Balance derived from "
        "the lines and the opening balance. The product uses the derived figure; check the lines "
        "and the total."
    ]
    assert outcome.stored_id is not None


def _forecast(years=paper.YEARS):
    figures = paper.figures()
    return {
        label: {y: v for y, v in values.items() if y in years} for label, values in figures.items()
    }


def test_dsg114_a_forecast_needs_the_term_it_was_made_in(template, engine, load):
    book = paper_workbook(template, forecast=_forecast(), term=None)
    report = refused(engine, load, to_bytes(book))
    assert [str(e) for e in report.errors] == [
        "error: Forecast!B2: found no term; expected the term the forecast was made in, beside "
        "'Forecast made in'. Type the term, such as 'Autumn 2024'."
    ]


def test_dsg115_a_term_that_is_not_a_term_is_refused(template, engine, load):
    book = paper_workbook(template, forecast=_forecast(), term="Q3 2024")
    report = refused(engine, load, to_bytes(book))
    assert [(e.location, e.found) for e in report.errors] == [("Forecast!B2", "'Q3 2024'")]


def test_dsg116_a_forecast_year_left_blank_before_later_years_is_refused(template, engine, load):
    years = ("2022-23", "2024-25")
    book = paper_workbook(template, forecast=_forecast(years), term="Autumn 2024")
    report = refused(engine, load, to_bytes(book))
    column = year_column(book["Forecast"], "2023-24")
    assert [(e.location, e.found) for e in report.errors] == [
        (
            f"Forecast!{book['Forecast'].cell(row=4, column=column).coordinate}",
            "no figures for 2023-24, but figures for later years",
        ),
    ]


def test_dsg117_a_dry_run_checks_and_stores_nothing(template, engine, load):
    before = snapshot(engine)
    outcome = load(to_bytes(paper_workbook(template)), dry_run=True)
    assert outcome.report.errors == []
    assert outcome.stored_id is None
    assert snapshot(engine) == before


@pytest.mark.parametrize("sheet_name", ["Plan", "Forecast"])
def test_dsg118_a_sheet_of_figures_with_no_year_headings_is_refused(
    template, engine, load, sheet_name
):
    def clear_headings(book):
        sheet = book[sheet_name]
        for column in range(2, 9):
            sheet.cell(row=4, column=column).value = None

    data = mutated(template, clear_headings, forecast=_forecast(), term="Autumn 2024")
    report = refused(engine, load, data)
    assert [(e.location, e.found) for e in report.errors] == [
        (f"{sheet_name}!1:30", "no row of year headings")
    ]


def test_dsg119_figures_are_stored_exactly(template, engine, load):
    load(to_bytes(paper_workbook(template)))
    with Session(engine) as session:
        amount = session.scalar(
            select(DsgFigure.amount_pence).where(
                DsgFigure.basis == "plan",
                DsgFigure.line == "council_contribution",
                DsgFigure.year == "2028-29",
            )
        )
    assert Decimal(amount) / 100 == Decimal("-4923000")  # -£4.923m, to the penny


def test_dsg120_stated_totals_on_a_forecast_of_some_years_only_are_checked_for_those_years(
    template, load
):
    years = ("2022-23", "2023-24", "2024-25")

    def with_totals(book):
        # formula totals saved by a program read as 0 in the years not yet forecast
        row = _add_row(book["Forecast"], "Total Expenditure", paper.TOTAL_EXPENDITURE)
        for year in ("2025-26", "2026-27", "2027-28", "2028-29"):
            book["Forecast"].cell(row=row, column=year_column(book["Forecast"], year), value=0)

    outcome = load(mutated(template, with_totals, forecast=_forecast(years), term="Autumn 2024"))
    assert outcome.report.errors == []
    assert [w for w in outcome.report.warnings if w.sheet == "Forecast"] == []


def test_dsg121_figures_typed_in_thousands_are_refused_with_the_right_advice(
    template, engine, load
):
    book = paper_workbook(template)
    where = cell_ref(book["Plan"], "1.5% Schools Block transfer", "2022-23")
    book["Plan"][where] = -8_529  # £000s
    report = refused(engine, load, to_bytes(book))
    assert [str(e) for e in report.errors] == [
        f"error: Plan!{where}: found -8,529; expected a figure in £m (millions of pounds), such "
        "as 45.613. Figures on this sheet are in £m: divide pounds by 1,000,000, or £000s by 1,000."
    ]


def test_dsg122_a_blank_cell_in_a_forecast_year_with_figures_is_a_warning(template, load):
    forecast = _forecast()
    forecast[INDEPENDENT]["2024-25"] = None
    book = paper_workbook(template, forecast=forecast, term="Autumn 2024")
    where = cell_ref(book["Forecast"], INDEPENDENT, "2024-25")
    outcome = load(to_bytes(book))
    assert outcome.report.errors == []
    assert [(w.location, w.found) for w in outcome.report.warnings] == [
        (f"Forecast!{where}", "a blank cell in a year that has figures")
    ]


def test_dsg122b_a_forecast_cell_with_text_is_one_error_not_also_a_blank(template, engine, load):
    book = paper_workbook(template, forecast=_forecast(), term="Autumn 2024")
    where = cell_ref(book["Forecast"], INDEPENDENT, "2024-25")
    book["Forecast"][where] = "about 41"
    report = refused(engine, load, to_bytes(book))
    assert [(i.level, i.found) for i in report.issues if i.location == f"Forecast!{where}"] == [
        ("error", "'about 41'")
    ]


def test_dsg123_a_hidden_template_sheet_is_read_with_a_warning(template, load):
    def hide(book):
        book["Plan"].sheet_state = "hidden"

    outcome = load(mutated(template, hide))
    assert outcome.report.errors == []
    assert ("Plan", "a hidden sheet") in [(w.location, w.found) for w in outcome.report.warnings]


def test_dsg124_merged_cells_among_the_figures_are_refused(template, engine, load):
    def merge(book):
        plan = book["Plan"]
        row = find_row(plan, "DfE Contribution")
        plan.merge_cells(
            start_row=row,
            start_column=year_column(plan, "2023-24"),
            end_row=row,
            end_column=year_column(plan, "2024-25"),
        )

    book = paper_workbook(template)
    merge(book)
    row = find_row(book["Plan"], "DfE Contribution")
    report = refused(engine, load, to_bytes(book))
    assert [(e.location, e.found) for e in report.errors] == [
        (f"Plan!C{row}:D{row}", f"merged cells C{row}:D{row} among the figures")
    ]


def test_dsg125_a_forecast_may_leave_out_the_columns_of_years_not_yet_forecast(template, load):
    years = ("2022-23", "2023-24", "2024-25")

    def drop_later_years(book):
        sheet = book["Forecast"]
        sheet.delete_cols(year_column(sheet, "2025-26"), 4)

    outcome = load(
        mutated(template, drop_later_years, forecast=_forecast(years), term="Autumn 2024")
    )
    assert outcome.report.errors == []
    assert outcome.stored_id is not None


def test_dsg126_year_headings_with_an_en_dash_are_read(template, load):
    def en_dash(book):
        sheet = book["Plan"]
        sheet.cell(row=4, column=year_column(sheet, "2023-24"), value="2023–24")

    assert load(mutated(template, en_dash)).report.errors == []


def test_dsg127_a_renamed_term_label_is_named_as_missing(template, engine, load):
    def rename(book):
        sheet = book["Forecast"]
        sheet.cell(row=find_row(sheet, "Forecast made in"), column=1, value="Term")

    report = refused(
        engine, load, mutated(template, rename, forecast=_forecast(), term="Autumn 2024")
    )
    assert [(e.location, e.found) for e in report.errors] == [
        ("Forecast!A", "no row labelled 'Forecast made in'")
    ]


def test_dsg128_a_term_after_the_plans_last_year_is_accepted(template, load):
    book = paper_workbook(template, forecast=_forecast(), term="Summer 2029")
    outcome = load(to_bytes(book))
    assert outcome.report.errors == []


def test_dsg129_a_term_before_the_plan_began_is_refused(template, engine, load):
    book = paper_workbook(template, forecast=_forecast(), term="Spring 2022")
    report = refused(engine, load, to_bytes(book))
    assert [(e.location, e.found) for e in report.errors] == [
        ("Forecast!B2", "Spring 2022 (in 2021-22)")
    ]


def test_dsg130_a_plan_of_one_year_can_be_loaded(engine, tmp_path):
    from loaders.templates import write_dsg_workbook
    from services.submissions import load_workbook

    one_year = replace(NORFOLK, profile=replace(NORFOLK.profile, plan_years=("2022-23",)))
    path = tmp_path / "one-year.xlsx"
    write_dsg_workbook(path, shape=one_year.shape, opening_balance=Decimal("53.976"))
    outcome = load_workbook(
        engine, path.read_bytes(), file_name="one-year.xlsx", council=one_year, max_bytes=10**7
    )
    assert outcome.report.errors == []
