"""Workbook templates finance officers fill in, and the same layout filled with figures."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from domain.plan_lines import LineGroup
from domain.plan_shape import PlanShape
from domain.vocabulary import EHCP_ITEMS, PRIMARY_NEEDS, PROVISION_TYPES, SAVINGS_COHORTS
from loaders.dsg import FORECAST_SHEET, OPENING_LABEL, PLAN_SHEET, TERM_LABEL
from loaders.ehcp import ACTIVITY_SHEET, NEEDS_SHEET
from loaders.errors import TemplateError
from loaders.hnb import SAVINGS_SHEET, SPEND_SHEET, expenditure_lines
from loaders.line_map import LABEL_HEADING, LINE_HEADING, LINE_MAP_SHEET
from loaders.placements import COLUMNS as PLACEMENT_COLUMNS
from loaders.placements import PLACEMENTS_SHEET
from loaders.targets import TARGETS_SHEET, follower_numbers

# A cell of the Targets sheet: Per, a baseline, its period or a target (a number, or text).
TargetValue = str | float | Decimal | None

FAMILIES = ("dsg", "ehcp", "hnb")
MONEY_FORMAT = "#,##0.000;-#,##0.000"
HEADER_ROW = 4
BOLD = Font(bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
GROUP_HEADINGS = {
    LineGroup.INCOME: "Income (enter as negative figures)",
    LineGroup.EXPENDITURE: "Expenditure",
    LineGroup.CONTRIBUTION: "Contributions towards the deficit (enter as negative figures)",
}


def dsg_instructions(shape: PlanShape) -> tuple[str, ...]:
    """How to fill in the council's DSG workbook, one line a row."""
    followers = follower_numbers(shape)
    return (
        f"{shape.council}: DSG High Needs Block recovery plan and forecast: how to fill in this "
        "workbook",
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
        "Targets sheet (optional)",
        f"- A baseline and yearly targets for any measure other than {followers} (which follow the",
        "  plan), in the unit the dashboard shows it: a count, pounds, £m, or a percentage.",
        "- Percentages are read as the spreadsheet shows them. Typing 4.7% (Excel stores 0.047 and",
        "  shows 4.7%), the text '4.7%' and the number 4.7 all mean 4.7%. A plain number is always",
        "  a number of per cent: 0.14 in a cell not formatted as a percentage means 0.14%, not 14%.",
        "- Per says what each target covers: 'term' for each term, 'year' for the whole financial",
        "  year. Only measures counted over a term (spending, savings, requests, exclusions,",
        "  placements starting or ending) may be set either way; left blank they are per term.",
        "  For a measure of the financial year, and for a level such as plans maintained, an average",
        "  cost or a percentage, the target is for the year (the level wanted at the end of the",
        "  year's terms): leave Per blank or type 'year'.",
        "  A termly measure is judged each term against the target of the year the term falls in.",
        "",
        "Line map sheet (optional)",
        "- If your plan labels a line in its own words, type that label under 'Label in your plan'",
        "  and the template's label of the line it belongs to under 'Plan line'. Its figures are read",
        "  as that line (added to it if the line also has its own row). A row with figures that is",
        "  neither a line of the template nor mapped here is refused, so no figure is dropped.",
        "",
        "Figures such as '£1,234.5', '(1.5)' for a negative and '-' for nothing are accepted.",
        "Cells with formulas are fine as long as the file was last saved in Excel.",
        "Check the file with: lfi load FILE --dry-run",
    )


def _book_with_instructions(lines: tuple[str, ...]) -> Workbook:
    """A new workbook whose first sheet, 'Instructions', says how to fill it in."""
    book = Workbook()
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # openpyxl's types allow none: a new book has one
        raise TypeError("a new workbook starts with one worksheet")
    _write_instructions(sheet, lines)
    sheet.title = "Instructions"
    return book


def _write_instructions(sheet: Worksheet, lines: tuple[str, ...]) -> None:
    for row, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 100


