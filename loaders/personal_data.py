"""Refuse any workbook carrying personal data: names, dates of birth, pupil, learner or NHS
numbers, postcodes. Headings are checked in every sheet, hidden ones too, and so are the values,
so a number pasted under an innocent heading is caught. The report never repeats the value."""

from __future__ import annotations

import re

from loaders.grid import Grid, cell_name, column_letters
from loaders.report import ValidationReport

HEADER_ROWS = 20
MAX_HEADING = 60
# Words that make a heading personal wherever they stand in it, and headings that are not,
# though they have such a word: the name of a provider, school or measure is not a person's.
PERSONAL_WORDS: tuple[tuple[str, re.Pattern], ...] = (
    ("a date of birth", re.compile(r"\b(?:date of birth|dob|d o b|birth ?date|birthday)\b")),
    ("a unique pupil number (UPN)", re.compile(r"\b(?:upn|unique pupil number)\b")),
    ("a unique learner number (ULN)", re.compile(r"\b(?:uln|unique learner number)\b")),
    ("an NHS number", re.compile(r"\bnhs\b")),
    ("a postcode", re.compile(r"\b(?:post ?code|postal code|zip code)\b")),
    ("a home address", re.compile(r"\baddress(?:es)?\b")),
    ("a name", re.compile(r"\b(?:names?|surnames?|forenames?|first ?names?|last ?names?)\b")),
)
NOT_PERSONAL = re.compile(
    r"\b(?:provider|school|setting|provision|college|placement|measure|line|cohort|need|sheet|"
    r"file|column|council|authority|local authority|la|trust|academy|service|team|zone)s?\b"
)
_UPN = re.compile(r"^[A-HJ-NP-Z]\d{11}[0-9A-HJ-NP-Z]$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}$")
_NHS = re.compile(r"^\d{3}[ -]?\d{3}[ -]?\d{4}$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _heading_key(text: str) -> str:
    spaced = _CAMEL.sub(" ", text)
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"[\s_\-./]+", " ", spaced.casefold())).strip()


def personal_kind(heading: str) -> str | None:
    """What personal data a heading names, or None."""
    key = _heading_key(heading)
    for what, pattern in PERSONAL_WORDS:
        if pattern.search(key):
            if what == "a name" and NOT_PERSONAL.search(key):
                return None
            return what
    return None


def _valid_nhs_number(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def _value_kind(value: object) -> str | None:
    if isinstance(value, float):
        return "NHS numbers" if _valid_nhs_number(str(int(value))) else None
    text = value.strip().upper()
    if not 6 <= len(text) <= 14:
        return None
    if _UPN.match(text):
        return "unique pupil numbers"
    if _POSTCODE.match(text):
        return "postcodes"
    if _NHS.match(text) and not text.isdigit():  # written 943 476 5919 or 943-476-5919
        return "NHS numbers" if _valid_nhs_number(re.sub("[ -]", "", text)) else None
    return None


def _refuse(report: ValidationReport, sheet: Grid, where: str, found: str) -> None:
    report.error(
        sheet=sheet.name,
        cell=where,
        found=found,
        expected="no personal data: the dashboard takes anonymised figures only",
        fix="Delete the column (and any hidden copy of it) and load the file again; nothing "
        "from this file was stored.",
    )


def _headings(sheet: Grid) -> list[tuple[int, int, str]]:
    """(row, column, text) of cells near the top, with a merged heading above added in front,
    so 'Name' under a merged 'Provider' reads 'Provider Name'."""
    parents = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= HEADER_ROWS and r1 == r2 and c2 > c1:
            for col in range(c1, c2 + 1):
                parents[(r1 + 1, col)] = sheet.value(r1, c1)
    found = []
    for row in range(1, min(sheet.max_row, HEADER_ROWS) + 1):
        for col, value in enumerate(sheet.rows[row - 1], start=1):
            # a heading is short; instructions written in sentences are not headings
            if isinstance(value, str) and value.strip() and len(value) <= MAX_HEADING:
                parent = parents.get((row, col))
                found.append((row, col, f"{parent} {value}" if isinstance(parent, str) else value))
    return found


def check_personal_data(grids: dict[str, Grid], report: ValidationReport) -> bool:
    """Report every column that looks like personal data; True if any was found."""
    found_any = False
    for sheet in grids.values():
        flagged: set[int] = set()
        for row, col, heading in _headings(sheet):
            what = personal_kind(heading) if col not in flagged else None
            if what:
                _refuse(
                    report,
                    sheet,
                    cell_name(row, col),
                    f"a column headed {heading.strip()!r}, {what}",
                )
                flagged.add(col)
        _check_values(sheet, flagged, report)
        found_any = found_any or bool(flagged)
    return found_any


def _check_values(sheet: Grid, flagged: set[int], report: ValidationReport) -> None:
    # A column of plain 10-digit numbers is flagged only when most of them pass the NHS check
    # digit: about one random number in eleven does, so a numeric reference would otherwise trip.
    numbers: dict[int, list[int]] = {}
    first_number: dict[int, str] = {}
    for row_number, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(row, start=1):
            # most cells are costs, dates or long text: skip them without a function call
            kind_of = type(value)
            if kind_of is str:
                if not 6 <= len(value) <= 20:
                    continue
            elif kind_of is float:
                if not 1e9 <= value < 1e10 or col in flagged:
                    continue
                tally = numbers.setdefault(col, [0, 0])
                tally[0] += 1
                if _value_kind(value):
                    tally[1] += 1
                    first_number.setdefault(col, cell_name(row_number, col))
                continue
            else:
                continue
            if col in flagged:
                continue
            kind = _value_kind(value)
            if kind:
                _refuse(
                    report,
                    sheet,
                    column_letters(col),
                    f"values that look like {kind} (first in {cell_name(row_number, col)})",
                )
                flagged.add(col)
    for col, (total, valid) in numbers.items():
        if col not in flagged and valid >= 3 and valid * 2 > total:
            _refuse(
                report,
                sheet,
                column_letters(col),
                f"values that look like NHS numbers (first in {first_number[col]})",
            )
            flagged.add(col)
