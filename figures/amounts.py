"""The figures charts and sentences are drawn from, for the type checker and the reader alike:
a figure that must be there, and a figure that may leave a gap."""

from __future__ import annotations

from decimal import Decimal


class MissingFigure(ValueError):
    """A sentence or chart needed a figure its period does not have."""


def stated(amount: Decimal | None) -> Decimal:
    """The figure of a period that has one: a judged period (outturn, forecast or return) has
    a value, and a plan year has its plan figure (the DSG loader reads a blank line as zero)."""
    if amount is None:
        raise MissingFigure("a figure was needed for a period that has none")
    return amount


def plotted(amount: Decimal | None) -> float | None:
    """A figure as a point of a chart; None leaves a gap."""
    return None if amount is None else float(amount)