def _write_lines(
    sheet: Worksheet,
    shape: PlanShape,
    figures: Mapping[str, Mapping[str, Decimal]] | None,
) -> None:
    years = shape.years
    sheet.cell(row=HEADER_ROW, column=1, value="Line (£m)").font = BOLD
    for col, year in enumerate(years, start=2):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=year)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="right")
        sheet.column_dimensions[cell.column_letter].width = 12
    row = HEADER_ROW
    for group in LineGroup:
        lines = shape.lines.of_group(group)
        if lines:
            row += 1
            sheet.cell(row=row, column=1, value=GROUP_HEADINGS[group]).font = Font(italic=True)
        for line in lines:
            row = _write_line(sheet, row + 1, line.label, line.code, years, figures)
    sheet.column_dimensions["A"].width = 70
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"


def _write_line(
    sheet: Worksheet,
    row: int,
    label: str,
    code: str,
    years: tuple[str, ...],
    figures: Mapping[str, Mapping[str, Decimal]] | None,
) -> int:
    sheet.cell(row=row, column=1, value=label)
    known = figures.get(code, {}) if figures else {}
    for col, year in enumerate(years, start=2):
        given = float(known[year]) if year in known else None
        cell = sheet.cell(row=row, column=col, value=given)
        cell.number_format = MONEY_FORMAT
        cell.fill = INPUT_FILL
    return row


def write_dsg_workbook(
    target: str | BinaryIO,
    *,
    shape: PlanShape,
    opening_balance: Decimal | None = None,
    plan: Mapping[str, Mapping[str, Decimal]] | None = None,
    forecast: Mapping[str, Mapping[str, Decimal]] | None = None,
    forecast_term: str | None = None,
    targets: Mapping[int, Mapping[str, TargetValue]] | None = None,
) -> None:
    """Write the council's DSG workbook (its years, its lines in its words, its measures):
    empty as a template, or filled with figures in £m.

    ``targets`` maps a measure's number to its baseline, baseline period and yearly targets.
    """
    years = shape.years
    book = _book_with_instructions(dsg_instructions(shape))

    plan_sheet = book.create_sheet(PLAN_SHEET)
    plan_sheet["A1"] = f"{shape.council}: DSG High Needs Block recovery plan (£m)"
    plan_sheet["A1"].font = Font(bold=True, size=14)
    plan_sheet["A2"] = f"{OPENING_LABEL} (£m, deficit brought forward into {years[0]})"
    plan_sheet["B2"].number_format = MONEY_FORMAT
    plan_sheet["B2"].fill = INPUT_FILL
    if opening_balance is not None:
        plan_sheet["B2"] = float(opening_balance)
    _write_lines(plan_sheet, shape, plan)

    forecast_sheet = book.create_sheet(FORECAST_SHEET)
    forecast_sheet["A1"] = "Latest forecast outturn (£m)"
    forecast_sheet["A1"].font = Font(bold=True, size=14)
    forecast_sheet["A2"] = TERM_LABEL
    forecast_sheet["B2"].fill = INPUT_FILL
    if forecast_term:
        forecast_sheet["B2"] = forecast_term
    forecast_sheet["A3"] = "Years that ended before the term are outturn; later years are forecast."
    _write_lines(forecast_sheet, shape, forecast)
    _targets_sheet(book.create_sheet(TARGETS_SHEET), shape, targets or {})
    _line_map_sheet(book.create_sheet(LINE_MAP_SHEET))
    book.save(target)


def _line_map_sheet(sheet: Worksheet) -> None:
    for col, heading in enumerate((LABEL_HEADING, LINE_HEADING), start=1):
        sheet.cell(row=1, column=col, value=heading).font = BOLD
        sheet.column_dimensions[get_column_letter(col)].width = 70


