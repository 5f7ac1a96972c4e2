"""A ``Table`` written as a CSV or an XLSX download, safe to open in a spreadsheet.

Both outputs keep numbers as numbers (a percent stays a fraction, 0.047 is 4.7%; money_m stays
in £ millions) and make every piece of text inert, so a name typed into a council return cannot
run as a formula on a reader's machine.

The CSV is for machines: one header row of the column names as given, then the data, and
nothing else. Column names are not rewritten to say a percent is a fraction, because programs
key on them; the XLSX "Notes" sheet and the page the download sits on say it instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.symbols import SYMBOLS
from exports.table import Column, Table

CREATOR = "Local First Inclusion KPI dashboard"

# OWASP's CSV injection list: a spreadsheet may run a cell that starts with any of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A newline is not on OWASP's list, but some readers take it for a carriage return, so a cell
# opening with one is prefixed in the same way.
PREFIXED_STARTS = FORMULA_STARTS + ("\n",)

NUMBER_FORMATS = {
    "count": "#,##0",
    "money_m": "#,##0.000",
    "money": "#,##0",
    "percent": "0.0%",
    "ratio": "0.00",
}

MIN_WIDTH = 8
MAX_WIDTH = 60
BOLD = Font(bold=True)


# Control characters other than tab, newline and carriage return cannot be stored in XLSX or
# DOCX at all; a file name or comment holding one would make every download of it fail.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    return _CONTROL.sub("", text)


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet could run as a formula; other text is unchanged.

    The check is also made after any leading whitespace, because some spreadsheets
    trim it before deciding whether a cell is a formula: " =1" becomes "' =1". Text that opens
    with a tab, carriage return or newline is prefixed whatever follows. Only text goes
    through here: a negative number is a number, not text, and is never prefixed. Symbols
    such as "[c]" start with "[" and pass unchanged.
    """
    text = printable(text)
    if text.startswith(PREFIXED_STARTS):
        return "'" + text
    if text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte order mark (so Excel reads "£"), CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(neutralise(column.name) for column in table.columns)
    for row in _checked_rows(table):
        writer.writerow(_csv_cell(cell) for cell in row)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook: a "Data" sheet and a "Notes" sheet with the symbol key."""
    workbook = Workbook()
    workbook.properties.title = table.title
    workbook.properties.creator = CREATOR
    data = workbook.active
    if not isinstance(data, Worksheet):  # openpyxl's types allow none: a new book has one
        raise TypeError("a new workbook starts with one worksheet")
    data.title = "Data"
    _write_data(data, table)
    _write_notes(workbook.create_sheet("Notes"), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx_book(sheets: Sequence[tuple[str, Table]], *, title: str) -> bytes:
    """Several tables in one workbook, a sheet each, and one "Notes" sheet: the title, each
    table's source, data version and notes, and the symbol key."""
    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.creator = CREATOR
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for name, table in sheets:
        _write_data(workbook.create_sheet(name), table)
    notes = [title]
    for name, table in sheets:
        notes += ["", f"Sheet {name}", *_notes_lines(table)]
    first = sheets[0][1]
    _write_notes(
        workbook.create_sheet("Notes"),
        Table(title=title, columns=first.columns, rows=(), notes=tuple(notes[1:])),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _checked_rows(table: Table):
    """The rows, each checked to have one cell a column, so no figure lands under the wrong name."""
    width = len(table.columns)
    for number, row in enumerate(table.rows, start=1):
        if len(row) != width:
            raise ValueError(f"row {number} has {len(row)} cells for {width} columns")
        yield row


def _checked_number(cell):
    """The cell if it is a figure a spreadsheet can hold; floats and bools are refused because
    a Table promises exact Decimals and ints, and a bool would be written as True or 1."""
    if isinstance(cell, bool) or not isinstance(cell, int | Decimal):
        raise TypeError(f"a table cell must be None, str, int or Decimal, not {type(cell)!r}")
    if isinstance(cell, Decimal) and not cell.is_finite():
        raise ValueError(f"a table cell must be a finite number, not {cell}")
    return cell


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    number = _checked_number(cell)
    if isinstance(number, int):
        return str(number)
    # "f" writes the Decimal's own digits with no exponent: -28.000 stays "-28.000".
    return format(number, "f")


def _write_text(sheet: Worksheet, row: int, column: int, text: str):
    """Write text as a string cell: openpyxl would otherwise take any text opening "=" for a
    formula, so the type is set after the value as well as the text being neutralised."""
    cell = sheet.cell(row=row, column=column, value=neutralise(text))
    cell.data_type = "s"
    return cell


def _write_cell(sheet: Worksheet, row: int, column: int, value, kind: str) -> None:
    if value is None:
        return
    if isinstance(value, str):
        _write_text(sheet, row, column, value)
        return
    number = _checked_number(value)
    # Excel holds every number as a double, so the Decimal becomes a float only here.
    cell = sheet.cell(
        row=row, column=column, value=float(number) if isinstance(number, Decimal) else number
    )
    if kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]


def _write_data(sheet: Worksheet, table: Table) -> None:
    for index, column in enumerate(table.columns, start=1):
        _write_text(sheet, 1, index, column.name).font = BOLD
    for row_index, row in enumerate(_checked_rows(table), start=2):
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            _write_cell(sheet, row_index, index, value, column.kind)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        width = _column_width(column, (row[index - 1] for row in table.rows))
        sheet.column_dimensions[get_column_letter(index)].width = width


def _shown_length(value, kind: str) -> int:
    """Roughly how many characters the cell shows once formatted, to size its column."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(neutralise(value))
    if kind == "percent":
        return len(f"{value * 100:,.1f}%")
    if kind == "money_m":
        return len(f"{value:,.3f}")
    if kind == "ratio":
        return len(f"{value:,.2f}")
    return len(f"{value:,.0f}")


def _column_width(column: Column, values) -> int:
    longest = max((_shown_length(value, column.kind) for value in values), default=0)
    # Bold headers and Excel's cell padding need a little more than the character count.
    return max(MIN_WIDTH, min(max(len(column.name), longest) + 2, MAX_WIDTH))


def _notes_lines(table: Table) -> list[str]:
    """Title, source, data version and notes; an empty source or version is left out rather
    than printed as a bare label."""
    lines = [table.title]
    if table.source:
        lines.append(f"Source: {table.source}")
    if table.data_version:
        lines.append(f"Data version: {table.data_version}")
    return lines + list(table.notes)


def _write_notes(sheet: Worksheet, table: Table) -> None:
    lines = _notes_lines(table)
    for row, line in enumerate(lines, start=1):
        _write_text(sheet, row, 1, line)
    sheet.cell(row=1, column=1).font = BOLD
    # Every symbol is listed, used in this table or not, so a reader can always look one up.
    key_row = len(lines) + 2
    _write_text(sheet, key_row, 1, "Symbol").font = BOLD
    _write_text(sheet, key_row, 2, "Meaning").font = BOLD
    for row, (symbol, meaning) in enumerate(SYMBOLS.items(), start=key_row + 1):
        _write_text(sheet, row, 1, symbol)
        _write_text(sheet, row, 2, meaning).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
