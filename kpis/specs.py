"""What each kind of computation reads: one typed specification for every kind and source, parsed
from a catalogue entry's ``inputs`` table with every field checked against the names the returns
use. A name that names nothing is a problem at start-up, never a silent 'not available'.

Adding a measure of a kind that exists is a catalogue entry; a new kind of computation is a
specification here, its parser in ``PARSERS`` and its function in kpis/computations.py."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from domain.vocabulary import (
    EHCP_ITEMS,
    PRIMARY_NEEDS,
    PROVISION_TYPES,
    SAVINGS_COHORTS,
    SPEND_COLUMNS,
)

# A placement's money fields as the catalogue names them -> the placement table's column.
PLACEMENT_FIELDS = {"annual_cost": "cost", "renegotiation_saving": "saving"}
# Placement table columns whose distinct values a count may count.
DISTINCT_COLUMNS = ("need", "provider", "provision")
AGE_BANDS = ("under_16", "16_and_over")
COUNTIES = {"in": True, "out": False}
# Placements active at any time in the term, those that began in it, those that ended in it.
FLOWS = ("active", "new", "ceased")
CHANGE_BASES = ("same term a year earlier",)
TERM = frozenset({"term"})
YEAR = frozenset({"financial_year"})

# An age band: below 16, 16 and over, or from the youngest to the oldest age, both included.
AgeBand = Literal["under_16", "16_and_over"] | tuple[int, int]


@dataclass(frozen=True)
class PlacementFilter:
    """Which placements are read: a placement must match every field given; a field left out
    matches every placement. ``provision`` and ``need`` match any of the codes listed."""

    provision: tuple[str, ...] | None = None
    need: tuple[str, ...] | None = None
    in_county: bool | None = None
    age: AgeBand | None = None
    has: str | None = None  # a placement money field that must be filled in


@dataclass(frozen=True)
class EhcpCount:
    """One item of the EHCP return, each term."""

    source: ClassVar[str] = "ehcp"
    described: ClassVar[str] = "a count from the EHCP return"
    item: str

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class EhcpSum:
    """EHCP return items added, and ``less`` items taken away, over a financial year's terms."""

    source: ClassVar[str] = "ehcp"
    described: ClassVar[str] = "a sum of EHCP return items over a year"
    items: tuple[str, ...]
    less: tuple[str, ...]

    @property
    def grains(self) -> frozenset[str]:
        return YEAR


@dataclass(frozen=True)
class EhcpRatio:
    """One EHCP return item over another, each term."""

    source: ClassVar[str] = "ehcp"
    described: ClassVar[str] = "a ratio of EHCP return items"
    numerator: str
    denominator: str

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class SpendSum:
    """The HNB return's spending over every line, in the columns named, each term."""

    source: ClassVar[str] = "spend"
    described: ClassVar[str] = "a sum of HNB spending"
    columns: tuple[str, ...]

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class SavingsSum:
    """The HNB return's savings and mitigation for the cohorts named, each term."""

    source: ClassVar[str] = "savings"
    described: ClassVar[str] = "a sum of HNB savings"
    cohorts: tuple[str, ...]

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class PlacementCount:
    """Placements that match, each term; or the distinct values of a column among them, each
    term or each financial year; with ``more_than``, the values with more than so many
    placements in the latest term of each financial year."""

    source: ClassVar[str] = "placements"
    described: ClassVar[str] = "a count of placements"
    where: PlacementFilter
    distinct: str | None = None
    more_than: int | None = None

    @property
    def grains(self) -> frozenset[str]:
        if self.more_than is not None:
            return YEAR
        return TERM | YEAR if self.distinct else TERM


@dataclass(frozen=True)
class PlacementAverage:
    """The average of a money field over the placements that match, each term."""

    source: ClassVar[str] = "placements"
    described: ClassVar[str] = "an average over placements"
    where: PlacementFilter
    field: str
    flow: str = "active"

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class PlacementRatio:
    """The placements matching one filter over those matching another, each term."""

    source: ClassVar[str] = "placements"
    described: ClassVar[str] = "a ratio of placement counts"
    numerator: PlacementFilter
    denominator: PlacementFilter

    @property
    def grains(self) -> frozenset[str]:
        return TERM


