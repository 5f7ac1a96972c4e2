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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from posixpath import join, normpath

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from loaders.cells import RawCell
from loaders.errors import WorkbookRejected
from loaders.number_formats import percent_cells, percent_styles
from loaders.report import ValidationReport
from loaders.workbook import open_archive

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


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
    rows: Sequence[Sequence[object]]  # calamine's lists of cell values, row by row
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    unsaved_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # cells whose number format shows a percentage: 0.14 is shown, and was typed, as 14%
    percent_cells: frozenset[tuple[int, int]] = frozenset()

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


def has_sheets(
    grids: dict[str, Grid], sheets: tuple[str, ...], report: ValidationReport, *, family: str
) -> bool:
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
    """Sheet name -> the path of its XML part, for transitional and strict OOXML alike."""
    if "xl/_rels/workbook.xml.rels" not in archive.namelist():
        return {}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("{*}Relationship")}
    parts = {}
    for sheet in book.findall("{*}sheets/{*}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        target = targets.get(rel_id, "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _cell_at(xml: bytes, position: int, tags: _Tags) -> tuple[int, int, bytes] | None:
    """The reference of the cell whose XML contains ``position``, and that cell's XML."""
    start = xml.rfind(tags.cell_open, 0, position)
    end = xml.find(tags.cell_close, position)
    if start < 0 or end < 0:
        return None
    element = xml[start : end + len(tags.cell_close)]
    match = _REF.search(element, 0, element.find(b">"))
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1).decode()), element


@dataclass(frozen=True)
class _Tags:
    """The sheet's tags, with the namespace prefix some writers use (<x:c>, as .NET's does)."""

    cell_open: bytes
    cell_close: bytes
    formula: re.Pattern
    error_cell: re.Pattern
    saved: re.Pattern
    formula_text: re.Pattern
    empty_values: tuple[bytes, ...]


def _tags(xml: bytes) -> _Tags:
    found = re.search(rb"<(\w+):sheetData", xml[:20_000])
    p = re.escape(found.group(1) + b":") if found else b""
    raw = found.group(1) + b":" if found else b""
    return _Tags(
        cell_open=b"<" + raw + b"c ",
        cell_close=b"</" + raw + b"c>",
        formula=re.compile(b"<" + p + rb"f[\s>/]"),
        error_cell=re.compile(b"<" + p + rb'c [^>]*t="e"'),
        saved=re.compile(b"<" + p + rb"v>([^<]*)</" + p + b"v>"),
        formula_text=re.compile(b"<" + p + rb"f[^>]*>([^<]*)</" + p + b"f>"),
        empty_values=(
            b"<" + raw + b"v/>",
            b"<" + raw + b"v />",
            b"<" + raw + b"v></" + raw + b"v>",
        ),
    )


def _has_saved_value(element: bytes, tags: _Tags) -> bool:
    saved = tags.saved.search(element)
    if saved is not None and saved.group(1) != b"":
        return True
    # a formula whose result is empty text is saved as t="str" with an empty value
    opening = element[: element.find(b">")]
    return b't="str"' in opening and any(empty in element for empty in tags.empty_values)


def _scan_formulas_and_errors(xml: bytes, *, recalculate_on_load: bool, grid: Grid) -> None:
    tags = _tags(xml)
    for match in tags.formula.finditer(xml):
        found = _cell_at(xml, match.start(), tags)
        if not found:
            continue
        row, column, element = found
        # A workbook marked to recalculate on opening was written by a program, not saved by
        # Excel: its formulas' stored values (blank, or 0) were never calculated.
        if recalculate_on_load or not _has_saved_value(element, tags):
            text = tags.formula_text.search(element)
            formula = html.unescape(text.group(1).decode("utf-8", "replace")) if text else ""
            grid.unsaved_formulas[(row, column)] = (
                f"the formula ={formula}" if formula else "a formula shared with the cells above"
            )
    if b't="e"' not in xml:
        return
    for match in tags.error_cell.finditer(xml):
        found = _cell_at(xml, match.end(), tags)
        if found:
            row, column, element = found
            saved = tags.saved.search(element)
            grid.errors[(row, column)] = saved.group(1).decode() if saved else "#ERROR"


MAX_ROWS = 200_000
MAX_COLUMNS = 200
# A sheet is read as a grid from A1 to its furthest cell. A grid of up to DENSE_CELLS is cheap;
# a larger one may hold at most SPARSENESS times the cells the sheet has, or a single stray cell
# far out would cost gigabytes (GR200000 alone makes a grid of 40 million cells).
DENSE_CELLS = 500_000
SPARSENESS = 4
_LAST_ROW = re.compile(rb'<(?:\w+:)?row r="(\d+)"')
STRAY_FIX = (
    "Delete the stray cells (Ctrl+End in Excel shows the last one) and save the workbook again."
)


def _widest(xml: bytes, letters: bytes) -> int:
    """The furthest column of the cells whose column letters match ``letters``."""
    # a plain literal start makes the common case fast; prefixed tags are rare and checked apart
    start = rb"<\w+:c" if b':c r="' in xml else rb"<c"
    pattern = re.compile(start + rb' r="(' + letters + rb")\d")
    return max((column_number(m.group(1).decode()) for m in pattern.finditer(xml)), default=0)


def _grid_columns(xml: bytes, widest: int, rows: int, allowed: int) -> int:
    """The sheet's last column, or a bound on it when that is enough to show the grid fits."""
    fits = allowed // max(rows, 1)
    if widest or fits >= 26:
        return widest or min(fits, 26)
    # no column past Z: look only for columns that would make the grid too large
    return _widest(xml, b"[%c-Z]" % (65 + fits)) or fits


def _check_size(name: str, xml: bytes) -> None:
    """Refuse a sheet whose cells reach far beyond any real table, or far beyond the rest of
    its cells, before it is read, so its cost grows with its cells, not with its furthest one."""
    start = xml.rfind(b"<", 0, max(0, xml.rfind(b'row r="')))  # prefixed rows too
    last = _LAST_ROW.search(xml, max(0, start))
    rows = int(last.group(1)) if last else 0
    widest = _widest(xml, rb"[A-Z]{2,3}")
    if rows > MAX_ROWS or widest > MAX_COLUMNS:
        far = f"row {rows:,}" if rows > MAX_ROWS else f"column {column_letters(widest)}"
        raise WorkbookRejected(
            f"The sheet '{name}' has a cell in {far}, far beyond any table it could hold (at most "
            f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns). {STRAY_FIX}"
        )
    cells = xml.count(b":c " if b':c r="' in xml else b"<c ")
    allowed = max(DENSE_CELLS, SPARSENESS * cells)
    columns = _grid_columns(xml, widest, rows, allowed)
    if rows * columns > allowed:
        raise WorkbookRejected(
            f"The sheet '{name}' has cells as far as column {column_letters(columns)} and row "
            f"{rows:,}, far beyond the rest of its cells: read from A1 it would be a grid of "
            f"{rows * columns:,} cells. {STRAY_FIX}"
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
    with open_archive(data) as archive:
        parts = _sheet_parts(archive)
        recalculate = b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")
        percent = percent_styles(archive)
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
                grid.percent_cells = percent_cells(xml, percent)
            grids[meta.name] = grid
    return grids
