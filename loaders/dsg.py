"""Read the DSG workbook: the recovery plan and the latest forecast outturn, in £m.

Only the input lines are read. Rows the plan derives (totals, in-year deficit, cumulative
balances) are computed; when a file states them, they are checked against the derivation.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from domain.money import millions, pence_from_millions
from domain.periods import (
    PeriodError,
    Term,
    financial_year_start,
    parse_financial_year,
    parse_term,
)
from domain.plan_lines import (
    DERIVED_LABELS,
    DerivedYear,
    LineGroup,
    PlanLine,
    PlanLines,
    normalise_label,
)
from domain.plan_shape import PlanShape
from loaders.cells import CellProblem, cell_text, parse_decimal
from loaders.grid import Grid, cell_name, has_sheets
from loaders.line_map import LINE_MAP_SHEET, read_line_map
from loaders.report import ValidationReport
from loaders.targets import TARGETS_SHEET, Targets, read_targets

PLAN_SHEET = "Plan"
FORECAST_SHEET = "Forecast"
SHEETS = (PLAN_SHEET, FORECAST_SHEET)
OPENING_LABEL = "Opening cumulative balance"
TERM_LABEL = "Forecast made in"
# The paper rounds every figure to £0.001m, so stated totals may drift from derived ones by a little.
RECONCILE_TOLERANCE_PENCE = 500_000  # £0.005m
# No council's High Needs Block line comes near £1bn: a larger figure was typed in £000s or pounds.
LARGEST_PLAUSIBLE_M = Decimal(1_000)
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
    targets: Targets | None = None

    @property
    def period(self) -> str:
        """What the submission is for: the forecast's term, or the plan alone."""
        return str(self.forecast_term) if self.forecast_term else "plan"


def _format_m(pence: int) -> str:
    return f"{millions(pence):.3f}"


def _label(sheet: Grid, row: int) -> str:
    return cell_text(sheet.value(row, 1))


def _find_header_row(sheet: Grid, years: tuple[str, ...]) -> int | None:
    needed = min(2, len(years))
    for row in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        texts = [cell_text(sheet.value(row, col)) for col in range(2, sheet.max_column + 1)]
        if sum(1 for text in texts if _YEARLIKE.match(text)) >= needed:
            return row
    return None


@dataclass
class _SheetLines:
    """One sheet's table: figures by line and year, and where each came from."""

    header_row: int
    columns: dict[str, int]  # year -> column
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # line code -> row
    stated_derived: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    blank: set[tuple[str, str]] = field(default_factory=set)  # (line code, year)
    bad: set[str] = field(default_factory=set)  # lines with a cell in error
    mapped: dict[str, list[int]] = field(default_factory=dict)  # line code -> Line map rows

    def row_of(self, code: str) -> int | None:
        """The line's own row, or the first row mapped to it."""
        return self.rows.get(code) or next(iter(self.mapped.get(code, [])), None)

    def filled_years(self, years: tuple[str, ...]) -> tuple[str, ...]:
        filled = {year for values in self.values.values() for year in values}
        return tuple(year for year in years if year in filled)


def _read_year_columns(
    sheet: Grid, header_row: int, years: tuple[str, ...], report: ValidationReport
) -> dict[str, int]:
    """Map each plan year to its column, reporting misspelt and repeated headings."""
    columns: dict[str, int] = {}
    span = f"{years[0]} to {years[-1]}"
    for col in range(2, sheet.max_column + 1):
        text = cell_text(sheet.value(header_row, col))
        if not _YEARLIKE.match(text):
            continue
        where = cell_name(header_row, col)
        try:
            year = parse_financial_year(text)
        except PeriodError:
            report.error(
                sheet=sheet.name,
                cell=where,
                found=repr(text),
                expected=f"a financial year heading such as {years[0]} (the plan runs {span})",
                fix="Write the heading as two years that follow each other, the first in four "
                "digits, e.g. 2024-25.",
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
                f"({cell_name(header_row, columns[year])} and {where}).",
            )
        else:
            columns[year] = col
    return columns


