"""Read a table from a sheet the way real files come: a header row found wherever it is (merged
header cells included), blank rows skipped, totals rows set aside and reconciled, every cell
checked by its column's kind. Each problem is reported with its cell; nothing is guessed.

Columns are read whole, with a fast path for the common case (calamine's floats and dates), so a
100,000-row sheet is checked in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import TypeVar

from domain.money import pence_from_pounds
from loaders.cells import CellProblem, RawCell, cell_text, describe, parse_decimal
from loaders.grid import Grid, cell_name, column_letters
from loaders.report import ValidationReport

HEADER_SEARCH_ROWS = 20
MAX_ISSUES_PER_COLUMN = 50
_TOTAL = re.compile(r"^(?:sub ?total|(?:grand |overall )?totals?)\b")
LARGEST_COUNT = 10**9
LARGEST_POUNDS = 10**12  # far beyond any council's budget, well inside what databases hold
EXCEL_EPOCH = date(1899, 12, 30)
_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?\s*$")
_NC_YEAR = re.compile(r"^\s*(?:year|yr|y|nc)?\s*(\d{1,2})\s*$", re.IGNORECASE)
T = TypeVar("T")
NC_NAMED = {"n1": -2, "n2": -1, "r": 0, "reception": 0, "year r": 0, "yr r": 0, "y r": 0}


def heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9£%+]+", " ", text.casefold()).strip()


def heading_words(text: str) -> frozenset[str]:
    """A heading's words in any order, plurals made singular: 'Dates Start' = 'Start date'."""
    return frozenset(
        word[:-1] if len(word) > 3 and word.endswith("s") else word
        for word in heading_key(text).split()
    )


# ---- what a cell of each kind may hold -------------------------------------------------------


def parse_text(value: object) -> str | None:
    if type(value) is str:
        return value.strip() or None
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a reference typed as a number
    if isinstance(value, (int, float, str)):
        text = str(value).strip()
        return text or None
    raise CellProblem(describe(value))


def parse_count(value: object) -> int | None:
    if type(value) is float and value.is_integer() and 0 <= value <= LARGEST_COUNT:
        return int(value)
    number = parse_decimal(RawCell(value))
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellProblem(f"the fractional count {number}")
    if number < 0:
        raise CellProblem(f"the negative count {number}")
    if number > LARGEST_COUNT:
        raise CellProblem(f"the count {number:,}, far too large")
    return int(number)


def parse_signed_pounds(value: object) -> int | None:
    """An amount in pounds, as pence; a credit may be negative, written -1,234 or (1,234)."""
    number = parse_decimal(RawCell(value))
    if number is not None and abs(number) > LARGEST_POUNDS:
        raise CellProblem(f"the amount {number:,}, far too large")
    return None if number is None else pence_from_pounds(number)


def parse_pounds(value: object) -> int | None:
    """An amount in pounds, as pence; never negative."""
    if type(value) is float and value >= 0:
        pence = value * 100
        rounded = round(pence)
        if abs(pence - rounded) < 1e-6:  # whole pence, as almost every figure is
            return rounded
    if value == "" or value is None:
        return None
    number = parse_decimal(RawCell(value))
    if number is None:
        return None
    if number < 0:
        raise CellProblem(f"the negative amount {number}")
    if number > LARGEST_POUNDS:
        raise CellProblem(f"the amount {number:,}, far too large")
    return pence_from_pounds(number)


def parse_date(value: object) -> date | None:
    """A date: an Excel date, an Excel serial number, or text written day first (UK)."""
    if type(value) is date:  # the common cases first, by exact type: a date column is long
        return value
    if type(value) is datetime:
        return value.date()
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel serial numbers from 1990 to 2099; a bare 2023 or 12 is not a date
        if 32_874 <= value <= 73_050 and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellProblem(f"the number {value:g}")
    if isinstance(value, str):
        return _parse_date_text(value)
    raise CellProblem(describe(value))


def _parse_date_text(text: str) -> date:
    match = _UK_DATE.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            year += 2000 if year < 100 else 0
            return date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellProblem(f"{text!r}, which is not a real date") from None
    raise CellProblem(repr(text))


