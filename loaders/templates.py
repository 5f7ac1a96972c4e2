"""Workbook templates finance officers fill in, and the same layout filled with figures."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from loaders.dsg import FORECAST_SHEET, OPENING_LABEL, PLAN_SHEET, TERM_LABEL
from loaders.errors import TemplateError
from storage.dsg_plan import INPUT_LINES, LineGroup

FAMILIES = ("dsg",)
MONEY_FORMAT = "#,##0.000;-#,##0.000"
HEADER_ROW = 4
BOLD = Font(bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
GROUP_HEADINGS = {
    LineGroup.INCOME: "Income (enter as negative figures)",
    LineGroup.EXPENDITURE: "Expenditure",
    LineGroup.CONTRIBUTION: "Contributions towards the deficit (enter as negative figures)",
}

DSG_INSTRUCTIONS = (
    "DSG High Needs Block recovery plan and forecast: how to fill in this workbook",
    "",
    "This workbook has two sheets to fill in: 'Plan' and 'Forecast'. Do not rename them.",
    "All figures are in £ millions (£m), to three decimal places: 45.613 means £45,613,000.",
    "Use the plan's signs: income and contributions are negative (credits); spending is positive.",
    "A positive balance is a deficit; a negative balance is a surplus.",
    "",
    "Plan sheet",
    f"- Type the {OPENING_LABEL.lower()} (the deficit brought forward into the first year) in B2.",
    "- Fill in each line for each year. A blank cell counts as zero.",
    "- Do not add totals: total income, total expenditure, the in-year deficit and the cumulative",
    "  balances are worked out by the dashboard. If you do add them, they are checked, not used.",
    "",
    "Forecast sheet",
    "- Type the term the forecast was made in, such as 'Autumn 2024', in B2.",
    "- Fill in every year up to the last year you forecast. Years that ended before the term's",
    "  financial year are the outturn (actual); later years are the forecast.",
    "- Leave the sheet empty if there is no forecast yet.",
    "",
    "Figures such as '£1,234.5', '(1.5)' for a negative and '-' for nothing are accepted.",
    "Cells with formulas are fine as long as the file was last saved in Excel.",
    "Check the file with: lfi load FILE --dry-run",
)


def _write_instructions(sheet: Worksheet, lines: tuple[str, ...]) -> None:
    for row, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 100


def _write_lines(
    sheet: Worksheet,
    years: tuple[str, ...],
    figures: Mapping[str, Mapping[str, Decimal]] | None,
) -> None:
    sheet.cell(row=HEADER_ROW, column=1, value="Line (£m)").font = BOLD
    for col, year in enumerate(years, start=2):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=year)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="right")
        sheet.column_dimensions[cell.column_letter].width = 12
    row, group = HEADER_ROW, None
    for line in INPUT_LINES:
        if line.group is not group:
            group = line.group
            row += 1
            sheet.cell(row=row, column=1, value=GROUP_HEADINGS[group]).font = Font(italic=True)
        row += 1
        sheet.cell(row=row, column=1, value=line.label)
        for col, year in enumerate(years, start=2):
            cell = sheet.cell(row=row, column=col)
            cell.number_format = MONEY_FORMAT
            cell.fill = INPUT_FILL
            if figures and year in figures.get(line.code, {}):
                cell.value = float(figures[line.code][year])
    sheet.column_dimensions["A"].width = 70
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)


def write_dsg_workbook(
    target: str | BinaryIO,
    *,
    years: tuple[str, ...],
    opening_balance: Decimal | None = None,
    plan: Mapping[str, Mapping[str, Decimal]] | None = None,
    forecast: Mapping[str, Mapping[str, Decimal]] | None = None,
    forecast_term: str | None = None,
) -> None:
    """Write the DSG workbook: empty as a template, or filled with figures in £m."""
    book = Workbook()
    _write_instructions(book.active, DSG_INSTRUCTIONS)
    book.active.title = "Instructions"

    plan_sheet = book.create_sheet(PLAN_SHEET)
    plan_sheet["A1"] = "DSG High Needs Block recovery plan (£m)"
    plan_sheet["A1"].font = Font(bold=True, size=14)
    plan_sheet["A2"] = f"{OPENING_LABEL} (£m, deficit brought forward into {years[0]})"
    plan_sheet["B2"].number_format = MONEY_FORMAT
    plan_sheet["B2"].fill = INPUT_FILL
    if opening_balance is not None:
        plan_sheet["B2"] = float(opening_balance)
    _write_lines(plan_sheet, years, plan)

    forecast_sheet = book.create_sheet(FORECAST_SHEET)
    forecast_sheet["A1"] = "Latest forecast outturn (£m)"
    forecast_sheet["A1"].font = Font(bold=True, size=14)
    forecast_sheet["A2"] = TERM_LABEL
    forecast_sheet["B2"].fill = INPUT_FILL
    if forecast_term:
        forecast_sheet["B2"] = forecast_term
    forecast_sheet["A3"] = "Years that ended before the term are outturn; later years are forecast."
    _write_lines(forecast_sheet, years, forecast)
    book.save(target)


def write_template(family: str, target: str | BinaryIO, *, years: tuple[str, ...]) -> None:
    """Write the empty template for ``family``."""
    if family != "dsg":
        raise TemplateError(f"no template called {family!r}; choose one of: {', '.join(FAMILIES)}")
    write_dsg_workbook(target, years=years)
