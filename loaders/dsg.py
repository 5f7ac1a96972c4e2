"""Read the DSG workbook: the recovery plan and the latest forecast outturn, in £m.

Only the input lines are read. Rows the plan derives (totals, in-year deficit, cumulative
balances) are computed; when a file states them, they are checked against the derivation.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from loaders.cells import CellProblem, RawCell, cell_text, parse_decimal
from loaders.grid import Grid, cell_name
from loaders.report import ValidationReport
from storage.dsg_plan import (
    DERIVED_LABELS,
    INPUT_LINES,
    LINES_BY_CODE,
    LineGroup,
    code_for_label,
    derive_years,
)
from storage.periods import PeriodError, Term, parse_financial_year, parse_term

PLAN_SHEET = "Plan"
FORECAST_SHEET = "Forecast"
SHEETS = (PLAN_SHEET, FORECAST_SHEET)
OPENING_LABEL = "Opening cumulative balance"
TERM_LABEL = "Forecast made in"
PENCE_PER_MILLION = Decimal(100_000_000)
# The paper rounds every figure to £0.001m, so stated totals may drift from derived ones by a little.
RECONCILE_TOLERANCE_PENCE = 500_000  # £0.005m
LARGEST_PLAUSIBLE_M = Decimal(10_000)  # £10bn: anything larger was typed in pounds
HEADER_SEARCH_ROWS = 30
_YEARLIKE = re.compile(r"^\s*\d{2,4}\s*[-/–]\s*\d{1,4}\s*$")


@dataclass
class DsgWorkbook:
    """What a valid DSG workbook holds, in pence with the plan's signs."""

    years: tuple[str, ...]
    opening_balance: int
    plan: dict[str, dict[str, int]]
    forecast: dict[str, dict[str, int]] = field(default_factory=dict)
    forecast_term: Term | None = None

    @property
    def forecast_years(self) -> tuple[str, ...]:
        filled = {year for values in self.forecast.values() for year in values}
        return tuple(year for year in self.years if year in filled)


def to_pence(millions: Decimal) -> int:
    return int((millions * PENCE_PER_MILLION).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _format_m(pence: int) -> str:
    return f"{Decimal(pence) / PENCE_PER_MILLION:.3f}"


def _label(sheet: Grid, row: int) -> str:
    return cell_text(sheet.value(row, 1))


def _ref(row: int, column: int) -> str:
    return cell_name(row, column)


def _find_header_row(sheet: Grid) -> int | None:
    last = min(sheet.max_row, HEADER_SEARCH_ROWS)
    for row in range(1, last + 1):
        texts = [cell_text(sheet.value(row, col)) for col in range(2, sheet.max_column + 1)]
        if sum(1 for text in texts if _YEARLIKE.match(text)) >= 2:
            return row
    return None


def _read_year_columns(
    sheet: Grid, header_row: int, years: tuple[str, ...], report: ValidationReport
) -> dict[str, int]:
    """Map each plan year to its column, reporting misspelt, repeated and missing headings."""
    columns: dict[str, int] = {}
    span = f"{years[0]} to {years[-1]}"
    for col in range(2, sheet.max_column + 1):
        text = cell_text(sheet.value(header_row, col))
        if not _YEARLIKE.match(text):
            continue
        where = _ref(header_row, col)
        try:
            year = parse_financial_year(text)
        except PeriodError:
            report.error(
                sheet=sheet.name,
                cell=where,
                found=repr(text),
                expected=f"a financial year heading such as {years[0]} (the plan runs {span})",
                fix="Correct the heading so the two years follow each other, e.g. 2024-25.",
            )
            continue
        if year not in years:
            report.warning(
                sheet=sheet.name,
                cell=where,
                found=f"a column for {year}",
                expected=f"years {span} only",
                fix="The column is ignored.",
            )
        elif year in columns:
            report.error(
                sheet=sheet.name,
                cell=where,
                found=f"a second column headed {year}",
                expected="one column per year",
                fix=f"Delete one of the two {year} columns "
                f"({_ref(header_row, columns[year])} and {where}).",
            )
        else:
            columns[year] = col
    for year in years:
        if year not in columns:
            report.error(
                sheet=sheet.name,
                cell=f"{header_row}:{header_row}",
                found=f"no column headed {year}",
                expected=f"one column for each year {span}",
                fix=f"Add a column headed {year} in row {header_row}.",
            )
    return columns


def _read_amount(
    sheet: Grid, row: int, column: int, report: ValidationReport, *, what: str
) -> int | None:
    """One figure in £m as pence; None when blank or unreadable (the problem is reported)."""
    where = _ref(row, column)
    try:
        number = parse_decimal(sheet.cell(row, column))
    except CellProblem as problem:
        if problem.found.startswith("the formula"):
            expected, fix = (
                "a saved value",
                "Open the file in Excel, let it calculate, then save it; or type the figure.",
            )
        else:
            expected, fix = (
                f"a number in £m for {what}, such as 12.345",
                "Type the figure as a number; '£1,234' and '(1.5)' are accepted.",
            )
        report.error(sheet=sheet.name, cell=where, found=problem.found, expected=expected, fix=fix)
        return None
    if number is None:
        return None
    if abs(number) > LARGEST_PLAUSIBLE_M:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=f"{number:,}",
            expected="a figure in £m (millions of pounds)",
            fix="Divide by 1,000,000: figures on this sheet are in £m, e.g. 45.613.",
        )
        return None
    return to_pence(number)


