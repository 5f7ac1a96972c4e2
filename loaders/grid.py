"""A workbook read into plain grids of saved values, with what the values alone do not say:
which cells hold formulas with no saved value, which hold Excel errors, which are merged, and
which sheets are hidden.

Values come from calamine, which reads a 100,000-row sheet in under a second. Formulas and errors
come from a scan of the sheet XML, because every reader silently shows an uncalculated formula as
blank or 0.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from posixpath import join, normpath

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from loaders.cells import RawCell
from loaders.errors import WorkbookRejected

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


@dataclass
class Grid:
    """One sheet. Rows and columns count from 1, as Excel's do."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    unsaved_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @cached_property
    def max_column(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def value(self, row: int, column: int) -> object:
        """The saved value; None for a blank cell."""
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return None
        value = self.rows[row - 1][column - 1]
        return None if value == "" else value

    def cell(self, row: int, column: int) -> RawCell:
        key = (row, column)
        if key in self.errors:
            return RawCell(self.errors[key])
        return RawCell(self.value(row, column), self.unsaved_formulas.get(key))

    def merged_range_at(self, row: int, column: int) -> tuple[int, int, int, int] | None:
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row <= r2 and c1 <= column <= c2:
                return r1, c1, r2, c2
        return None


def has_sheets(grids: dict[str, Grid], sheets: tuple[str, ...], report, *, family: str) -> bool:
    """Report each template sheet the workbook lacks; True when it has them all."""
    missing = [name for name in sheets if name not in grids]
    for name in missing:
        report.error(
            sheet=name,
            cell=None,
            found=f"no sheet named '{name}'",
            expected=f"the sheets {', '.join(sheets)}",
            fix=f"Add the '{name}' sheet from the template (lfi template {family}); sheet names "
            "must match exactly.",
        )
    return not missing


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML part."""
    if "xl/_rels/workbook.xml.rels" not in archive.namelist():
        return {}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("pkg:Relationship", _NS)}
    parts = {}
    for sheet in book.findall("main:sheets/main:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['rel']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        parts[sheet.get("name")] = path
    return parts


def _cell_at(xml: bytes, position: int) -> tuple[int, int, bytes] | None:
    """The reference of the cell whose XML contains ``position``, and that cell's XML."""
    start = xml.rfind(b"<c ", 0, position)
    end = xml.find(b"</c>", position)
    if start < 0 or end < 0:
        return None
    element = xml[start : end + 4]
    match = _REF.search(element, 0, element.find(b">"))
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1).decode()), element


_FORMULA = re.compile(rb"<f[\s>/]")
_ERROR_CELL = re.compile(rb'<c [^>]*t="e"')
_SAVED = re.compile(rb"<v>([^<]*)</v>")
_FORMULA_TEXT = re.compile(rb"<f[^>]*>([^<]*)</f>")


def _has_saved_value(element: bytes) -> bool:
    saved = _SAVED.search(element)
    if saved is not None and saved.group(1) != b"":
        return True
    # a formula whose result is empty text is saved as t="str" with an empty value
    return b't="str"' in element[: element.find(b">")] and (
        b"<v/>" in element or b"<v />" in element or b"<v></v>" in element
    )


def _scan_formulas_and_errors(xml: bytes, *, recalculate_on_load: bool, grid: Grid) -> None:
    for match in _FORMULA.finditer(xml):
        found = _cell_at(xml, match.start())
        if not found:
            continue
        row, column, element = found
        # A workbook marked to recalculate on opening was written by a program, not saved by
        # Excel: its formulas' stored values (blank, or 0) were never calculated.
        if recalculate_on_load or not _has_saved_value(element):
            text = _FORMULA_TEXT.search(element)
            formula = html.unescape(text.group(1).decode("utf-8", "replace")) if text else ""
            grid.unsaved_formulas[(row, column)] = (
                f"the formula ={formula}" if formula else "a formula shared with the cells above"
            )
    if b't="e"' not in xml:
        return
    for match in _ERROR_CELL.finditer(xml):
        found = _cell_at(xml, match.end())
        if found:
            row, column, element = found
            saved = _SAVED.search(element)
            grid.errors[(row, column)] = saved.group(1).decode() if saved else "#ERROR"


MAX_ROWS = 200_000
MAX_COLUMNS = 200
_LAST_ROW = re.compile(rb'<(?:\w+:)?row r="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_WIDE_CELL_PREFIXED = re.compile(rb'<\w+:c r="([A-Z]{2,3})\d')


def _check_size(name: str, xml: bytes) -> None:
    """Refuse a sheet whose cells reach far beyond any real table before it is read: a single
    stray cell in the last row would make the reader build a grid of a billion cells."""
    start = max(0, xml.rfind(b'<row r="') - 1)
    last = _LAST_ROW.search(xml, start)
    rows = int(last.group(1)) if last else 0
    # a plain literal start makes the common case fast; prefixed tags are rare and checked apart
    pattern = _WIDE_CELL_PREFIXED if b':c r="' in xml else _WIDE_CELL
    widest = max((column_number(m.group(1).decode()) for m in pattern.finditer(xml)), default=0)
    if rows > MAX_ROWS or widest > MAX_COLUMNS:
        far = f"row {rows:,}" if rows > MAX_ROWS else f"column {column_letters(widest)}"
        raise WorkbookRejected(
            f"The sheet '{name}' has a cell in {far}, far beyond any table it could hold (at most "
            f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns). Delete the stray cells (Ctrl+End in "
            "Excel shows the last one) and save the workbook again."
        )


def read_grids(data: bytes) -> dict[str, Grid]:
    """Every sheet of a workbook already checked by ``workbook.check_workbook_bytes``."""
    try:
        return _read_grids(data)
    except WorkbookRejected:
        raise
    except (CalamineError, ElementTree.ParseError, ValueError, KeyError) as exc:
        raise WorkbookRejected(
            f"The workbook could not be read ({type(exc).__name__}: {exc}). Save it again from "
            "Excel as 'Excel Workbook (*.xlsx)'."
        ) from None


def _read_grids(data: bytes) -> dict[str, Grid]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive)
        recalculate = b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")
        grids = {}
        for meta in book.sheets_metadata:
            part = parts.get(meta.name)
            xml = archive.read(part) if part and part in archive.namelist() else b""
            if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                raise WorkbookRejected(
                    f"The sheet '{meta.name}' declares XML entities, which Excel never writes. "
                    "The file was refused as unsafe."
                )
            _check_size(meta.name, xml)
            sheet = book.get_sheet_by_name(meta.name)
            grid = Grid(
                name=meta.name,
                rows=sheet.to_python(skip_empty_area=False),
                hidden=meta.visible != SheetVisibleEnum.Visible,
                merged=[
                    (r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                    for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])
                ],
            )
            if xml:
                _scan_formulas_and_errors(xml, recalculate_on_load=recalculate, grid=grid)
            grids[meta.name] = grid
    return grids
