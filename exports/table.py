"""A table as data, before it is written to CSV, XLSX or a page: typed cells, not text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

# How a column's cells are held and shown. Numbers stay numbers in every output.
# "number" is a column of figures in different units, shown as they are.
KINDS = ("text", "count", "money_m", "money", "percent", "ratio", "number")

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    # A count of children or young people, withheld when small; a target is a count but not
    # about anyone, so it is not.
    disclosive: bool = True


@dataclass(frozen=True)
class Table:
    """``rows`` hold None (no figure), str (text, or a symbol such as "[c]"), int or Decimal;
    a percent is a fraction (0.047 is 4.7%), money_m is in £ millions."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    source: str = ""
    data_version: str = ""
    notes: tuple[str, ...] = ()

    def with_rows(self, rows) -> Table:
        return replace(self, rows=tuple(tuple(r) for r in rows))