def _check_sign(
    sheet: Grid, row: int, column: int, code: str, pence: int, report: ValidationReport
) -> None:
    line = LINES_BY_CODE[code]
    if line.group is LineGroup.EXPENDITURE or pence <= 0:
        return
    report.error(
        sheet=sheet.name,
        cell=_ref(row, column),
        found=_format_m(pence),
        expected=f"a negative figure: {line.label} is {line.group}, a credit to the High Needs Block",
        fix=f"Enter it as -{_format_m(pence)}, as the plan does.",
    )


def _suggest(label: str) -> str:
    known = [line.label for line in INPUT_LINES] + list(DERIVED_LABELS.values())
    close = difflib.get_close_matches(label, known, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


@dataclass
class _SheetLines:
    values: dict[str, dict[str, int]]
    rows: dict[str, int]  # line code -> row
    stated_derived: dict[str, dict[str, tuple[int, str]]]  # code -> year -> (pence, cell)
    blank: set[tuple[str, str]]  # (code, year) cells left blank
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)


def _read_lines(
    sheet: Grid, header_row: int, columns: dict[str, int], report: ValidationReport
) -> _SheetLines:
    out = _SheetLines({}, {}, {}, set(), header_row, columns)
    for row in range(header_row + 1, sheet.max_row + 1):
        label = _label(sheet, row)
        code = code_for_label(label) if label else None
        if code in DERIVED_LABELS:
            out.stated_derived[code] = _stated_row(sheet, row, columns)
            continue
        if code is None:
            _report_stray_row(sheet, row, label, columns, report)
            continue
        if code in out.rows:
            report.error(
                sheet=sheet.name,
                cell=_ref(row, 1),
                found=f"a second row for '{label}'",
                expected="each line once",
                fix=f"Keep one of rows {out.rows[code]} and {row}.",
            )
            continue
        out.rows[code] = row
        figures: dict[str, int] = {}
        for year, col in columns.items():
            pence = _read_amount(sheet, row, col, report, what=f"{label}, {year}")
            if pence is None:
                out.blank.add((code, year))
                continue
            _check_sign(sheet, row, col, code, pence, report)
            figures[year] = pence
        out.values[code] = figures
    return out


def _stated_row(sheet: Grid, row: int, columns: dict[str, int]) -> dict[str, tuple[int, str]]:
    stated = {}
    for year, col in columns.items():
        try:
            number = parse_decimal(sheet.cell(row, col))
        except CellProblem:
            continue  # a derived row is never read, so an unreadable one is harmless
        if number is not None:
            stated[year] = (to_pence(number), _ref(row, col))
    return stated


