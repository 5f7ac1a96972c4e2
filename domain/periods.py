"""Financial years (April to March, written ``2023-24``) and school terms."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar

_YEAR = re.compile(r"^\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*$")
_TERM = re.compile(r"^\s*(autumn|spring|summer)(?:\s+term)?\s+(\d{4})\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """Text that is not a financial year or a school term."""


# A council's measures ask the same few dozen periods the same questions many thousand times (for
# every council, most of a second): each text is read once. Bounded in number and in length, as
# uploads and addresses name periods too: a longer text is read each time it is asked about.
PERIODS_HELD = 4096
HELD_CHARS = 32

P = ParamSpec("P")
R = TypeVar("R")


def read_once(read: Callable[P, R]) -> Callable[P, R]:
    """``read``, its answer kept for each short text it is given first."""
    kept = lru_cache(maxsize=PERIODS_HELD)(read)

    @wraps(read)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        text = args[0] if args else None
        if isinstance(text, str) and len(text) <= HELD_CHARS and not kwargs:
            return kept(*args)
        return read(*args, **kwargs)

    reading.cache_info = kept.cache_info  # type: ignore[attr-defined]
    return reading


@read_once
def parse_financial_year(text: str) -> str:
    """Return ``text`` as a financial year ``YYYY-YY``; ``2022/23`` and ``2022-2023`` are accepted."""
    match = _YEAR.match(text)
    if not match:
        raise PeriodError(f"{text!r} is not a financial year such as 2023-24")
    start, end = int(match.group(1)), match.group(2)
    follows = int(end) == start + 1 if len(end) == 4 else int(end) == (start + 1) % 100
    if not follows:
        raise PeriodError(
            f"{text!r} is not a financial year: the second year must follow the first "
            f"({start}-{(start + 1) % 100:02d})"
        )
    return financial_year_of(start)


def financial_year_start(year: str) -> int:
    """The calendar year in which ``year`` begins (``2023-24`` -> 2023)."""
    return int(parse_financial_year(year)[:4])


def financial_year_of(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def financial_years(first: str, last: str) -> tuple[str, ...]:
    """Every financial year from ``first`` to ``last`` inclusive."""
    start, end = financial_year_start(first), financial_year_start(last)
    if end < start:
        raise PeriodError(f"{last} comes before {first}")
    return tuple(financial_year_of(y) for y in range(start, end + 1))


@dataclass(frozen=True, order=True)
class Term:
    """A school term: Autumn (Sep-Dec), Spring (Jan-Mar/Apr) or Summer (Apr/May-Jul)."""

    year: int
    season: str  # "Autumn", "Spring" or "Summer"

    def __str__(self) -> str:
        return f"{self.season} {self.year}"

    @property
    def start(self) -> date:
        """First day: Autumn 1 September, Spring 1 January, Summer 1 April."""
        return date(self.year, {"Autumn": 9, "Spring": 1, "Summer": 4}[self.season], 1)

    @property
    def end(self) -> date:
        """Last day: the terms, with their holidays, cover the year without gaps."""
        return {
            "Autumn": date(self.year, 12, 31),
            "Spring": date(self.year, 3, 31),
            "Summer": date(self.year, 8, 31),
        }[self.season]

    @property
    def financial_year(self) -> str:
        """The financial year the term falls in; the Summer term starts after 1 April."""
        start = self.year if self.season in {"Autumn", "Summer"} else self.year - 1
        return financial_year_of(start)


@read_once
def parse_term(text: str) -> Term:
    """Read ``Autumn 2024``, ``spring term 2025`` and the like."""
    match = _TERM.match(text)
    if not match:
        raise PeriodError(f"{text!r} is not a school term such as 'Autumn 2024'")
    return Term(year=int(match.group(2)), season=match.group(1).capitalize())


_SEASON_ORDER = {"Spring": 0, "Summer": 1, "Autumn": 2}


def period_sort_key(period: str) -> tuple[int, int, int]:
    """Order submission periods in time: a plan alone first, then terms by date."""
    if period == "plan":
        return (0, 0, 0)
    term = parse_term(period)
    return (1, term.year, _SEASON_ORDER[term.season])


def term_of(day: date) -> Term:
    """The term a day falls in."""
    if day.month >= 9:
        return Term(day.year, "Autumn")
    return Term(day.year, "Spring" if day.month <= 3 else "Summer")


def next_term(term: Term) -> Term:
    return term_of(date.fromordinal(term.end.toordinal() + 1))


def terms_between(first: Term, last: Term) -> list[Term]:
    """Every term from ``first`` to ``last`` inclusive, in order."""
    terms, term = [], first
    while term.start <= last.start:
        terms.append(term)
        term = next_term(term)
    return terms


def latest_complete_term(today: date) -> Term:
    """The most recent term that has ended by ``today``."""
    return term_of(date.fromordinal(term_of(today).start.toordinal() - 1))
