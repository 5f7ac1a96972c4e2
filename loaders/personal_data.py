"""Refuse any workbook carrying personal data: names, dates of birth, pupil, learner or NHS
numbers, postcodes. Headings are checked in every sheet, hidden ones too, and so are the values,
so a number pasted under an innocent heading is caught. The report never repeats the value."""

from __future__ import annotations

import re

from loaders.grid import Grid, cell_name, column_letters
from loaders.report import ValidationReport

HEADER_ROWS = 20
_PERSON = r"(?:child|pupil|student|learner|young person|parent|carer|person|client)(?:s|'s)?"
HEADINGS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "a name",
        re.compile(rf"^(?:(?:first|fore|sur|last|given|family|middle|full|{_PERSON})\s*)?names?$"),
    ),
    ("a name", re.compile(r"^(?:forename|surname|first name|last name)s?$")),
    ("a date of birth", re.compile(r"^(?:date of birth|dob|d o b|birth ?date|birthday)$")),
    ("a unique pupil number (UPN)", re.compile(r"^(?:upn|former upn|unique pupil number)$")),
    ("a unique learner number (ULN)", re.compile(r"^(?:uln|unique learner number)$")),
    ("an NHS number", re.compile(r"^nhs(?: number| no)?$")),
    ("a postcode", re.compile(r"^(?:home )?(?:post ?code|postal code)$")),
    ("a home address", re.compile(r"^(?:home )?address(?: line \d)?$")),
)
_UPN = re.compile(r"^[A-HJ-NP-Z]\d{11}[0-9A-HJ-NP-Z]$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}$")
_NHS = re.compile(r"^\d{3} ?\d{3} ?\d{4}$")


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"[\s_\-./]+", " ", text.casefold())).strip()


def _valid_nhs_number(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def _value_kind(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer() and 1e9 <= value < 1e10:
        return "NHS numbers" if _valid_nhs_number(str(int(value))) else None
    if not isinstance(value, str) or not 6 <= len(value) <= 14:
        return None
    text = value.strip().upper()
    if _UPN.match(text):
        return "unique pupil numbers"
    if _POSTCODE.match(text):
        return "postcodes"
    if _NHS.match(text) and _valid_nhs_number(text.replace(" ", "")):
        return "NHS numbers"
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


def check_personal_data(grids: dict[str, Grid], report: ValidationReport) -> bool:
    """Report every column that looks like personal data; True if any was found."""
    found_any = False
    for sheet in grids.values():
        flagged: set[int] = set()
        for row in range(1, min(sheet.max_row, HEADER_ROWS) + 1):
            for col, value in enumerate(sheet.rows[row - 1], start=1):
                if col in flagged or not isinstance(value, str):
                    continue
                for what, pattern in HEADINGS:
                    if pattern.match(_heading_key(value)):
                        _refuse(
                            report,
                            sheet,
                            cell_name(row, col),
                            f"a column headed {value.strip()!r}, {what}",
                        )
                        flagged.add(col)
                        break
        for row_number, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row, start=1):
                # most cells are costs, dates or long text: skip them without a function call
                kind_of = type(value)
                if kind_of is str:
                    if not 6 <= len(value) <= 14:
                        continue
                elif kind_of is not float or not 1e9 <= value < 1e10:
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
        found_any = found_any or bool(flagged)
    return found_any
