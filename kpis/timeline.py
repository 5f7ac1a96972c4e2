"""Periods on a real time axis, which period a figure is compared with, and trend lines fitted on
comparable periods only.

Terms differ in length (Spring about three months, Autumn four, Summer five), so a flow counted
over a term (spending, requests, exclusions) is compared with the same term a year earlier and its
trend is fitted on that one season's terms; a snapshot (a level on a day) is compared with the
previous term. A financial-year figure is compared with the year before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from domain.periods import (
    Term,
    financial_year_of,
    financial_year_start,
    parse_term,
    read_once,
)
from kpis.catalogue import Measure

TREND_PERIODS = 6
MIN_POINTS = 3


@read_once
def period_date(period: str, grain: str | None) -> date:
    """Where a period sits on a time axis: the last day of the term or financial year, the day a
    snapshot is taken and the day a flow has been counted to."""
    if grain == "financial_year":
        return date(financial_year_start(period) + 1, 3, 31)
    return parse_term(period).end


def comparable_period(measure: Measure, period: str) -> str:
    """The period a figure is compared with: the same term a year earlier for a termly flow, the
    previous term for a termly snapshot, the previous year for a yearly figure."""
    if measure.grain == "financial_year":
        return financial_year_of(financial_year_start(period) - 1)
    term = parse_term(period)
    if measure.is_flow:
        return str(Term(term.year - 1, term.season))
    return previous_term(period)


def next_period(measure: Measure, period: str) -> str:
    """The next period a trend of the measure passes: the next year, the same term a year on for
    a flow, the next term for a snapshot."""
    if measure.grain == "financial_year":
        return financial_year_of(financial_year_start(period) + 1)
    term = parse_term(period)
    if measure.is_flow:
        return str(Term(term.year + 1, term.season))
    season, shift = {"Autumn": ("Spring", 1), "Spring": ("Summer", 0), "Summer": ("Autumn", 0)}[
        term.season
    ]
    return str(Term(term.year + shift, season))


def cannot_be_negative(measure: Measure) -> bool:
    """A count, a share, a ratio, an average or a total of things that are never negative; not a
    balance, a percentage change, or a net flow (a total less another)."""
    if measure.sign is not None:
        return False
    if measure.computation in ("count", "ratio", "average"):
        return True
    return measure.computation == "sum" and not measure.inputs.get("less")


def previous_term(period: str) -> str:
    term = parse_term(period)
    season, shift = {"Spring": ("Autumn", -1), "Summer": ("Spring", 0), "Autumn": ("Summer", 0)}[
        term.season
    ]
    return str(Term(term.year + shift, season))


def last_period_of_plan(measure: Measure, latest: str, last_year: str) -> str:
    """The period a trend is carried to: the plan's last year, or its last term; for a flow, the
    term of the plan's last year in the same season as the latest figure."""
    if measure.grain == "financial_year":
        return last_year
    start = financial_year_start(last_year)
    season = parse_term(latest).season if measure.is_flow else "Spring"
    return str(Term(start + 1 if season == "Spring" else start, season))


@dataclass(frozen=True)
class Trend:
    """A straight line through comparable periods, carried on to the end of the plan."""

    fitted: tuple[str, ...]  # the periods the line was fitted on, oldest first
    to_period: str
    value: float  # at to_period, in the measure's unit
    start_value: float  # on the line at the last fitted period
    first_value: float  # on the line at the first fitted period
    series: str  # which periods were fitted, in words
    # the day the line reaches zero, for a measure that cannot fall below it: the line stops
    # there, and to_period is the first period on or after it
    zero_on: date | None = None

    def as_record(self, measure: Measure) -> dict[str, object]:
        fitted = f"{self.series} ({', '.join(self.fitted)}) on a time axis"
        record: dict[str, object] = {
            "period": self.to_period,
            "value": round(self.value, 6),
            "basis": "trend",
            "from_period": self.fitted[-1],
            "from_value": round(self.start_value, 6),
            "first_value": round(self.first_value, 6),
            "fitted": list(self.fitted),
            "date": period_date(self.to_period, measure.grain).isoformat(),
            "method": "trend, not a forecast: a straight line fitted by least squares to "
            f"{fitted}, carried on to {self.to_period}",
        }
        if self.zero_on is not None:
            record["zero_date"] = self.zero_on.isoformat()
            record["method"] = (
                f"trend, not a forecast: a straight line fitted by least squares to {fitted}; "
                f"it reaches zero by {self.to_period} and is carried no further, as this "
                "measure cannot fall below zero"
            )
        return record


def series_words(measure: Measure, periods: Sequence[str]) -> str:
    if measure.grain == "financial_year":
        return f"the last {len(periods)} financial years"
    if measure.is_flow:
        return f"the last {len(periods)} {parse_term(periods[-1]).season} terms"
    return f"the last {len(periods)} terms"


def comparable_points(
    measure: Measure, values: Sequence[tuple[str, Decimal | None]]
) -> list[tuple[str, Decimal]]:
    """The figures a trend may be fitted on: for a flow, only the latest figure's season."""
    known = [(p, v) for p, v in values if v is not None]
    if not known:
        return []
    if measure.is_flow:
        season = parse_term(known[-1][0]).season
        known = [(p, v) for p, v in known if parse_term(p).season == season]
    return known[-TREND_PERIODS:]


def fit_trend(
    measure: Measure, values: Sequence[tuple[str, Decimal | None]], *, last_year: str
) -> Trend | None:
    """None with fewer than three comparable figures, or when the plan has already ended."""
    points = comparable_points(measure, values)
    if len(points) < MIN_POINTS:
        return None
    target = last_period_of_plan(measure, points[-1][0], last_year)
    days = [period_date(p, measure.grain).toordinal() for p, _ in points]
    end = period_date(target, measure.grain).toordinal()
    if end <= days[-1]:
        return None
    ys = [float(v) for _, v in points]
    mean_x, mean_y = sum(days) / len(days), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(days, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in days
    )
    trend = Trend(
        fitted=tuple(p for p, _ in points),
        to_period=target,
        value=mean_y + slope * (end - mean_x),
        start_value=mean_y + slope * (days[-1] - mean_x),
        first_value=mean_y + slope * (days[0] - mean_x),
        series=series_words(measure, [p for p, _ in points]),
    )
    if trend.value >= 0 or not cannot_be_negative(measure):
        return trend
    # the line crosses zero before the plan ends: stop it there, at the first period on or after
    zero_day = mean_x - mean_y / slope
    period = next_period(measure, points[-1][0])
    while period_date(period, measure.grain).toordinal() < zero_day:
        period = next_period(measure, period)
    return replace(
        trend,
        to_period=period,
        value=0.0,
        zero_on=date.fromordinal(max(days[0], math.ceil(zero_day))),
    )
