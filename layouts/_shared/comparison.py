"""The comparison across councils, worked out from each council's snapshot: its latest
cumulative DSG balance against its plan for the same year, its status counts as its overview
counts them, and its published figure and quartile for each measure with a published
comparator, set side by side by the published figure (the comparator's basis), whatever each
council calls its measure. Pure: the page (layouts/compare.py) draws it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpis.catalogue import Measure
from kpis.comparators import KINDS
from kpis.council import Council
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from layouts._shared.statuses import JUDGED, STATUSES, count_statuses
from layouts._shared.viewer import Viewer


@dataclass(frozen=True)
class KeyMeasure:
    """A published figure some council's measure is compared on: the comparator's kind and
    what it is."""

    kind: str
    title: str


@dataclass(frozen=True)
class CouncilFigures:
    council: Council
    # The cumulative balance after contributions in the last year its outturn or forecast
    # covers, with the plan's figure for that year (None: no outturn or forecast yet).
    deficit: MeasureValue | None
    has_plan: bool
    statuses: dict[str, int]
    # By comparator kind: the council's measure on it (None: none of its measures is), and that
    # measure's headline figure, which carries the published figure and quartile (None: no
    # outturn yet).
    measures_on: dict[str, Measure | None]
    published: dict[str, MeasureValue | None]
    is_demo: bool

    @property
    def measures(self) -> int:
        return sum(self.statuses.values())


@dataclass(frozen=True)
class Comparison:
    councils: tuple[CouncilFigures, ...]
    key_measures: tuple[KeyMeasure, ...]
    # The statuses the counts show: green, amber and red always, the others where any council
    # has one, worst first.
    statuses: tuple[str, ...]

    @property
    def demo(self) -> tuple[Council, ...]:
        """The councils whose figures include demo data."""
        return tuple(c.council for c in self.councils if c.is_demo)


def _key_measures(entries: Sequence[tuple[Council, Snapshot]]) -> tuple[KeyMeasure, ...]:
    used = {
        measure.comparator
        for council, _snapshot in entries
        for measure in council.catalogue.measures
        if measure.comparator is not None
    }
    return tuple(KeyMeasure(kind, KINDS[kind].title) for kind in KINDS if kind in used)


def _measure_on(council: Council, kind: str) -> Measure | None:
    return next((m for m in council.catalogue.measures if m.comparator == kind), None)


def _figures(
    council: Council, snapshot: Snapshot, key: tuple[KeyMeasure, ...], viewer: Viewer
) -> CouncilFigures:
    view = snapshot.plan_view
    catalogue = council.catalogue
    measures_on = {k.kind: _measure_on(council, k.kind) for k in key}
    return CouncilFigures(
        council=council,
        deficit=view.latest if view is not None else None,
        has_plan=view is not None,
        statuses=count_statuses(viewer, snapshot, catalogue.measures),
        measures_on=measures_on,
        published={
            kind: snapshot.headline(measure.ref) if measure is not None else None
            for kind, measure in measures_on.items()
        },
        is_demo=snapshot.is_demo,
    )


def compare_councils(entries: Sequence[tuple[Council, Snapshot]], viewer: Viewer) -> Comparison:
    """Each council's figures, in the order given, as ``viewer`` is shown them."""
    key = _key_measures(entries)
    councils = tuple(_figures(c, s, key, viewer) for c, s in entries)
    statuses = tuple(s for s in STATUSES if s in JUDGED or any(c.statuses[s] for c in councils))
    return Comparison(councils=councils, key_measures=key, statuses=statuses)