def _report_missing_years(
    sheet: Grid,
    header_row: int,
    missing: list[str],
    years: tuple[str, ...],
    report: ValidationReport,
) -> None:
    for year in missing:
        report.error(
            sheet=sheet.name,
            cell=f"{header_row}:{header_row}",
            found=f"no column headed {year}",
            expected=f"one column for each year {years[0]} to {years[-1]}",
            fix=f"Add a column headed {year} in row {header_row}.",
        )


def _read_amount(
    sheet: Grid, row: int, column: int, report: ValidationReport, *, what: str
) -> int | None:
    """One figure in £m as pence; None when blank or unreadable (the problem is reported)."""
    where = cell_name(row, column)
    try:
        number = parse_decimal(sheet.cell(row, column), millions=True)
    except CellProblem as problem:
        if problem.found.startswith(("the formula", "a formula shared")):
            expected = "a saved value"
            fix = "Open the file in Excel, let it calculate, then save it; or type the figure."
        else:
            expected = f"a number in £m for {what}, such as 12.345"
            fix = "Type the figure as a number; '£1,234' and '(1.5)' are accepted."
        report.error(sheet=sheet.name, cell=where, found=problem.found, expected=expected, fix=fix)
        return None
    if number is None:
        return None
    if abs(number) > LARGEST_PLAUSIBLE_M:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=f"{number:,}",
            expected="a figure in £m (millions of pounds), such as 45.613",
            fix="Figures on this sheet are in £m: divide pounds by 1,000,000, or £000s by 1,000.",
        )
        return None
    return pence_from_millions(number)


def _check_sign(
    sheet: Grid, row: int, column: int, line: PlanLine, pence: int, report: ValidationReport
) -> None:
    if line.group is LineGroup.EXPENDITURE or pence <= 0:
        return
    report.error(
        sheet=sheet.name,
        cell=cell_name(row, column),
        found=_format_m(pence),
        expected=f"a negative figure: {line.label} is {line.group}, a credit to the High Needs Block",
        fix=f"Enter it as -{_format_m(pence)}, as the plan does.",
    )