def _report_stray_row(
    sheet: Grid, row: int, label: str, columns: dict[str, int], report: ValidationReport
) -> None:
    has_figures = any(sheet.value(row, col) not in (None, "") for col in columns.values())
    if not has_figures or label.lower().startswith(OPENING_LABEL.lower()):
        return
    report.warning(
        sheet=sheet.name,
        cell=_ref(row, 1),
        found=f"a row labelled {label!r}" if label else "figures in a row with no label",
        expected="one of the plan's lines, labelled as in the template",
        fix="The row is ignored." + _suggest(label),
    )


def _find_labelled_value(sheet: Grid, prefix: str) -> tuple[int, RawCell] | None:
    for row in range(1, sheet.max_row + 1):
        if _label(sheet, row).lower().startswith(prefix.lower()):
            return row, sheet.cell(row, 2)
    return None


def _read_opening_balance(sheet: Grid, years: tuple[str, ...], report: ValidationReport) -> int:
    found = _find_labelled_value(sheet, OPENING_LABEL)
    if found is None:
        report.error(
            sheet=sheet.name,
            cell="A",
            found=f"no row labelled '{OPENING_LABEL}'",
            expected=f"the cumulative deficit brought forward into {years[0]}, in £m",
            fix=f"Add a row labelled '{OPENING_LABEL}' above the table with the figure in column B.",
        )
        return 0
    row, raw = found
    if (raw.value is None or cell_text(raw.value) == "") and not raw.formula:
        report.error(
            sheet=sheet.name,
            cell=_ref(row, 2),
            found="a blank cell",
            expected=f"the cumulative deficit brought forward into {years[0]}, in £m",
            fix="Type the opening balance (a deficit is positive; 0 if there was none).",
        )
        return 0
    return _read_amount(sheet, row, 2, report, what="the opening cumulative balance") or 0


def _read_term(sheet: Grid, years: tuple[str, ...], report: ValidationReport) -> Term | None:
    found = _find_labelled_value(sheet, TERM_LABEL)
    where = _ref(found[0], 2) if found else "B2"
    text = cell_text(found[1].value) if found else ""
    if not text:
        report.error(
            sheet=sheet.name,
            cell=where,
            found="no term",
            expected=f"the term the forecast was made in, beside '{TERM_LABEL}'",
            fix="Type the term, such as 'Autumn 2024'.",
        )
        return None
    try:
        term = parse_term(text)
    except PeriodError:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=repr(text),
            expected="a school term such as 'Autumn 2024', 'Spring 2025' or 'Summer 2025'",
            fix="Type the season and the calendar year.",
        )
        return None
    if term.financial_year not in years:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=f"{term} (in {term.financial_year})",
            expected=f"a term within the plan's years {years[0]} to {years[-1]}",
            fix="Check the year of the term.",
        )
        return None
    return term


def _reconcile(sheet_name: str, lines: _SheetLines, derived, report: ValidationReport) -> None:
    for code, stated in lines.stated_derived.items():
        for year, (pence, where) in stated.items():
            expected = derived[year].as_dict()[code]
            if abs(pence - expected) > RECONCILE_TOLERANCE_PENCE:
                report.warning(
                    sheet=sheet_name,
                    cell=where,
                    found=_format_m(pence),
                    expected=f"{_format_m(expected)}, the {DERIVED_LABELS[code]} derived from the "
                    "lines and the opening balance",
                    fix="The product uses the derived figure; check the lines and the total.",
                )


def _read_sheet(
    sheet: Grid, years: tuple[str, ...], report: ValidationReport
) -> tuple[Grid, _SheetLines] | None:
    name = sheet.name
    header_row = _find_header_row(sheet)
    if header_row is None:
        report.error(
            sheet=name,
            cell=f"1:{HEADER_SEARCH_ROWS}",
            found="no row of year headings",
            expected=f"a row headed {years[0]}, {years[1]} ... {years[-1]} above the figures",
            fix="Use the template's layout: line names in column A, one column per year.",
        )
        return None
    columns = _read_year_columns(sheet, header_row, years, report)
    lines = _read_lines(sheet, header_row, columns, report)
    return sheet, lines


