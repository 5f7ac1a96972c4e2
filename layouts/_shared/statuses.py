"""How many of a council's measures are green, amber, red, and so on: counted once, as the
overview shows them and the comparison across councils sets them side by side."""

from __future__ import annotations

from kpis.catalogue import Measure
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from kpis.wording import status_key
from layouts._shared.viewer import WITHHELD_STATUS, Viewer, status_for

# Worst first. The public view shows a figure resting on a small count as [c], and its status
# as withheld.
STATUSES = (
    "red",
    "amber",
    "green",
    "part_year",
    "no_target",
    "not_judged",
    "no_figure",
    WITHHELD_STATUS,
)
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
JUDGED = ("red", "amber", "green")
COUNT_WORDS = {
    "green": "on track",
    "amber": "at risk",
    "red": "off track",
    "no_target": "with no target set",
    "not_judged": "not judged (no better or worse direction)",
    "no_figure": "with no figure loaded",
    "part_year": "not judged yet: a yearly target needs twelve months of terms",
    WITHHELD_STATUS: "withheld, as each rests on a small count",
}


def measure_status(viewer: Viewer, snapshot: Snapshot, measure: Measure) -> str:
    """The status of the figure a measure is reported on, as ``viewer`` is shown it."""
    value: MeasureValue | None = snapshot.latest(measure.ref)
    return status_for(viewer, value, status_key(value, measure))


def count_statuses(
    viewer: Viewer, snapshot: Snapshot, measures: tuple[Measure, ...]
) -> dict[str, int]:
    """How many of ``measures`` have each status, every status counted (0 where none has it)."""
    counts = dict.fromkeys(STATUSES, 0)
    for measure in measures:
        counts[measure_status(viewer, snapshot, measure)] += 1
    return counts


def shown_statuses(counts: dict[str, int]) -> list[str]:
    """The statuses a count shows: green, amber and red always, the others where any has it."""
    return [s for s in STATUSES if s in JUDGED or counts[s]]