def _suggest(label: str, plan_lines: PlanLines) -> str:
    known = [*plan_lines.labels, *DERIVED_LABELS.values()]
    close = difflib.get_close_matches(label, known, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _check_merged_figures(sheet: Grid, lines: _SheetLines, report: ValidationReport) -> None:
    """A merged cell shows one figure across several years but holds it in one: refuse it."""
    if not lines.columns:
        return
    first, last = min(lines.columns.values()), max(lines.columns.values())
    for r1, c1, r2, c2 in sheet.merged:
        if r2 > lines.header_row and c2 >= first and c1 <= last and c2 > 1:
            span = f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"
            report.error(
                sheet=sheet.name,
                cell=span,
                found=f"merged cells {span} among the figures",
                expected="one figure in each cell",
                fix="Unmerge the cells and type the figure for each year.",
            )


def _read_lines(
    sheet: Grid,
    header_row: int,
    columns: dict[str, int],
    report: ValidationReport,
    line_map: dict[str, str],
    plan_lines: PlanLines,
) -> _SheetLines:
    out = _SheetLines(header_row=header_row, columns=columns)
    for row in range(header_row + 1, sheet.max_row + 1):
        label = _label(sheet, row)
        code = plan_lines.code_for_label(label) if label else None
        if code in DERIVED_LABELS:
            out.stated_derived[code] = _stated_row(sheet, row, columns)
            continue
        if code is None and label and normalise_label(label) in line_map:
            code = line_map[normalise_label(label)]
            out.mapped.setdefault(code, []).append(row)
        elif code is None:
            _report_stray_row(sheet, row, label, columns, report, plan_lines)
            continue
        elif code in out.rows:
            report.error(
                sheet=sheet.name,
                cell=cell_name(row, 1),
                found=f"a second row for '{label}'",
                expected="each line once",
                fix=f"Keep one of rows {out.rows[code]} and {row}.",
            )
            continue
        else:
            out.rows[code] = row
        _read_line_figures(sheet, row, plan_lines.by_code(code), out, report, label)
    # a year a mapped row fills is not blank on the line it adds to
    out.blank = {(code, year) for code, year in out.blank if year not in out.values[code]}
    return out


def _read_line_figures(
    sheet: Grid, row: int, line: PlanLine, out: _SheetLines, report: ValidationReport, label: str
) -> None:
    """Add the row's figures to its line: a mapped row adds to the line's own."""
    code = line.code
    figures = out.values.setdefault(code, {})
    for year, col in out.columns.items():
        errors = len(report.errors)
        pence = _read_amount(sheet, row, col, report, what=f"{label}, {year}")
        if pence is None:
            if len(report.errors) == errors:  # a cell in error is reported once, as an error
                out.blank.add((code, year))
            else:
                out.bad.add(code)
            continue
        _check_sign(sheet, row, col, line, pence, report)
        figures[year] = figures.get(year, 0) + pence


def _stated_row(sheet: Grid, row: int, columns: dict[str, int]) -> dict[str, tuple[int, str]]:
    stated = {}
    for year, col in columns.items():
        try:
            number = parse_decimal(sheet.cell(row, col))
        except CellProblem:
            continue  # a derived row is never read, so an unreadable one is harmless
        if number is not None:
            stated[year] = (pence_from_millions(number), cell_name(row, col))
    return stated


def _report_stray_row(
    sheet: Grid,
    row: int,
    label: str,
    columns: dict[str, int],
    report: ValidationReport,
    plan_lines: PlanLines,
) -> None:
    """A row with figures the product does not recognise would drop them from the deficit."""
    has_figures = any(cell_text(sheet.value(row, col)) for col in columns.values())
    if not has_figures or label.lower().startswith(OPENING_LABEL.lower()):
        return
    report.error(
        sheet=sheet.name,
        cell=cell_name(row, 1),
        found=f"figures in a row labelled {label!r}" if label else "figures in a row with no label",
        expected="one of the plan's lines: " + "; ".join(plan_lines.labels),
        fix="Rename the row to one of the plan's lines, or map its label to one on the "
        f"'{LINE_MAP_SHEET}' sheet." + _suggest(label, plan_lines),
    )


def _find_labelled_row(sheet: Grid, prefix: str) -> int | None:
    for row in range(1, sheet.max_row + 1):
        if _label(sheet, row).lower().startswith(prefix.lower()):
            return row
    return None


def _read_opening_balance(sheet: Grid, years: tuple[str, ...], report: ValidationReport) -> int:
    expected = f"the cumulative deficit brought forward into {years[0]}, in £m"
    row = _find_labelled_row(sheet, OPENING_LABEL)
    if row is None:
        report.error(
            sheet=sheet.name,
            cell="A",
            found=f"no row labelled '{OPENING_LABEL}'",
            expected=expected,
            fix=f"Add a row labelled '{OPENING_LABEL}' above the table with the figure in column B.",
        )
        return 0
    raw = sheet.cell(row, 2)
    if cell_text(raw.value) == "" and not raw.formula:
        report.error(
            sheet=sheet.name,
            cell=cell_name(row, 2),
            found="a blank cell",
            expected=expected,
            fix="Type the opening balance (a deficit is positive; 0 if there was none).",
        )
        return 0
    return _read_amount(sheet, row, 2, report, what="the opening cumulative balance") or 0


def _read_term(sheet: Grid, years: tuple[str, ...], report: ValidationReport) -> Term | None:
    row = _find_labelled_row(sheet, TERM_LABEL)
    if row is None:
        report.error(
            sheet=sheet.name,
            cell="A",
            found=f"no row labelled '{TERM_LABEL}'",
            expected="the term the forecast was made in, in column B beside that label",
            fix=f"Put '{TERM_LABEL}' in column A above the table and the term, such as "
            "'Autumn 2024', beside it.",
        )
        return None
    where, text = cell_name(row, 2), cell_text(sheet.value(row, 2))
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
    if financial_year_start(term.financial_year) < financial_year_start(years[0]):
        report.error(
            sheet=sheet.name,
            cell=where,
            found=f"{term} (in {term.financial_year})",
            expected=f"a term no earlier than the plan's first year, {years[0]}",
            fix="Check the year of the term.",
        )
        return None
    return term


def _reconcile(
    sheet_name: str,
    lines: _SheetLines,
    derived: dict[str, DerivedYear],
    report: ValidationReport,
) -> None:
    for code, stated in lines.stated_derived.items():
        for year, (pence, where) in stated.items():
            if year not in derived:
                continue  # a year the sheet gives no figures for: nothing to check against
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


def _is_empty(sheet: Grid, below_row: int) -> bool:
    return all(
        sheet.value(row, col) is None
        for row in range(below_row, sheet.max_row + 1)
        for col in range(2, sheet.max_column + 1)
    )


def _warn_if_hidden(sheet: Grid, report: ValidationReport) -> None:
    if sheet.hidden:
        report.warning(
            sheet=sheet.name,
            cell=None,
            found="a hidden sheet",
            expected="the template's sheets, visible",
            fix="The sheet was read as it is; unhide it in Excel to check what it holds.",
        )


def _report_missing_lines(
    sheet: Grid, lines: _SheetLines, report: ValidationReport, plan_lines: PlanLines
) -> None:
    for line in plan_lines.lines:
        if lines.row_of(line.code) is None:
            report.error(
                sheet=sheet.name,
                cell="A",
                found=f"no row labelled '{line.label}'",
                expected="every line of the plan",
                fix=f"Add a row labelled '{line.label}' (0 where there is no figure).",
            )


def _read_plan(
    sheet: Grid,
    years: tuple[str, ...],
    report: ValidationReport,
    line_map: dict[str, str],
    plan_lines: PlanLines,
) -> _SheetLines | None:
    header_row = _find_header_row(sheet, years)
    if header_row is None:
        _report_no_headings(sheet, years, report)
        return None
    columns = _read_year_columns(sheet, header_row, years, report)
    _report_missing_years(sheet, header_row, [y for y in years if y not in columns], years, report)
    lines = _read_lines(sheet, header_row, columns, report, line_map, plan_lines)
    _check_merged_figures(sheet, lines, report)
    _report_missing_lines(sheet, lines, report, plan_lines)
    for line in plan_lines.lines:
        row = lines.row_of(line.code)  # a line has figures (even none) only when it has a row
        if (
            row is not None
            and line.code in lines.values
            and not lines.values[line.code]
            and line.code not in lines.bad
        ):
            if line.group is not LineGroup.CONTRIBUTION:
                report.warning(
                    sheet=sheet.name,
                    cell=cell_name(row, 1),
                    found=f"no figures for '{line.label}'",
                    expected="a figure for each year",
                    fix="Blank cells count as zero.",
                )
    return lines


def _report_no_headings(sheet: Grid, years: tuple[str, ...], report: ValidationReport) -> None:
    report.error(
        sheet=sheet.name,
        cell=f"1:{HEADER_SEARCH_ROWS}",
        found="no row of year headings",
        expected=f"a row headed {years[0]} ... {years[-1]} above the figures",
        fix="Use the template's layout: line names in column A, one column per year.",
    )


def _read_forecast(
    sheet: Grid,
    years: tuple[str, ...],
    report: ValidationReport,
    line_map: dict[str, str],
    plan_lines: PlanLines,
) -> _SheetLines | None:
    """The forecast's lines and years; later year columns may be left out, not earlier ones."""
    header_row = _find_header_row(sheet, years)
    if header_row is None:
        if _is_empty(sheet, 3):
            return None  # an emptied sheet means there is no forecast yet
        _report_no_headings(sheet, years, report)
        return None
    columns = _read_year_columns(sheet, header_row, years, report)
    present = [y for y in years if y in columns]
    last = years.index(present[-1]) if present else -1
    _report_missing_years(
        sheet, header_row, [y for y in years[:last] if y not in columns], years, report
    )
    lines = _read_lines(sheet, header_row, columns, report, line_map, plan_lines)
    _check_merged_figures(sheet, lines, report)
    filled = lines.filled_years(years)
    if not filled:
        return None
    for year in years[: years.index(filled[-1]) + 1]:
        if year not in filled and year in columns:
            report.error(
                sheet=sheet.name,
                cell=cell_name(header_row, columns[year]),
                found=f"no figures for {year}, but figures for later years",
                expected="the outturn or forecast for every year up to the last one forecast",
                fix=f"Fill in {year}: the cumulative balance needs every year before it.",
            )
    _report_missing_lines(sheet, lines, report, plan_lines)
    for code, year in sorted(lines.blank):
        if (
            year in filled
            and (row := lines.row_of(code)) is not None
            and plan_lines.by_code(code).group is not LineGroup.CONTRIBUTION
        ):
            report.warning(
                sheet=sheet.name,
                cell=cell_name(row, columns[year]),
                found="a blank cell in a year that has figures",
                expected=f"a figure for {plan_lines.by_code(code).label}, {year}",
                fix="The blank counts as zero; type 0 to say so, or the figure.",
            )
    return lines


def read_dsg_workbook(
    grids: dict[str, Grid], *, shape: PlanShape, report: ValidationReport, **_: object
) -> DsgWorkbook | None:
    """Read and check both sheets against the council's plan (``shape``); every problem goes
    into ``report``. None if there are errors."""
    years, plan_lines = shape.years, shape.lines
    if not has_sheets(grids, SHEETS, report, family="dsg"):
        return None
    plan_sheet, forecast_sheet = grids[PLAN_SHEET], grids[FORECAST_SHEET]
    for sheet in (plan_sheet, forecast_sheet):
        _warn_if_hidden(sheet, report)
    line_map = (
        read_line_map(grids[LINE_MAP_SHEET], report, plan_lines) if LINE_MAP_SHEET in grids else {}
    )
    plan = _read_plan(plan_sheet, years, report, line_map, plan_lines)
    opening = _read_opening_balance(plan_sheet, years, report)
    forecast = _read_forecast(forecast_sheet, years, report, line_map, plan_lines)
    forecast_years = forecast.filled_years(years) if forecast else ()
    term = _read_term(forecast_sheet, years, report) if forecast_years else None
    targets = read_targets(grids[TARGETS_SHEET], shape, report) if TARGETS_SHEET in grids else None
    if report.errors or plan is None:
        return None
    _reconcile(
        PLAN_SHEET,
        plan,
        plan_lines.derive_years(plan.values, opening_balance=opening, years=years),
        report,
    )
    if forecast is not None and forecast_years:  # years only when there is a forecast
        derived = plan_lines.derive_years(
            forecast.values, opening_balance=opening, years=forecast_years
        )
        _reconcile(FORECAST_SHEET, forecast, derived, report)
    else:
        report.warning(
            sheet=FORECAST_SHEET,
            cell=None,
            found="no forecast figures",
            expected="the latest forecast outturn, when there is one",
            fix="The plan is stored on its own; measures will show plan figures only.",
        )
    return DsgWorkbook(
        years=years,
        opening_balance=opening,
        plan=_with_zeros(plan.values, years, plan_lines),
        forecast=(
            _with_zeros(forecast.values, forecast_years, plan_lines)
            if forecast is not None and forecast_years
            else {}
        ),
        forecast_term=term,
        targets=targets,
    )


def _with_zeros(
    lines: dict[str, dict[str, int]], years: tuple[str, ...], plan_lines: PlanLines
) -> dict[str, dict[str, int]]:
    """Every line for every year; a blank cell counts as zero, as in the plan."""
    return {
        code: {year: lines.get(code, {}).get(year, 0) for year in years}
        for code in plan_lines.codes
    }
