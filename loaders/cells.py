"""Reading one cell: numbers as finance officers type them, and the ways a cell can be wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

EXCEL_ERRORS = {
    "#REF!",
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
}
NIL_TEXT = {"-", "–", "—"}  # accountants write a dash for nothing
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


class CellProblem(ValueError):
    """The cell cannot be read as what was expected. ``found`` describes what it holds."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


@dataclass(frozen=True)
class RawCell:
    """A cell's saved value and, if it has one, its formula."""

    value: object
    formula: str | None = None


def describe(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return f"the date {value:%d/%m/%Y}"
    return str(value)


def parse_decimal(cell: RawCell, *, millions: bool = False) -> Decimal | None:
    """Read a number; None for a blank cell. Accepts "£1,234", "(1.5)" and a dash for zero;
    "45.613m" too when ``millions``.

    Raises CellProblem for text, dates, Excel error values and formulas with no saved value.
    """
    value = cell.value
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if cell.formula:
            raise CellProblem(f"{cell.formula} with no saved value")
        return None
    if isinstance(value, bool):
        raise CellProblem(f"the logical value {value}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value.is_integer():  # calamine reads whole numbers as floats
            return Decimal(int(value))
        # repr gives the shortest text that round-trips, so 45.613 stays 45.613
        return Decimal(repr(value))
    if isinstance(value, (datetime, date)):
        raise CellProblem(describe(value))
    if isinstance(value, str):
        return _parse_number_text(value, millions=millions)
    raise CellProblem(describe(value))


def _parse_number_text(text: str, *, millions: bool) -> Decimal:
    cleaned = text.strip()
    if cleaned.upper() in EXCEL_ERRORS:
        raise CellProblem(f"the Excel error {cleaned}")
    if cleaned in NIL_TEXT:
        return Decimal(0)
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1].strip()
    if cleaned.startswith("-") or cleaned.startswith("−"):
        negative, cleaned = not negative, cleaned[1:].strip()
    cleaned = cleaned.replace("£", "").replace(" ", "").replace("\u00a0", "")
    if millions and cleaned.lower().endswith("m"):  # "45.613m" on a sheet of £m
        cleaned = cleaned[:-1]
    if not cleaned or not _NUMBER.match(cleaned):
        raise CellProblem(repr(text))
    try:
        number = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise CellProblem(repr(text)) from None
    return -number if negative else number


def cell_text(value: object) -> str:
    """A label cell's text; numbers and blanks become their plain text."""
    if value is None:
        return ""
    return str(value).strip()