def _check_plan_lines(sheet: Grid, lines: _SheetLines, report: ValidationReport) -> None:
    for line in INPUT_LINES:
        if line.code not in lines.rows:
            report.error(
                sheet=sheet.name,
                cell="A",
                found=f"no row labelled '{line.label}'",
                expected="every line of the plan",
                fix=f"Add a row labelled '{line.label}' (0 where there is no figure).",
            )
        elif not lines.values[line.code] and line.group is not LineGroup.CONTRIBUTION:
            report.warning(
                sheet=sheet.name,
                cell=_ref(lines.rows[line.code], 1),
                found=f"no figures for '{line.label}'",
                expected="a figure for each year",
                fix="Blank cells count as zero.",
            )


def _forecast_years(lines: _SheetLines, years: tuple[str, ...]) -> tuple[str, ...]:
    filled = {year for values in lines.values.values() for year in values}
    return tuple(year for year in years if year in filled)


def _check_forecast(
    sheet: Grid, lines: _SheetLines, years: tuple[str, ...], report: ValidationReport
) -> tuple[str, ...]:
    filled = _forecast_years(lines, years)
    if not filled:
        return ()
    expected_prefix = years[: years.index(filled[-1]) + 1]
    for year in expected_prefix:
        if year not in filled and year in lines.columns:
            report.error(
                sheet=sheet.name,
                cell=_ref(lines.header_row, lines.columns[year]),
                found=f"no figures for {year}, but figures for later years",
                expected="the outturn or forecast for every year up to the last one forecast",
                fix=f"Fill in {year}: the cumulative balance needs every year before it.",
            )
    for line in INPUT_LINES:
        if line.code not in lines.rows:
            report.error(
                sheet=sheet.name,
                cell="A",
                found=f"no row labelled '{line.label}'",
                expected="every line of the plan",
                fix=f"Add a row labelled '{line.label}' (0 where there is no figure).",
            )
    return filled


def read_dsg_workbook(
    grids: dict[str, Grid], *, years: tuple[str, ...], report: ValidationReport
) -> DsgWorkbook | None:
    """Read and check both sheets; every problem goes into ``report``. None if there are errors."""
    for name in SHEETS:
        if name not in grids:
            report.error(
                sheet=name,
                cell=None,
                found=f"no sheet named '{name}'",
                expected=f"the sheets {', '.join(SHEETS)}",
                fix=f"Add the '{name}' sheet from the template (sheet names must match exactly).",
            )
    if report.errors:
        return None
    plan_read = _read_sheet(grids[PLAN_SHEET], years, report)
    opening = _read_opening_balance(grids[PLAN_SHEET], years, report)
    forecast_read = _read_sheet(grids[FORECAST_SHEET], years, report)
    term, forecast_years = None, ()
    if plan_read:
        _check_plan_lines(*plan_read, report)
    if forecast_read:
        forecast_years = _check_forecast(*forecast_read, years, report)
        if forecast_years:
            term = _read_term(forecast_read[0], years, report)
    if report.errors or plan_read is None or forecast_read is None:
        return None
    plan_lines, forecast_lines = plan_read[1], forecast_read[1]
    _reconcile(
        PLAN_SHEET,
        plan_lines,
        derive_years(lines=plan_lines.values, opening_balance=opening, years=years),
        report,
    )
    if forecast_years:
        _reconcile(
            FORECAST_SHEET,
            forecast_lines,
            derive_years(
                lines=forecast_lines.values, opening_balance=opening, years=forecast_years
            ),
            report,
        )
    else:
        report.warning(
            sheet=FORECAST_SHEET,
            cell=None,
            found="no forecast figures",
            expected="the latest forecast outturn, when there is one",
            fix="The plan is stored on its own; measures will show plan figures only.",
        )
    forecast = {
        code: {year: pence for year, pence in values.items() if year in forecast_years}
        for code, values in forecast_lines.values.items()
    }
    return DsgWorkbook(
        years=years,
        opening_balance=opening,
        plan=_fill_blanks(plan_lines.values, years),
        forecast=_fill_blanks(forecast, forecast_years),
        forecast_term=term,
    )


def _fill_blanks(
    lines: dict[str, dict[str, int]], years: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Blank cells in a forecast year that has figures count as zero, as in the plan."""
    if not years:
        return {}
    return {
        code: {year: lines.get(code, {}).get(year, 0) for year in years} for code in LINES_BY_CODE
    }
