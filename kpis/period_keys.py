"""Answers about periods worked out once per process. Working out a council's measures asks the
same few dozen terms and years the same questions thousands of times (which financial year a term
is in, which term came before it, where it sorts); for every council in the country, working
them out again each time was a third of the work. The texts themselves are read once in
domain/periods.py; here each answer is kept. Periods come from stored submissions and catalogues,
so there are few of them; the caches are bounded all the same."""

from __future__ import annotations

from functools import lru_cache

from domain.periods import (
    Term,
    financial_year_start,
    financial_years,
    parse_term,
    period_sort_key,
)
from kpis.catalogue import Measure
from kpis.timeline import comparable_period, previous_term

HELD = 4096  # periods kept per question


def term(period: str) -> Term:
    return parse_term(period)  # read once there


@lru_cache(maxsize=HELD)
def financial_year(period: str) -> str:
    """The financial year a term falls in."""
    return parse_term(period).financial_year


@lru_cache(maxsize=HELD)
def sort_key(period: str) -> tuple[int, int, int]:
    """domain.periods.period_sort_key."""
    return period_sort_key(period)


@lru_cache(maxsize=HELD)
def year_start(year: str) -> int:
    """domain.periods.financial_year_start."""
    return financial_year_start(year)


@lru_cache(maxsize=HELD)
def years(first: str, last: str) -> tuple[str, ...]:
    """domain.periods.financial_years."""
    return financial_years(first, last)


@lru_cache(maxsize=HELD)
def previous(period: str) -> str:
    """The term before a term."""
    return previous_term(period)


# kpis.timeline.comparable_period reads only a measure's grain and whether it is a flow, so the
# period is worked out once for every measure alike
_comparables: dict[tuple[str | None, bool, str], str] = {}


def comparable(measure: Measure, period: str) -> str:
    """kpis.timeline.comparable_period."""
    key = (measure.grain, measure.is_flow, period)
    found = _comparables.get(key)
    if found is None:
        found = comparable_period(measure, period)
        if len(_comparables) < HELD:
            _comparables[key] = found
    return found
