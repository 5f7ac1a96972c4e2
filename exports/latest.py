"""The figure every output leads a measure with, the same one the dashboard leads with: the
latest outturn, or the latest forecast when a measure has only forecasts (``Snapshot.latest``),
with the latest forecast beside it; worded as the dashboard words it; and, when there is none,
the reason in words rather than a blank."""

from __future__ import annotations

from domain.periods import period_sort_key
from exports.publish import period_key, withheld
from exports.symbols import SUPPRESSED
from kpis.catalogue import Measure
from kpis.formats import NOT_AVAILABLE
from kpis.measures import MeasureValue, forecast_of, reported_of, source_family
from kpis.snapshot import Snapshot
from kpis.wording import show_value

RETURN_NAMES = {"dsg": "DSG workbook", "ehcp": "EHCP return", "hnb": "High Needs Block return"}


def latest_as_at(
    snapshot: Snapshot, measure: Measure, term: str | None = None
) -> tuple[MeasureValue | None, MeasureValue | None]:
    """(the figure the measure is reported on, the latest forecast): for the latest term loaded
    exactly ``snapshot.latest`` and ``snapshot.forecast``; for an earlier term the same rule
    applied to the figures up to that term, so an old pack shows what was latest then."""
    if term is None or term == snapshot.latest_term():
        return snapshot.latest(measure.ref), snapshot.forecast(measure.ref)
    key = period_key(measure, term)
    if measure.grain == "financial_year":
        series = [v for v in snapshot.series(measure.ref) if v.period <= key]
    else:
        limit = period_sort_key(key)
        series = [v for v in snapshot.series(measure.ref) if period_sort_key(v.period) <= limit]
    return reported_of(series), forecast_of(series)


def worded(value: MeasureValue | None, threshold: int) -> str:
    """The figure as the dashboard words it ('£2.701m deficit'), or [c] when it is withheld."""
    if value is None or value.value is None:
        return NOT_AVAILABLE
    if withheld(value, threshold):
        return SUPPRESSED
    return show_value(value.value, value.measure)


def why_not_available(snapshot: Snapshot, measure: Measure) -> str:
    """Why a measure has no figure: no return of its kind loaded, only its plan, or returns that
    do not hold what it is worked out from."""
    family = source_family(measure)
    loaded = {s.family for s in snapshot.submissions if s.status != "superseded"}
    if family not in loaded:
        return f"not available: no {RETURN_NAMES.get(family, family)} loaded"
    series = snapshot.series(measure.ref)
    if series and all(v.basis == "plan" for v in series):
        return "not available: no outturn or forecast loaded, only the plan"
    return (
        f"not available: the {RETURN_NAMES.get(family, family)}s loaded do not hold the "
        "figures it is worked out from"
    )