def parse_nc_year(value: object) -> int | None:
    """National curriculum year: N1, N2, R (reception) or 1 to 14."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= 14:
            return int(value)
        raise CellProblem(str(value))
    text = str(value).strip().casefold()
    if text in NC_NAMED:
        return NC_NAMED[text]
    match = _NC_YEAR.match(text)
    if match and 0 <= int(match.group(1)) <= 14:
        return int(match.group(1))
    raise CellProblem(repr(value))


def choice_parser(lookup: Mapping[str, T]) -> Callable[[object], T | None]:
    """One of a fixed set of words, matched without regard to case or spacing."""
    seen: dict[object, T] = {}

    def parse(value: object) -> T | None:
        if value in seen:  # the same few words repeat down a long column
            return seen[value]
        if value is None or value == "":
            return None
        key = re.sub(r"[\s_\-/]+", " ", str(value)).strip().casefold()
        if key not in lookup:
            raise CellProblem(repr(value))
        seen[value] = lookup[key]
        return seen[value]

    return parse


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading, how its cells are read, and what to say when wrong."""

    key: str
    heading: str
    parse: Callable[[object], object]
    expected: str
    fix: str
    aliases: tuple[str, ...] = ()
    required: bool = True  # the column must be present
    blank_allowed: bool = False  # its cells may be left blank
    summable: bool = False  # a totals row gives its sum

    def keys(self) -> set[frozenset[str]]:
        return {heading_words(self.heading), *(heading_words(a) for a in self.aliases)}


@dataclass
class Table:
    sheet: str
    header_row: int
    columns: dict[str, int]  # key -> column number
    rows: list[int] = field(default_factory=list)  # the sheet row of each data row
    values: dict[str, list] = field(default_factory=dict)  # key -> one value per data row
    totals_rows: list[int] = field(default_factory=list)
    # (key, index) of cells already reported: a formula, an Excel error, a merged cell
    reported: set[tuple[str, int]] = field(default_factory=set)

    def is_reported(self, key: str, index: int) -> bool:
        return (key, index) in self.reported

    def cell(self, key: str, index: int) -> str:
        return cell_name(self.rows[index], self.columns[key])

    def records(self) -> list[dict[str, object]]:
        keys = list(self.values)
        return [
            dict(zip(keys, row, strict=True)) for row in zip(*self.values.values(), strict=True)
        ]


# ---- the header ------------------------------------------------------------------------------


def _merged_lookup(grid: Grid, last_row: int) -> dict[tuple[int, int], object]:
    """Every cell of a merged range near the top, mapped to the range's value."""
    filled = {}
    for r1, c1, r2, c2 in grid.merged:
        if r1 > last_row:
            continue
        value = grid.value(r1, c1)
        for row in range(r1, min(r2, last_row) + 1):
            for col in range(c1, c2 + 1):
                filled[(row, col)] = value
    return filled


def _header_texts(grid: Grid, row: int, merged: dict) -> dict[int, list[str]]:
    """For each column, the texts its heading may be: its own, and with a merged parent above."""
    texts: dict[int, list[str]] = {}
    for col in range(1, grid.max_column + 1):
        own = cell_text(merged.get((row, col), grid.value(row, col)))
        parent = cell_text(merged.get((row - 1, col))) if row > 1 else ""
        options = [text for text in (own, f"{parent} {own}".strip(), parent) if text]
        if options:
            texts[col] = options
    return texts


