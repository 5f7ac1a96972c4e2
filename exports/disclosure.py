"""Statistical disclosure control for tables meant for publication, following the GSS convention.

Counts from 1 to a threshold become "[c]" (primary suppression). Then enough other figures are
withheld that no "[c]" can be worked back from a total and the figures shown beside it (secondary
suppression), and a rate or average built on a withheld count is withheld with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeGuard

from exports.symbols import SUPPRESSED, SYMBOLS
from exports.table import Cell, Table

Position = tuple[int, int]
Grid = list[list[Cell]]


@dataclass(frozen=True)
class TotalRule:
    """The cell at ``total`` is the sum of the cells at ``parts``; (row, column) positions."""

    total: Position
    parts: tuple[Position, ...]


@dataclass(frozen=True)
class DerivedRule:
    """The cell at ``cell`` is a rate, average or other figure worked out from ``inputs``."""

    cell: Position
    inputs: tuple[Position, ...]


def suppress(
    table: Table,
    *,
    threshold: int = 4,
    totals: Sequence[TotalRule] = (),
    derived: Sequence[DerivedRule] = (),
    hidden_counts: Mapping[Position, int] | None = None,
) -> Table:
    """A copy of ``table`` with small counts, and every figure that would reveal one, as "[c]".

    ``hidden_counts`` maps a cell to the count it was built on when that count is not in the table
    (a percentage whose numerator is not shown).
    """
    hidden_counts = hidden_counts or {}
    _check_threshold(threshold)
    _check_positions(table, [*_positions_in(totals, derived), *hidden_counts])
    grid = [list(row) for row in table.rows]
    _suppress_primary(grid, table, threshold=threshold, hidden_counts=hidden_counts)
    _suppress_derived(grid, derived)
    # A derived figure may itself be part of a total, and a secondary suppression may hit the input
    # of a derived figure, so the two steps take turns until neither withholds anything more.
    while True:
        added = _suppress_secondary(grid, totals)
        added |= _suppress_derived(grid, derived)
        if not added:
            break
    return _with_note(table.with_rows(grid), threshold)


def suppressed_cells(table: Table) -> set[Position]:
    """The (row, column) positions of every "[c]" in ``table``."""
    return {
        (r, c)
        for r, row in enumerate(table.rows)
        for c, value in enumerate(row)
        if value == SUPPRESSED
    }


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError(
            f"threshold must be 1 or more (the largest count withheld), not {threshold}"
        )


def _positions_in(totals: Sequence[TotalRule], derived: Sequence[DerivedRule]) -> list[Position]:
    positions = [p for rule in totals for p in (rule.total, *rule.parts)]
    return positions + [p for rule in derived for p in (rule.cell, *rule.inputs)]


def _check_positions(table: Table, positions: list[Position]) -> None:
    for row, column in positions:
        if not (0 <= row < len(table.rows) and 0 <= column < len(table.rows[row])):
            raise ValueError(
                f"a disclosure rule names cell ({row}, {column}), which is outside the table "
                f"{table.title!r} of {len(table.rows)} rows"
            )


def _is_number(value: Cell) -> TypeGuard[int | Decimal]:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _is_small(value: Cell, threshold: int) -> bool:
    # Zero stays shown: under the GSS practice followed here a zero is not disclosive, since it
    # names no child, and withholding zeros would hide that a service has no cases at all.
    return _is_number(value) and 1 <= value <= threshold


def _hide(grid: Grid, position: Position) -> bool:
    """Withhold the figure at ``position``; True if it was a shown number."""
    row, column = position
    if not _is_number(grid[row][column]):
        return False
    grid[row][column] = SUPPRESSED
    return True


def _suppress_primary(
    grid: Grid, table: Table, *, threshold: int, hidden_counts: Mapping[Position, int]
) -> None:
    counts = {
        c for c, column in enumerate(table.columns) if column.kind == "count" and column.disclosive
    }
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if c in counts and _is_small(value, threshold):
                _hide(grid, (r, c))
    for position, count in hidden_counts.items():
        if _is_small(count, threshold):
            _hide(grid, position)


def _suppress_derived(grid: Grid, rules: Sequence[DerivedRule]) -> bool:
    added = False
    changed = True
    # Repeated because one derived figure can be the input of another.
    while changed:
        changed = False
        for rule in rules:
            if any(_is_suppressed(grid, p) for p in rule.inputs):
                changed |= _hide(grid, rule.cell)
        added |= changed
    return added


def _suppress_secondary(grid: Grid, rules: Sequence[TotalRule]) -> bool:
    added = False
    changed = True
    # Repeated because a cell withheld for one rule (a row total) can leave another rule that
    # shares it (a column total) with a single unknown.
    while changed:
        changed = False
        for rule in rules:
            if _count_unknowns(grid, rule) == 1:
                target = _next_to_hide(grid, rule)
                changed |= target is not None and _hide(grid, target)
        added |= changed
    return added


def _is_suppressed(grid: Grid, position: Position) -> bool:
    row, column = position
    return grid[row][column] == SUPPRESSED


def _count_unknowns(grid: Grid, rule: TotalRule) -> int:
    # A missing figure (None) counts as unknown: the total still covers it, so a reader who
    # subtracts the shown parts learns only the sum of it and the withheld cell, not the withheld
    # cell alone. Counting it as known would withhold a further shown figure for no protection.
    # A true zero must therefore be written as 0, never left as None.
    cells = (rule.total, *rule.parts)
    return sum(1 for r, c in cells if grid[r][c] is None or grid[r][c] == SUPPRESSED)


def _next_to_hide(grid: Grid, rule: TotalRule) -> Position | None:
    """The smallest shown part (the first of equals), else the total, else nothing."""
    shown = {p: value for p in rule.parts if _is_number(value := grid[p[0]][p[1]])}
    if shown:
        # The smallest figure is withheld because it loses the least information for readers.
        return min(shown, key=shown.__getitem__)
    total_row, total_column = rule.total
    return rule.total if _is_number(grid[total_row][total_column]) else None


def _with_note(table: Table, threshold: int) -> Table:
    note = (
        f"{SUPPRESSED} {SYMBOLS[SUPPRESSED]}. Counts from 1 to {threshold} are withheld, and so "
        "are other figures from which they could be worked out."
    )
    if not suppressed_cells(table) or note in table.notes:
        return table
    return replace(table, notes=(*table.notes, note))
