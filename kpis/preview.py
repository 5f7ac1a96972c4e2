"""What storing an uploaded workbook would change: each measure figure now and after, with its
status, and the measures still waiting for more data. Plain rows; the upload page lays them out."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.periods import financial_year_start, parse_term, period_sort_key
from kpis.catalogue import Measure
from kpis.measures import MeasureValue, source_family
from kpis.wording import status_key


@dataclass(frozen=True)
class Change:
    """A measure figure that storing the file changes. ``now`` is today's figure for the period,
    or, for a period with no figure yet (a new term), the latest earlier one; None if neither.
    Each keeps its own period and basis, so the page never shows a number without them."""

    now: MeasureValue | None
    after: MeasureValue

    @property
    def measure(self) -> Measure:
        return self.after.measure

    @property
    def period(self) -> str:
        return self.after.period

    @property
    def status_now(self) -> str:
        """The status as pages word it: green, amber, red, or why there is none."""
        if self.now is not None and self.now.basis == "plan":
            return status_key(None, self.measure)  # a plan alone is no figure to judge
        return status_key(self.now, self.measure)

    @property
    def status_after(self) -> str:
        return status_key(self.after, self.measure)

    @property
    def status_changes(self) -> bool:
        return self.status_now != self.status_after


@dataclass(frozen=True)
class Waiting:
    """A measure the file feeds whose figure for the file's period is still not available."""

    ref: int
    label: str
    period: str
    reason: str


@dataclass(frozen=True)
class Preview:
    changes: tuple[Change, ...]
    waiting: tuple[Waiting, ...]


def preview_upload(
    before: Sequence[MeasureValue],
    after: Sequence[MeasureValue],
    *,
    family: str,
    period: str,
    loaded: Collection[tuple[str, str]],
    titles: Mapping[str, str],
) -> Preview:
    """Compare every measure without and with the file (a ``family`` return for ``period``).

    ``loaded`` holds the (family, period) of every current submission once the file is stored;
    ``titles`` names each family's workbook ("EHCP return") for the reasons."""
    return Preview(
        changes=_changes(before, after),
        waiting=_waiting(after, family=family, period=period, loaded=loaded, titles=titles),
    )


def _shown(value: MeasureValue) -> Decimal | None:
    """The figure judged against plan: a plan-only year has no figure of its own."""
    return value.value if value.basis != "plan" else None


def _order(measure: Measure, period: str) -> tuple[int, ...]:
    if measure.grain == "financial_year":
        return (financial_year_start(period),)
    return period_sort_key(period)


def _now(old: MeasureValue | None, earlier: Sequence[MeasureValue]) -> MeasureValue | None:
    if old is not None and old.value is not None:
        return old  # today's figure, or the plan where a year has only a plan
    shown = [v for v in earlier if _shown(v) is not None]
    return shown[-1] if shown else None


def _changes(before: Sequence[MeasureValue], after: Sequence[MeasureValue]) -> tuple[Change, ...]:
    old_by_key = {(v.measure.ref, v.period): v for v in before}
    by_ref: dict[int, list[MeasureValue]] = {}
    for value in before:
        by_ref.setdefault(value.measure.ref, []).append(value)
    changes = []
    for new in after:
        m = new.measure
        old = old_by_key.get((m.ref, new.period))
        if old is not None and _shown(old) == _shown(new) and old.status == new.status:
            continue
        if old is None and _shown(new) is None:
            continue  # a new period with nothing in it yet changes nothing shown
        place = _order(m, new.period)
        earlier = [v for v in by_ref.get(m.ref, []) if _order(m, v.period) < place]
        changes.append(Change(now=_now(old, earlier), after=new))
    return tuple(changes)  # in catalogue order, each measure's periods in time order


def _measure_period(measure: Measure, period: str) -> str:
    return parse_term(period).financial_year if measure.grain == "financial_year" else period


def _waiting(
    after: Sequence[MeasureValue],
    *,
    family: str,
    period: str,
    loaded: Collection[tuple[str, str]],
    titles: Mapping[str, str],
) -> tuple[Waiting, ...]:
    if period == "plan":
        return ()  # a plan alone is for no term; every year shows its plan
    by_key = {(v.measure.ref, v.period): v for v in after}
    by_id = {v.measure.id: v.measure for v in after}
    seen, waiting = set(), []
    for value in after:
        m = value.measure
        if m.ref in seen or source_family(m) != family:
            continue
        seen.add(m.ref)
        wanted = _measure_period(m, period)
        found = by_key.get((m.ref, wanted))
        if found is None or found.value is None:
            reason = _reason(m, wanted, family=family, loaded=loaded, titles=titles, by_id=by_id)
            waiting.append(Waiting(m.ref, m.label, wanted, reason))
    return tuple(waiting)


def _terms_of_year(year: str) -> list[str]:
    start = financial_year_start(year)
    return [f"Summer {start}", f"Autumn {start}", f"Spring {start + 1}"]


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _reason(
    measure: Measure,
    period: str,
    *,
    family: str,
    loaded: Collection[tuple[str, str]],
    titles: Mapping[str, str],
    by_id: Mapping[str, Measure],
) -> str:
    """Why a figure is not available, in plain words, from the catalogue's definition."""
    title = titles.get(family, family)
    if measure.computation == "derived":
        year = period if measure.grain == "financial_year" else parse_term(period).financial_year
        return f"needs a forecast for {year} in the {title}"
    if measure.grain == "financial_year":
        missing = [t for t in _terms_of_year(period) if (family, t) not in loaded]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            return (
                f"needs all three terms of {period}: the {title} for {_listed(missing)} "
                f"{verb} not loaded yet"
            )
        return f"needs a figure that is blank in one of the three terms of {period}"
    if measure.computation == "change":
        term = parse_term(period)
        earlier = f"{term.season} {term.year - 1}"
        if (family, earlier) not in loaded:
            return f"needs the {title} for {earlier}"
        base = by_id.get(str(measure.inputs.get("of")))
        return f"needs {base.label if base else 'its base figure'} for {earlier}, not available"
    if measure.computation == "average":
        return f"no placement in the list for {period} is counted in it"
    if measure.computation == "ratio" and measure.denominator:
        return (
            f"needs {measure.numerator} and {measure.denominator}: one is blank, "
            "or the second is nil, in this file"
        )
    return f"needs {measure.numerator}, which is blank in this file"