@dataclass(frozen=True)
class MeasureChange:
    """The change in another measure since the same term a year earlier, as a fraction."""

    source: ClassVar[str] = "measure"
    described: ClassVar[str] = "a change in another measure"
    of: str  # the other measure's id
    against: str = CHANGE_BASES[0]

    @property
    def grains(self) -> frozenset[str]:
        return TERM


Inputs = (
    EhcpCount
    | EhcpSum
    | EhcpRatio
    | SpendSum
    | SavingsSum
    | PlacementCount
    | PlacementAverage
    | PlacementRatio
    | MeasureChange
)


class _Reader:
    """One inputs table (or a table inside it) read field by field; each problem is noted with
    the entry and the field's path, and the field reads as None."""

    def __init__(
        self, table: Mapping[str, object], path: str, where: str, problems: list[str]
    ) -> None:
        self.table, self.path, self.where, self.problems = table, path, where, problems

    def problem(self, key: str, text: str) -> None:
        self.problems.append(f"{self.where}: {self.path}.{key} {text}")

    def only(self, keys: Collection[str], described: str) -> None:
        for key in sorted(set(self.table) - set(keys)):
            self.problem(key, f"is not read by {described}, which reads {sorted(keys)}")

    def _given(self, key: str, required: bool) -> object:
        value = self.table.get(key)
        if value is None and required:
            self.problem(key, "is missing")
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self._given(key, required)
        if value is None or isinstance(value, str):
            return value
        self.problem(key, f"must be a name in quotes, not {value!r}")
        return None

    def name(self, key: str, allowed: Collection[str], *, required: bool = True) -> str | None:
        value = self.text(key, required=required)
        if value is None or value in allowed:
            return value
        self.problem(key, f"{value!r} is not one of {sorted(allowed)}")
        return None

    def names(
        self, key: str, allowed: Collection[str], *, required: bool = True
    ) -> tuple[str, ...] | None:
        value = self._given(key, required)
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(key, f"must be a list of one or more names in quotes, not {value!r}")
            return None
        unknown = [v for v in value if v not in allowed]
        for v in unknown:
            self.problem(key, f"{v!r} is not one of {sorted(allowed)}")
        repeated = sorted({v for v in value if value.count(v) > 1})
        for v in repeated:
            self.problem(key, f"names {v!r} more than once")
        return None if unknown or repeated else tuple(value)

    def whole_number(self, key: str) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.problem(key, f"must be a whole number, 0 or more, not {value!r}")
        return None

    def inner(self, key: str) -> _Reader | None:
        value = self._given(key, True)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(key, f"must be a table such as {{ provision = [...] }}, not {value!r}")
            return None
        return _Reader(value, f"{self.path}.{key}", self.where, self.problems)


FILTER_KEYS = ("age", "county", "has", "need", "provision")


def _age(read: _Reader) -> AgeBand | None:
    value = read.table.get("age")
    if value is None:
        return None
    if value == "under_16":
        return "under_16"
    if value == "16_and_over":
        return "16_and_over"
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return value[0], value[1]
    read.problem(
        "age",
        f"must be one of {list(AGE_BANDS)} or [youngest, oldest] in whole years, not {value!r}",
    )
    return None


def _filter(read: _Reader) -> PlacementFilter:
    county = read.name("county", COUNTIES, required=False)
    return PlacementFilter(
        provision=read.names("provision", PROVISION_TYPES, required=False),
        need=read.names("need", PRIMARY_NEEDS, required=False),
        in_county=None if county is None else COUNTIES[county],
        age=_age(read),
        has=read.name("has", PLACEMENT_FIELDS, required=False),
    )


def _ehcp_count(read: _Reader) -> EhcpCount | None:
    read.only({"source", "item"}, EhcpCount.described)
    item = read.name("item", EHCP_ITEMS)
    return None if item is None else EhcpCount(item=item)