def _targets_sheet(
    sheet: Worksheet,
    shape: PlanShape,
    targets: Mapping[int, Mapping[str, TargetValue]],
) -> None:
    years, kinds = shape.years, shape.measures
    headings = ["Ref", "Measure", "Per", "Baseline", "Baseline period", *years]
    for col, heading in enumerate(headings, start=1):
        sheet.cell(row=1, column=col, value=heading).font = BOLD
    refs = shape.target_refs
    for row, ref in enumerate(refs, start=2):
        given = targets.get(ref, {})
        values = [
            ref,
            kinds[ref].label,
            given.get("per"),
            given.get("baseline"),
            given.get("baseline_period"),
            *(given.get(year) for year in years),
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            if col == 3 and not kinds[ref].is_termly_flow:
                continue  # only a termly flow's targets may be per term
            if col >= 3 and col != 5:
                cell.fill = INPUT_FILL
    per = DataValidation(type="list", formula1='"term,year"', allow_blank=True)
    per.add(f"C2:C{len(refs) + 1}")
    sheet.add_data_validation(per)
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "C2"


def write_template(
    family: str,
    target: str | BinaryIO,
    *,
    shape: PlanShape,
) -> None:
    """Write the council's empty template for ``family``."""
    if family == "dsg":
        write_dsg_workbook(target, shape=shape)
    elif family == "ehcp":
        write_ehcp_workbook(target)
    elif family == "hnb":
        write_hnb_workbook(target, shape=shape)
    else:
        raise TemplateError(f"no template called {family!r}; choose one of: {', '.join(FAMILIES)}")


EHCP_INSTRUCTIONS = (
    "EHCP return: how to fill in this workbook",
    "",
    "One workbook for one term. Do not rename the sheets 'Activity' and 'Primary need'.",
    "No names, dates of birth, pupil numbers (UPN, ULN), NHS numbers or postcodes: a file that",
    "holds any is refused whole.",
    "",
    "Activity sheet",
    "- Type the term in B2, such as 'Autumn 2024' (Autumn: September to December; Spring:",
    "  January to March; Summer: April to August).",
    "- Give each count as a whole number. Counts 'in the term' are for the whole term; counts 'at",
    "  the end of the term' are a snapshot on its last day; census counts are from the census in",
    "  the term. Leave a count blank if it is not known: measures needing it show 'not available'.",
    "",
    "Primary need sheet",
    "- The EHC plans maintained at the end of the term, by the primary need recorded in the plan.",
    "  The total should equal the first count on the Activity sheet.",
    "",
    "Numbers stored as text and '1,234' are accepted. Check the file with: lfi load FILE --dry-run",
)

HNB_INSTRUCTIONS = (
    "High Needs Block return: how to fill in this workbook",
    "",
    "One workbook for one term. Do not rename the sheets 'Spend', 'Savings' and 'Placements'.",
    "All amounts are in pounds (£), not £m. No names, dates of birth, pupil numbers (UPN, ULN),",
    "NHS numbers or postcodes: a file that holds any is refused whole.",
    "",
    "Spend sheet",
    "- Type the term in B2, such as 'Autumn 2024'.",
    "- For each line of the recovery plan, the High Needs Block spending in the term: direct",
    "  spending on places and top-ups, and central spending on services the council runs.",
    "",
    "Savings sheet",
    "- Savings and mitigation achieved in the term, by cohort.",
    "",
    "Placements sheet",
    "- One row for each placement active at any time in the term, with its own reference (never",
    "  a name or pupil number). Give the age or the national curriculum year (N1, N2, R, 1-14).",
    "- Annual cost is the full-year cost of the placement. Dates are written day first",
    "  (01/09/2024). Leave the end date blank if the placement goes on.",
    "- Renegotiation saving is the yearly saving agreed with the provider, if any.",
    "",
    "'£1,234.50' and '(1,234)' are accepted. Check the file with: lfi load FILE --dry-run",
)


def _title(sheet: Worksheet, text: str) -> None:
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=14)


def _term_cell(sheet: Worksheet, term: str | None) -> None:
    sheet["A2"] = "Term"
    sheet["A2"].font = BOLD
    sheet["B2"].fill = INPUT_FILL
    if term:
        sheet["B2"] = term