def _match_header(
    texts: dict[int, list[str]], columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """Columns found by heading, and headings found twice as (key, first column, second)."""
    found: dict[str, int] = {}
    repeated: list[tuple[str, int, int]] = []
    for col, options in texts.items():
        for option in options:
            key = heading_words(option)
            match = next((c for c in columns if key in c.keys()), None)
            if match is None:
                continue
            if match.key in found:
                repeated.append((match.key, found[match.key], col))
            else:
                found[match.key] = col
            break
    return found, repeated


_Header = tuple[int, dict[str, int], list[tuple[str, int, int]]]


def _find_header(grid: Grid, columns: tuple[Column, ...]) -> _Header | None:
    """The heading row with the most of the table's columns: (row, columns, repeated headings)."""
    last = min(grid.max_row, HEADER_SEARCH_ROWS)
    merged = _merged_lookup(grid, last)
    best: _Header | None = None
    for row in range(1, last + 1):
        found, repeated = _match_header(_header_texts(grid, row, merged), columns)
        if found and (best is None or len(found) > len(best[1])):
            best = (row, found, repeated)
    return best


class _Collector:
    """Reports cell problems, at most MAX_ISSUES_PER_COLUMN for each column, then a summary."""

    def __init__(self, report: ValidationReport, sheet: str) -> None:
        self.report, self.sheet = report, sheet
        self.counts: dict[str, int] = {}

    def error(self, column: Column, where: str, found: str, expected: str, fix: str) -> None:
        count = self.counts.get(column.key, 0) + 1
        self.counts[column.key] = count
        if count <= MAX_ISSUES_PER_COLUMN:
            self.report.error(sheet=self.sheet, cell=where, found=found, expected=expected, fix=fix)

    def summarise(self, table: Table, columns: dict[str, Column]) -> None:
        for key, count in self.counts.items():
            if count > MAX_ISSUES_PER_COLUMN:
                letter = column_letters(table.columns[key])
                self.report.error(
                    sheet=self.sheet,
                    cell=letter,
                    found=f"{count - MAX_ISSUES_PER_COLUMN} more problems in the column "
                    f"'{columns[key].heading}' ({count} in all)",
                    expected=columns[key].expected,
                    fix="The first ones are listed above; the rest are like them.",
                )


def _is_total(value: object) -> bool:
    # checked on every row, so the cheap tests come first
    return (
        type(value) is str
        and len(value) <= 30
        and value.lstrip()[:1] in ("T", "t", "G", "g", "S", "s", "O", "o")
        and _TOTAL.match(heading_key(value)) is not None
    )


def _body_rows(grid: Grid, header_row: int, table: Table, label_col: int | None) -> list[tuple]:
    """Data rows of the mapped columns; blank rows skipped, totals rows set aside (when the
    column that labels them is there)."""
    cols = list(table.columns.values())
    width = grid.max_column
    # calamine gives every row the sheet's full width, so one C-level getter reads a row
    pick = (
        itemgetter(*(c - 1 for c in cols)) if len(cols) > 1 else (lambda raw: (raw[cols[0] - 1],))
    )
    blank = len(cols)
    body = []
    for row_number in range(header_row + 1, grid.max_row + 1):
        raw = grid.rows[row_number - 1]
        if len(raw) < width:
            raw = [*raw, *([""] * (width - len(raw)))]
        values = pick(raw)
        if values.count("") + values.count(None) == blank:
            continue
        if label_col is not None and _is_total(raw[label_col - 1]):
            table.totals_rows.append(row_number)
            continue
        table.rows.append(row_number)
        body.append(values)
    return body


def _parse_column(raw: list[object], column: Column, table: Table, collect: _Collector) -> list:
    parse = column.parse
    if not table.reported:
        # the usual case, a sound column: parse it in one pass, and look closer only on trouble
        try:
            values = [parse(value) for value in raw]
        except CellProblem:
            pass
        else:
            if column.blank_allowed or None not in values:
                return values
    values = []
    for index, value in enumerate(raw):
        if (column.key, index) in table.reported:
            values.append(None)
            continue
        try:
            parsed = parse(value)
        except CellProblem as problem:
            collect.error(
                column, table.cell(column.key, index), problem.found, column.expected, column.fix
            )
            table.reported.add((column.key, index))
            parsed = None
        else:
            if parsed is None and not column.blank_allowed:
                collect.error(
                    column,
                    table.cell(column.key, index),
                    "a blank cell",
                    column.expected,
                    column.fix,
                )
        values.append(parsed)
    return values


def _check_formulas_and_errors(
    grid: Grid, table: Table, columns: dict[str, Column], collect: _Collector
) -> None:
    """Report formulas with no saved value and Excel errors in the data, and mark them done."""
    if not (grid.unsaved_formulas or grid.errors):
        return
    index_of_row = {row: i for i, row in enumerate(table.rows)}
    by_column = {col: key for key, col in table.columns.items()}
    problems = [
        (
            row,
            col,
            f"{formula} with no saved value",
            "a saved value",
            "Open the file in Excel, let it calculate, then save it; or type the value.",
        )
        for (row, col), formula in grid.unsaved_formulas.items()
    ] + [
        (row, col, f"the Excel error {error}", None, "Correct the formula or type the value.")
        for (row, col), error in grid.errors.items()
    ]
    for row, col, found, expected, fix in sorted(problems):
        if row in index_of_row and col in by_column:
            column = columns[by_column[col]]
            collect.error(column, cell_name(row, col), found, expected or column.expected, fix)
            table.reported.add((column.key, index_of_row[row]))


def _check_merged_body(grid: Grid, table: Table, report: ValidationReport) -> None:
    """Merged cells across the data rows hide values; merged headings and totals labels do not."""
    first, last = min(table.columns.values()), max(table.columns.values())
    index_of_row = {row: i for i, row in enumerate(table.rows)}
    found = []
    for r1, c1, r2, c2 in grid.merged:
        rows = [r for r in range(r1, r2 + 1) if r in index_of_row]
        if not rows or c2 < first or c1 > last:
            continue
        found.append((r1, c1, r2, c2))
        for key, col in table.columns.items():
            if c1 <= col <= c2:
                table.reported.update((key, index_of_row[r]) for r in rows)
    for r1, c1, r2, c2 in sorted(found):
        span = f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"
        report.error(
            sheet=grid.name,
            cell=span,
            found=f"merged cells {span} among the data",
            expected="one value in each cell",
            fix="Unmerge the cells and fill in each row.",
        )


def _reconcile_totals(
    grid: Grid, table: Table, columns: tuple[Column, ...], report: ValidationReport
) -> None:
    for row in table.totals_rows:
        for column in columns:
            if not column.summable or column.key not in table.columns:
                continue
            col = table.columns[column.key]
            try:
                stated = column.parse(grid.value(row, col))
            except CellProblem:
                stated = None
            if not isinstance(stated, int):  # blank: summable columns hold counts or pence
                continue
            total = sum(v for v in table.values[column.key] if v is not None)
            if stated != total:
                report.warning(
                    sheet=grid.name,
                    cell=cell_name(row, col),
                    found=f"a total of {_show(stated, column)}",
                    expected=f"{_show(total, column)}, the sum of the rows above",
                    fix="The total row is not stored; check the rows and the total.",
                )


def _show(value: int, column: Column) -> str:
    if column.parse in (parse_pounds, parse_signed_pounds):
        return f"£{Decimal(value) / 100:,.2f}"
    return f"{value:,}"


def _report_repeated_headings(
    grid: Grid,
    row: int,
    repeated: list[tuple[str, int, int]],
    columns: tuple[Column, ...],
    report: ValidationReport,
) -> None:
    headings = {c.key: c.heading for c in columns}
    for key, first, second in repeated:
        report.error(
            sheet=grid.name,
            cell=cell_name(row, second),
            found=f"a second column for '{headings[key]}' (the first is {cell_name(row, first)})",
            expected="each column once",
            fix="Delete or rename one of the two columns, so it is clear which holds the figures.",
        )


def first_row_of_each(
    table: Table, key: str, report: ValidationReport, *, name: Callable[[T], str], fix: str
) -> dict[T, int]:
    """The first row index of each value in a column; a value given again is an error naming
    both cells. Blank cells are passed over. The caller says the column's type (T) by the
    type it gives the result."""
    first: dict[T, int] = {}
    for index, value in enumerate(table.values[key]):
        if value is None:
            continue
        if value in first:
            report.error(
                sheet=table.sheet,
                cell=table.cell(key, index),
                found=f"{name(value)} a second time (first in {table.cell(key, first[value])})",
                expected=f"one row for {name(value)}",
                fix=fix,
            )
        else:
            first[value] = index
    return first


def _report_missing_columns(
    grid: Grid,
    header_row: int | None,
    mapped: dict[str, int],
    columns: tuple[Column, ...],
    report: ValidationReport,
) -> bool:
    """An error for each required column not found; True when any is missing."""
    missing = [c for c in columns if c.required and c.key not in mapped]
    for column in missing:
        report.error(
            sheet=grid.name,
            cell=f"{header_row}:{header_row}" if header_row else f"1:{HEADER_SEARCH_ROWS}",
            found=f"no column headed '{column.heading}'",
            expected=f"the template's columns: {', '.join(c.heading for c in columns)}",
            fix=f"Add a column headed '{column.heading}', or rename the column that holds it.",
        )
    return bool(missing)


def read_table(
    grid: Grid, columns: tuple[Column, ...], report: ValidationReport, *, label: str
) -> Table | None:
    """Find the header, then read and check every cell of every data row.

    ``label`` is the key of the column whose cell says 'Total' on a totals row. With a required
    column missing, the columns found are still checked, so one upload lists every problem; the
    table is then None, as its rows cannot be stored.
    """
    found = _find_header(grid, columns)
    if found is None:
        _report_missing_columns(grid, None, {}, columns, report)
        return None
    header_row, mapped, repeated = found
    _report_repeated_headings(grid, header_row, repeated, columns, report)
    missing = _report_missing_columns(grid, header_row, mapped, columns, report)
    ordered = {c.key: mapped[c.key] for c in columns if c.key in mapped}
    table = Table(sheet=grid.name, header_row=header_row, columns=ordered)
    body = _body_rows(grid, header_row, table, ordered.get(label))
    by_key = {c.key: c for c in columns}
    collect = _Collector(report, grid.name)
    _check_formulas_and_errors(grid, table, by_key, collect)
    _check_merged_body(grid, table, report)
    for position, key in enumerate(ordered):
        table.values[key] = _parse_column(
            [row[position] for row in body], by_key[key], table, collect
        )
    collect.summarise(table, by_key)
    if missing:
        return None
    _reconcile_totals(grid, table, columns, report)
    return table
