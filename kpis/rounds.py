"""The DfE tri-annual reporting rounds: returns are due on 16 June, 15 September and
15 December, each reporting the figures of the term just ended (Spring, Summer, Autumn)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.periods import Term

# (month, day the return is due, the term it reports)
DUE = ((6, 16, "Spring"), (9, 15, "Summer"), (12, 15, "Autumn"))
MONTHS = {6: "June", 9: "September", 12: "December"}


# Safety valve agreements began in 2021; a year far outside these is a typing slip.
FIRST, LAST = 2020, 2100


class RoundError(ValueError):
    pass


@dataclass(frozen=True)
class Round:
    due: date
    term: Term

    @property
    def name(self) -> str:
        return f"{MONTHS[self.due.month]} {self.due.year}"

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")


def rounds_in(year: int) -> list[Round]:
    return [Round(date(year, month, day), Term(year, season)) for month, day, season in DUE]


def latest_round(today: date) -> Round:
    """The most recent round whose return was due on or before ``today``."""
    candidates = rounds_in(today.year - 1) + rounds_in(today.year)
    return [r for r in candidates if r.due <= today][-1]


def parse_round(text: str) -> Round:
    """'December 2026' or 'december-2026'."""
    words = text.replace("-", " ").split()
    if (
        len(words) == 2
        and words[1].isascii()
        and words[1].isdigit()
        and FIRST <= int(words[1]) <= LAST
    ):
        month = words[0].capitalize()
        for candidate in rounds_in(int(words[1])):
            if MONTHS[candidate.due.month] == month:
                return candidate
    raise RoundError(
        f"{text!r} is not a reporting round: write the month and year of a return, such as "
        "'June 2026', 'September 2026' or 'December 2026'"
    )


def recent_rounds(today: date, count: int = 6) -> list[Round]:
    """The latest round and those before it, newest first."""
    candidates = rounds_in(today.year - 2) + rounds_in(today.year - 1) + rounds_in(today.year)
    passed = [r for r in candidates if r.due <= today]
    return list(reversed(passed[-count:]))


def rounds_to_offer(today: date) -> list[Round]:
    """The next round due, then the latest and those before it, newest first."""
    upcoming = [r for r in rounds_in(today.year) + rounds_in(today.year + 1) if r.due > today]
    return upcoming[:1] + recent_rounds(today)
