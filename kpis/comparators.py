"""The council's own published figure, England's and its statistical neighbours' average, all three
on the same basis (a rate or a share, never a count beside a national total), with the council's
quartile among every English council that reported.

Pure: ``read_public_data`` reads the SEN2 extracts shipped in data/public (every council, Open
Government Licence) and the DfE's statistical neighbours; ``compare`` takes that data, a kind and
the council's LA code (from the settings, passed in by the caller) and returns the comparator.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

PUBLIC_DIR = Path(__file__).resolve().parent.parent / "data" / "public"
NEIGHBOURS_FILE = "statistical-neighbours.csv"
MODEL = "2025"  # the DfE's statistical-neighbour model in use (published May 2025)
PROFILE_MODEL = "council profile"  # the neighbours the council's own profile names
ENGLAND = "England"  # the key of the National row in PublicData's tables
PER_1000 = "per 1,000 plans maintained"
SHARE = "%"  # a fraction, shown as a percentage


class ComparatorError(ValueError):
    """The council or the data cannot give a comparator; the message says what and where."""


@dataclass(frozen=True)
class PublicData:
    """Published figures by calendar year (or census) and LA code; ENGLAND for the National row.
    None where the file says x, c or z (not available, suppressed, not applicable)."""

    issued: dict[int, dict[str, int | None]]  # new plans issued in the calendar year
    ceased: dict[int, dict[str, int | None]]  # plans ceased in the calendar year
    plans: dict[int, dict[str, int | None]]  # plans maintained at the January census of the year
    neighbours: dict[str, tuple[str, ...]]  # LA code -> its ten neighbours' codes, closest first
    names: dict[str, str]  # LA code -> council name
    # each kind's figure for every council, worked out once (compare asks for all of them for
    # every council it compares); not carried over by dataclasses.replace, as its figures may not be
    worked_out: dict[str, dict[str, Decimal | None]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )


@dataclass(frozen=True)
class Kind:
    title: str  # a column heading: what the figure is, in a few words
    period: str
    basis: str
    unit: str
    note: str
    figure: Callable[[PublicData, str], Decimal | None]


@dataclass(frozen=True)
class Comparator:
    kind: Kind
    council: str
    council_value: Decimal | None
    england: Decimal | None
    neighbours: Decimal | None
    members: tuple[str, ...]  # the neighbours averaged: those that reported a figure
    missing: tuple[str, ...]  # the neighbours without one, left out of the average
    quartile: int | None  # 1 = the lowest quarter of all English councils reporting
    ranked: int  # how many English councils reported a figure
    better: str | None  # "lower" or "higher": which end of the ranking is better
    names: dict[str, str]
    # Whose neighbours: the DfE's statistical-neighbour model ("2025"), or the council's profile.
    model: str = MODEL

    def _common(self) -> dict[str, object]:
        return {"period": self.kind.period, "basis": self.kind.basis, "unit": self.kind.unit}

    def england_record(self) -> dict[str, object]:
        return {**self._common(), "value": _number(self.england)}

    def neighbours_record(self) -> dict[str, object]:
        return {
            **self._common(),
            "value": _number(self.neighbours),
            "model": self.model,
            "members": list(self.members),
            "member_names": [self.names.get(code, code) for code in self.members],
            "reported": len(self.members),
            "of": len(self.members) + len(self.missing),
            "missing": list(self.missing),
            "missing_names": [self.names.get(code, code) for code in self.missing],
        }

    def council_record(self) -> dict[str, object]:
        return {
            **self._common(),
            "la_code": self.council,
            "name": self.names.get(self.council, self.council),
            "value": _number(self.council_value),
            "note": self.kind.note,
        }

    def quartile_record(self) -> dict[str, object]:
        return {
            "period": self.kind.period,
            "value": self.quartile,
            "of": self.ranked,
            "better": self.better,
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ---- reading the files --------------------------------------------------------------------------


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _count(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _table(rows: list[dict[str, str]], column: str) -> dict[int, dict[str, int | None]]:
    """year -> code -> figure; an academic year '202425' is the January 2025 census."""
    table: dict[int, dict[str, int | None]] = {}
    for row in rows:
        level = row["geographic_level"]
        if level not in ("National", "Local authority"):
            continue
        period = row["time_period"]
        year = int(period[:4]) + 1 if len(period) == 6 else int(period)
        code = ENGLAND if level == "National" else row["new_la_code"]
        table.setdefault(year, {})[code] = _count(row[column])
    return table


def _neighbours(rows: list[dict[str, str]]) -> dict[str, tuple[str, ...]]:
    ranked = sorted(
        (r for r in rows if r["model"] == MODEL and r["new_la_code"]), key=lambda r: int(r["rank"])
    )
    found: dict[str, list[str]] = {}
    for row in ranked:
        found.setdefault(row["new_la_code"], []).append(row["neighbour_new_la_code"])
    return {code: tuple(codes) for code, codes in found.items()}


def read_public_data(directory: Path = PUBLIC_DIR) -> PublicData:
    neighbour_rows = _rows(directory, NEIGHBOURS_FILE)
    names = {r["neighbour_new_la_code"]: r["neighbour_name"] for r in neighbour_rows}
    names.update({r["new_la_code"]: r["la_name"] for r in neighbour_rows if r["new_la_code"]})
    return PublicData(
        issued=_table(_rows(directory, "sen2-assessments.csv"), "assess_issued"),
        ceased=_table(_rows(directory, "sen2-ceased-plans.csv"), "total_ceased"),
        plans=_table(_rows(directory, "sen2-caseload-by-primary-need.csv"), "ehc_plans"),
        neighbours=_neighbours(neighbour_rows),
        names=names,
    )


@cache
def public_data() -> PublicData:
    """The files shipped in data/public, read once per process."""
    return read_public_data()


# ---- the kinds: each one figure per council, on one basis ---------------------------------------

# SEN2 publishes plans maintained at one census only (January 2025), so each rate sets the flows of
# the calendar year before it (2024) against that census.
CENSUS_YEAR = 2025
FLOW_YEAR = CENSUS_YEAR - 1
PERIOD = f"calendar year {FLOW_YEAR}; plans maintained at January {CENSUS_YEAR}"


def _ratio(numerator: int | None, denominator: int | None, scale: int) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * scale / Decimal(denominator)


def _net(data: PublicData, code: str) -> int | None:
    issued = data.issued.get(FLOW_YEAR, {}).get(code)
    ceased = data.ceased.get(FLOW_YEAR, {}).get(code)
    return None if issued is None or ceased is None else issued - ceased


def _plans(data: PublicData, code: str) -> int | None:
    return data.plans.get(CENSUS_YEAR, {}).get(code)


MOVERS = (
    "SEN2 counts plans transferred to another council as ceased but has no count of plans "
    "transferred in, so its net flow leaves out movers in, which the council's figure includes"
)

KINDS: dict[str, Kind] = {
    "new_plans_rate": Kind(
        title="New EHC plans per 1,000 plans",
        period=PERIOD,
        basis=f"new EHC plans issued in {FLOW_YEAR} per 1,000 plans maintained at January "
        f"{CENSUS_YEAR}",
        unit=PER_1000,
        note="a rate, so councils of every size compare; the council's own count of new plans "
        "is shown above it",
        figure=lambda d, c: _ratio(d.issued.get(FLOW_YEAR, {}).get(c), _plans(d, c), 1000),
    ),
    "net_plans_rate": Kind(
        title="Net growth in EHC plans per 1,000 plans",
        period=PERIOD,
        basis=f"EHC plans issued less plans ceased in {FLOW_YEAR}, per 1,000 plans maintained "
        f"at January {CENSUS_YEAR}",
        unit=PER_1000,
        note=MOVERS,
        figure=lambda d, c: _ratio(_net(d, c), _plans(d, c), 1000),
    ),
    "net_plans_share": Kind(
        title="Net growth in EHC plans as a share",
        period=PERIOD,
        basis=f"EHC plans issued less plans ceased in {FLOW_YEAR}, as a share of plans "
        f"maintained at January {CENSUS_YEAR}",
        unit=SHARE,
        note="the nearest published figure to a year's % change in plans: SEN2 publishes plans "
        f"maintained for January {CENSUS_YEAR} only, so the change is the year's net flow; "
        + MOVERS,
        figure=lambda d, c: _ratio(_net(d, c), _plans(d, c), 1),
    ),
}


# ---- the comparison -----------------------------------------------------------------------------


def quartile(value: Decimal, others: list[Decimal]) -> int:
    """1 to 4: the quarter of ``others`` (every council reporting, the council included) the value
    falls in, counting the councils below it: 1 + floor(4 x below / count), at most 4."""
    below = sum(1 for other in others if other < value)
    return min(4, 1 + 4 * below // len(others))


def check_council(code: str, data: PublicData | None = None) -> str:
    """The code itself, or ComparatorError if the DfE's model gives it no neighbours."""
    data = data or public_data()
    if code not in data.neighbours:
        raise ComparatorError(
            f"LA code {code!r} has no statistical neighbours in the DfE's {MODEL} model "
            f"(data/public/{NEIGHBOURS_FILE}): expected a council's new-style code such as "
            "those in its new_la_code column"
        )
    return code


