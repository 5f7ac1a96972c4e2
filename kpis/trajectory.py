"""A value against its plan: the variance and a red, amber or green status."""

from __future__ import annotations

from decimal import Decimal

from kpis.catalogue import Measure
from kpis.formats import format_percent, format_percentage_points, format_value

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


def adverse_amount(*, variance: Decimal, direction: str | None) -> Decimal:
    """How far worse than plan, in the measure's unit; zero or less is on plan or better. A
    neutral measure (or one with no direction) is never worse."""
    if direction == "lower_is_better":
        return variance
    if direction == "higher_is_better":
        return -variance
    return Decimal(0)


def rag_status(*, value: Decimal | None, plan: Decimal | None, measure: Measure) -> str:
    """Green, amber or red from the measure's thresholds; ``none`` when there is nothing to judge."""
    if (
        value is None
        or plan is None
        or measure.thresholds is None
        or measure.direction == "neutral"
    ):
        return NONE
    adverse = adverse_amount(variance=value - plan, direction=measure.direction)
    if measure.thresholds.relative:
        if plan == 0:
            return NONE  # a share of nothing cannot be judged
        adverse = adverse / abs(plan)
    if adverse <= measure.thresholds.amber_beyond:
        return GREEN
    if adverse <= measure.thresholds.red_beyond:
        return AMBER
    return RED


def _amount(value: Decimal, unit: str, relative: bool = False) -> str:
    if relative:
        return f"{format_percent(value, places=0)} of the plan"
    if unit == "%":
        return format_percentage_points(value).lstrip("+")
    return format_value(value, unit)


def describe_thresholds(measure: Measure) -> str:
    """The measure's status rule in plain words, from its catalogue entry."""
    if measure.thresholds is None or measure.direction == "neutral":
        return (
            "No status: this measure is shown for information, with no better or worse direction."
        )
    amber, red = measure.thresholds.amber_beyond, measure.thresholds.red_beyond
    worse = "higher" if measure.direction == "lower_is_better" else "lower"
    unit = measure.unit or "count"
    relative = measure.thresholds.relative
    if amber == 0:
        green = "Green when on plan or better"
        amber_text = f"amber when worse by up to {_amount(red, unit, relative)}"
    else:
        green = (
            f"Green when on plan, better, or worse by no more than {_amount(amber, unit, relative)}"
        )
        amber_text = f"amber when worse by more than {_amount(amber, unit, relative)} and up to {_amount(red, unit, relative)}"
    return (
        f"{green}; {amber_text}; red when worse by more than {_amount(red, unit, relative)}. "
        f"Worse means {worse} than the plan."
    )


IMPROVING, WORSENING, NO_CHANGE, NOT_JUDGED = "improving", "worsening", "no change", "not judged"


def direction_of_travel(
    value: Decimal | None, previous: Decimal | None, direction: str | None
) -> str | None:
    """Against the comparable earlier figure: improving, worsening or no change; None with
    nothing to compare. A neutral measure's movement (or one with no direction) is not judged."""
    if value is None or previous is None:
        return None
    if value == previous:
        return NO_CHANGE
    if direction is None or direction == "neutral":
        return NOT_JUDGED
    better = value < previous if direction == "lower_is_better" else value > previous
    return IMPROVING if better else WORSENING
