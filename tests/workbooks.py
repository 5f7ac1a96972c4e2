"""Build test workbooks the way a finance officer would: open the template, find the rows by
their labels, type the figures in, save."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from tests import paper
from tests.councils import NORFOLK_CODE


def write_template(path: Path) -> Path:
    """Run the real command for Norfolk's template, as a user would."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "--council",
            NORFOLK_CODE,
            "template",
            "dsg",
            "-o",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


def find_row(sheet, label: str) -> int:
    for row in range(1, sheet.max_row + 1):
        value = sheet.cell(row=row, column=1).value
        if isinstance(value, str) and value.strip() == label:
            return row
    raise LookupError(f"no row labelled {label!r} on {sheet.title}")


def find_row_starting(sheet, prefix: str) -> int:
    for row in range(1, sheet.max_row + 1):
        value = sheet.cell(row=row, column=1).value
        if isinstance(value, str) and value.startswith(prefix):
            return row
    raise LookupError(f"no row starting {prefix!r} on {sheet.title}")


def year_column(sheet, year: str) -> int:
    for row in sheet.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if cell.value == year:
                return cell.column
    raise LookupError(f"no column headed {year} on {sheet.title}")


def fill(sheet, figures: dict[str, dict[str, Decimal | None]]) -> None:
    for label, years in figures.items():
        row = find_row(sheet, label)
        for year, value in years.items():
            if value is not None:
                sheet.cell(row=row, column=year_column(sheet, year), value=float(value))


def paper_workbook(template: Path, *, forecast=None, term: str | None = None) -> Workbook:
    """The template filled with the paper's plan, and optionally a forecast."""
    book = openpyxl.load_workbook(template)
    plan = book["Plan"]
    fill(plan, paper.figures())
    plan.cell(
        row=find_row_starting(plan, "Opening cumulative balance"),
        column=2,
        value=float(paper.OPENING_BALANCE),
    )
    if forecast is not None:
        sheet = book["Forecast"]
        fill(sheet, forecast)
        sheet.cell(row=find_row(sheet, "Forecast made in"), column=2, value=term)
    return book


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mutated(template: Path, change: Callable[[Workbook], None], **kwargs) -> bytes:
    """The paper workbook with one change made to it."""
    book = paper_workbook(template, **kwargs)
    change(book)
    return to_bytes(book)
