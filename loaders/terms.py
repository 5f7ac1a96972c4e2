"""The term a termly return is for, read from the cell beside its label."""

from __future__ import annotations

from datetime import date

from domain.periods import PeriodError, Term, parse_term
from loaders.cells import cell_text
from loaders.grid import Grid, cell_name
from loaders.report import ValidationReport

TERM_LABEL = "Term"


def read_term(sheet: Grid, report: ValidationReport, *, today: date) -> Term | None:
    """The term in column B beside 'Term' in column A, among the first rows of ``sheet``."""
    for row in range(1, min(sheet.max_row, 10) + 1):
        label = cell_text(sheet.value(row, 1))
        if label.casefold().rstrip(":").strip() == TERM_LABEL.casefold():
            break
        if label.casefold().startswith("term:"):  # 'Term: Autumn 2024' in one cell
            return _parse(sheet, cell_name(row, 1), label.split(":", 1)[1].strip(), report, today)
    else:
        report.error(
            sheet=sheet.name,
            cell="A1:A10",
            found=f"no cell labelled '{TERM_LABEL}'",
            expected="the term the return is for, in column B beside 'Term'",
            fix="Put 'Term' in column A near the top and the term, such as 'Autumn 2024', beside it.",
        )
        return None
    where, raw = cell_name(row, 2), sheet.cell(row, 2)
    if raw.formula or (isinstance(raw.value, str) and raw.value.startswith("#")):
        found = (
            f"{raw.formula} with no saved value" if raw.formula else f"the Excel error {raw.value}"
        )
        report.error(
            sheet=sheet.name,
            cell=where,
            found=found,
            expected="the term typed as text, such as 'Autumn 2024'",
            fix="Type the term into the cell rather than working it out with a formula.",
        )
        return None
    return _parse(sheet, where, cell_text(raw.value), report, today)


def _parse(
    sheet: Grid, where: str, text: str, report: ValidationReport, today: date
) -> Term | None:
    try:
        term = parse_term(text)
    except PeriodError:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=repr(text) if text else "a blank cell",
            expected="a school term such as 'Autumn 2024', 'Spring 2025' or 'Summer 2025'",
            fix="Type the season and the calendar year.",
        )
        return None
    if term.start > today:
        report.error(
            sheet=sheet.name,
            cell=where,
            found=f"{term}, which has not begun",
            expected="a term that has begun",
            fix="Check the year of the term.",
        )
        return None
    return term