def _labelled_table(
    sheet: Worksheet,
    *,
    header_row: int,
    headings: tuple[str, ...],
    labels: list[str],
    values: list[tuple] | None = None,
    number_format: str = "#,##0",
    total: bool = False,
) -> None:
    """Headings, a row per label with input cells, and optionally a Total row of sums."""
    for col, heading in enumerate(headings, start=1):
        sheet.cell(row=header_row, column=col, value=heading).font = BOLD
    for index, label in enumerate(labels):
        row = header_row + 1 + index
        sheet.cell(row=row, column=1, value=label)
        for col in range(2, len(headings) + 1):
            given = values[index][col - 2] if values else None
            cell = sheet.cell(row=row, column=col, value=given)
            cell.fill = INPUT_FILL
            cell.number_format = number_format
    if total:
        row = header_row + 1 + len(labels)
        sheet.cell(row=row, column=1, value="Total").font = BOLD
        for col in range(2, len(headings) + 1):
            letter = get_column_letter(col)
            cell = sheet.cell(
                row=row, column=col, value=f"=SUM({letter}{header_row + 1}:{letter}{row - 1})"
            )
            cell.font = BOLD
            cell.number_format = number_format
    sheet.column_dimensions["A"].width = 75
    for col in range(2, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 22


def write_ehcp_workbook(
    target: str | BinaryIO,
    *,
    term: str | None = None,
    counts: Mapping[str, int | None] | None = None,
    needs: Mapping[str, int] | None = None,
) -> None:
    """Write the EHCP return: empty as a template, or filled."""
    book = _book_with_instructions(EHCP_INSTRUCTIONS)
    activity = book.create_sheet(ACTIVITY_SHEET)
    _title(activity, "EHCP return")
    _term_cell(activity, term)
    _labelled_table(
        activity,
        header_row=4,
        headings=("Measure", "Count"),
        labels=list(EHCP_ITEMS.values()),
        values=[((counts or {}).get(code),) for code in EHCP_ITEMS] if counts else None,
    )
    need_sheet = book.create_sheet(NEEDS_SHEET)
    _title(need_sheet, "EHC plans maintained at the end of the term, by primary need")
    _labelled_table(
        need_sheet,
        header_row=3,
        headings=("Primary need", "EHC plans"),
        labels=list(PRIMARY_NEEDS.values()),
        values=[((needs or {}).get(code),) for code in PRIMARY_NEEDS] if needs else None,
        total=True,
    )
    book.save(target)


def _placements_sheet(sheet: Worksheet, placements: list[Mapping[str, object]] | None) -> None:
    headings = [column.heading for column in PLACEMENT_COLUMNS]
    for col, heading in enumerate(headings, start=1):
        sheet.cell(row=1, column=col, value=heading).font = BOLD
        sheet.column_dimensions[get_column_letter(col)].width = 24
    sheet.freeze_panes = "A2"
    lists = {
        "primary_need": list(PRIMARY_NEEDS),
        "provision_type": list(PROVISION_TYPES.values()),
        "in_county": ["In", "Out"],
    }
    for col, column in enumerate(PLACEMENT_COLUMNS, start=1):
        letter = get_column_letter(col)
        if column.key in lists:
            choices = DataValidation(
                type="list", formula1='"' + ",".join(lists[column.key]) + '"', allow_blank=True
            )
            choices.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(choices)
        if column.key in ("annual_cost", "renegotiation_saving"):
            sheet.column_dimensions[letter].number_format = "#,##0.00"
    for row in placements or ():
        sheet.append([row.get(column.key) for column in PLACEMENT_COLUMNS])


def write_hnb_workbook(
    target: str | BinaryIO,
    *,
    shape: PlanShape,
    term: str | None = None,
    spend: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    savings: Mapping[str, Decimal] | None = None,
    placements: list[Mapping[str, object]] | None = None,
) -> None:
    """Write the High Needs Block return: empty as a template, or filled (amounts in pounds)."""
    book = _book_with_instructions(HNB_INSTRUCTIONS)
    expenditure = expenditure_lines(shape.lines)
    spend_sheet = book.create_sheet(SPEND_SHEET)
    _title(spend_sheet, "High Needs Block spending in the term (£)")
    _term_cell(spend_sheet, term)
    _labelled_table(
        spend_sheet,
        header_row=4,
        headings=("Line", "Direct spend (£)", "Central spend (£)"),
        labels=list(expenditure.values()),
        values=[
            tuple(float(v) for v in spend[code]) if code in spend else (None, None)
            for code in expenditure
        ]
        if spend
        else None,
        number_format="#,##0.00",
        total=True,
    )
    savings_sheet = book.create_sheet(SAVINGS_SHEET)
    _title(savings_sheet, "Savings and mitigation achieved in the term (£)")
    _labelled_table(
        savings_sheet,
        header_row=3,
        headings=("Cohort", "Savings and mitigation (£)"),
        labels=list(SAVINGS_COHORTS.values()),
        values=[(float(savings[c]) if c in savings else None,) for c in SAVINGS_COHORTS]
        if savings
        else None,
        number_format="#,##0.00",
        total=True,
    )
    _placements_sheet(book.create_sheet(PLACEMENTS_SHEET), placements)
    book.save(target)
