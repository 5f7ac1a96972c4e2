"""The term a termly return is for, read from the cell beside its label."""

from __future__ import annotations

from datetime import date

from loaders.cells import cell_text
from loaders.grid import Grid, cell_name
from loaders.report import ValidationReport
from storage.periods import PeriodError, Term, parse_term

TERM_LABEL = "Term"


def read_term(sheet: Grid, report: ValidationReport, *, today: date) -> Term | None:
    """The term in column B beside 'Term' in column A, among the first rows of ``sheet``."""
    for row in range(1, min(sheet.max_row, 10) + 1):
        if cell_text(sheet.value(row, 1)).casefold().rstrip(":") == TERM_LABEL.casefold():
            break
    else:
        report.error(
            sheet=sheet.name,
            cell="A1:A10",
            found=f"no cell labelled '{TERM_LABEL}'",
            expected="the term the return is for, in column B beside 'Term'",
            fix="Put 'Term' in column A near the top and the term, such as 'Autumn 2024', beside it.",
        )
        return None
    where, text = cell_name(row, 2), cell_text(sheet.value(row, 2))
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