def _ehcp_sum(read: _Reader) -> EhcpSum | None:
    read.only({"source", "items", "less"}, EhcpSum.described)
    items = read.names("items", EHCP_ITEMS, required=False)
    less = read.names("less", EHCP_ITEMS, required=False)
    if "items" not in read.table and "less" not in read.table:
        read.problem("items", "is missing: a sum adds items, takes away items (less), or both")
    return EhcpSum(items=items or (), less=less or ())


def _ehcp_ratio(read: _Reader) -> EhcpRatio | None:
    read.only({"source", "numerator", "denominator"}, EhcpRatio.described)
    top = read.name("numerator", EHCP_ITEMS)
    bottom = read.name("denominator", EHCP_ITEMS)
    return None if top is None or bottom is None else EhcpRatio(numerator=top, denominator=bottom)


def _spend_sum(read: _Reader) -> SpendSum | None:
    read.only({"source", "columns"}, SpendSum.described)
    columns = read.names("columns", SPEND_COLUMNS)
    return None if columns is None else SpendSum(columns=columns)


def _savings_sum(read: _Reader) -> SavingsSum | None:
    read.only({"source", "cohorts"}, SavingsSum.described)
    cohorts = read.names("cohorts", SAVINGS_COHORTS)
    return None if cohorts is None else SavingsSum(cohorts=cohorts)


def _placement_count(read: _Reader) -> PlacementCount | None:
    read.only({"source", "distinct", "more_than", *FILTER_KEYS}, PlacementCount.described)
    distinct = read.name("distinct", DISTINCT_COLUMNS, required=False)
    more_than = read.whole_number("more_than")
    if more_than is not None and "distinct" not in read.table:
        read.problem("more_than", "counts the distinct values of a column: it needs distinct")
    return PlacementCount(where=_filter(read), distinct=distinct, more_than=more_than)


def _placement_average(read: _Reader) -> PlacementAverage | None:
    read.only({"source", "field", "flow", *FILTER_KEYS}, PlacementAverage.described)
    field = read.name("field", PLACEMENT_FIELDS)
    flow = read.name("flow", FLOWS, required=False) or "active"
    where = _filter(read)
    return None if field is None else PlacementAverage(where=where, field=field, flow=flow)


def _placement_ratio(read: _Reader) -> PlacementRatio | None:
    read.only({"source", "numerator", "denominator"}, PlacementRatio.described)
    filters = {}
    for key in ("numerator", "denominator"):
        inner = read.inner(key)
        if inner is not None:
            inner.only(FILTER_KEYS, "a placement filter")
            filters[key] = _filter(inner)
    if len(filters) < 2:
        return None
    return PlacementRatio(numerator=filters["numerator"], denominator=filters["denominator"])


def _measure_change(read: _Reader) -> MeasureChange | None:
    read.only({"source", "of", "against"}, MeasureChange.described)
    of = read.text("of")  # that it names a measure is checked with the whole catalogue
    against = read.name("against", CHANGE_BASES, required=False) or CHANGE_BASES[0]
    return None if of is None else MeasureChange(of=of, against=against)


# computation -> source -> its parser
PARSERS: dict[str, dict[str, Callable[[_Reader], Inputs | None]]] = {
    "count": {"ehcp": _ehcp_count, "placements": _placement_count},
    "sum": {"ehcp": _ehcp_sum, "savings": _savings_sum, "spend": _spend_sum},
    "ratio": {"ehcp": _ehcp_ratio, "placements": _placement_ratio},
    "average": {"placements": _placement_average},
    "change": {"measure": _measure_change},
}


def parse_inputs(
    table: object, *, computation: str, where: str, problems: list[str]
) -> Inputs | None:
    """The typed inputs of a measure computed from the returns, or None with every problem added
    to ``problems``, each naming the entry (``where``) and the field."""
    parsers = PARSERS[computation]
    if not isinstance(table, dict) or "source" not in table:
        problems.append(f"{where}: a {computation} measure needs inputs with a source")
        return None
    source = table["source"]
    if not isinstance(source, str) or source not in parsers:
        problems.append(
            f"{where}: inputs.source {source!r} is not one of {sorted(parsers)}, "
            f"the sources a {computation} reads"
        )
        return None
    before = len(problems)
    spec = parsers[source](_Reader(table, "inputs", where, problems))
    return spec if len(problems) == before else None
