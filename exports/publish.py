"""What a published output shows of a measure in a period: its figures, with small counts and
the rates and averages built on them withheld."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.periods import parse_term
from exports.symbols import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED
from kpis.catalogue import Measure
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from kpis.wording import difference_phrase, show_value


def period_key(measure: Measure, term: str) -> str:
    """The period a measure reports for a term: the term, or the financial year it falls in."""
    return parse_term(term).financial_year if measure.grain == "financial_year" else term


def value_at(snapshot: Snapshot, measure: Measure, term: str) -> MeasureValue | None:
    key = period_key(measure, term)
    return next((v for v in snapshot.series(measure.ref) if v.period == key), None)


def series_to(snapshot: Snapshot, measure: Measure, term: str) -> list[MeasureValue]:
    """The measure's periods up to the one ``term`` reports, to chart a pack for that term."""
    series = list(snapshot.series(measure.ref))
    key = period_key(measure, term)
    periods = [v.period for v in series]
    if key in periods and measure.category != "DSG":
        series = series[: periods.index(key) + 1]
    return series


def withheld(value: MeasureValue | None, threshold: int) -> bool:
    """A count of 1 to ``threshold``, or a rate or average resting on one."""
    if value is None or value.value is None or value.basis == "plan":
        return False
    if value.measure.unit in (None, "count") and 1 <= value.value <= threshold:
        return True
    base = value.extra.get("base")
    return base is not None and 1 <= base <= threshold


def without_withheld(series: list[MeasureValue], threshold: int) -> list[MeasureValue]:
    """A chart of a published series must not plot what its table withholds; and a projection
    fitted through a withheld figure would give it away, so none is shown then. A projection
    fitted on other periods only (a trend of Spring terms beside a withheld Summer) gives nothing
    away and stays; one that does not say what it was fitted on goes."""
    hidden = [withheld(v, threshold) for v in series]
    periods = {v.period for v, h in zip(series, hidden, strict=True) if h}
    return [
        replace(v, value=None, variance=None, projection=None)
        if h
        else replace(v, projection=None)
        if v.projection is not None and _fitted_through(v.projection, periods)
        else v
        for v, h in zip(series, hidden, strict=True)
    ]


def _fitted_through(projection: dict, periods: set[str]) -> bool:
    fitted = projection.get("fitted")
    return bool(periods) and (fitted is None or not periods.isdisjoint(fitted))


def shown(value: MeasureValue | None, threshold: int) -> str:
    if value is None or value.value is None or value.basis == "plan":
        return NOT_AVAILABLE
    if withheld(value, threshold):
        return SUPPRESSED
    return show_value(value.value, value.measure)


def shown_plan(value: MeasureValue | None) -> str:
    if value is None or value.plan_value is None:
        return NOT_APPLICABLE
    return show_value(value.plan_value, value.measure)


def shown_variance(value: MeasureValue | None, threshold: int) -> str:
    if value is None or value.variance is None:
        return NOT_APPLICABLE if value is None or value.plan_value is None else NOT_AVAILABLE
    if withheld(value, threshold):
        return SUPPRESSED
    return difference_phrase(value)


def baseline(snapshot: Snapshot, measure: Measure) -> tuple[Decimal | None, str]:
    """The baseline from the Targets sheet (typed as shown: a % as 4.7), or the first figure."""
    if measure.ref in snapshot.baselines:
        value, period = snapshot.baselines[measure.ref]
        return (value / 100 if measure.unit == "%" else value), period or ""
    first = next(
        (v for v in snapshot.series(measure.ref) if v.basis != "plan" and v.value is not None),
        None,
    )
    return (first.value, first.period) if first else (None, "")