def _every_figure(kind: str, data: PublicData) -> dict[str, Decimal | None]:
    """The kind's figure for every council with plans at the census, and England's."""
    held = data.worked_out.get(kind)
    if held is None:
        figure = KINDS[kind].figure
        held = {code: figure(data, code) for code in data.plans.get(CENSUS_YEAR, {})}
        data.worked_out[kind] = held
    return held


def compare(
    kind: str,
    council: str,
    direction: str | None,
    data: PublicData,
    *,
    neighbours: tuple[str, ...] | None = None,
) -> Comparator:
    """The council's figure, England's and the neighbours' average on the basis ``kind`` names.
    ``neighbours`` are the councils its profile compares it with; by default the DfE's
    statistical neighbours. The council itself is never among them."""
    if kind not in KINDS:
        raise ComparatorError(f"comparator {kind!r} is not one of {sorted(KINDS)}")
    model = MODEL if neighbours is None else PROFILE_MODEL
    if neighbours is None:
        check_council(council, data)
        neighbours = data.neighbours[council]
    neighbours = tuple(code for code in neighbours if code != council)
    found = KINDS[kind]
    every_figure = _every_figure(kind, data)

    def figure(code: str) -> Decimal | None:
        return every_figure[code] if code in every_figure else found.figure(data, code)

    figures = {code: figure(code) for code in neighbours}
    known = {code: figure for code, figure in figures.items() if figure is not None}
    members = tuple(code for code in neighbours if code in known)
    every = [v for c, v in every_figure.items() if c != ENGLAND and v is not None]
    own = figure(council)
    return Comparator(
        model=model,
        kind=found,
        council=council,
        council_value=own,
        england=figure(ENGLAND),
        neighbours=sum((known[c] for c in members), Decimal(0)) / len(members) if members else None,
        members=members,
        missing=tuple(code for code in neighbours if figures[code] is None),
        quartile=quartile(own, every) if own is not None and every else None,
        ranked=len(every),
        better={"lower_is_better": "lower", "higher_is_better": "higher"}.get(direction or ""),
        names=data.names,
    )
