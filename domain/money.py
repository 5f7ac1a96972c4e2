"""Money is stored in integer pence, which every database holds exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

PENCE_PER_POUND = 100
PENCE_PER_MILLION = Decimal(100_000_000)


def pence_from_millions(millions: Decimal) -> int:
    return int((millions * PENCE_PER_MILLION).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def pence_from_pounds(pounds: Decimal) -> int:
    return int((pounds * PENCE_PER_POUND).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def millions(pence: int) -> Decimal:
    """Pence as £m, exactly."""
    return Decimal(pence) / PENCE_PER_MILLION


def pounds(pence: int) -> Decimal:
    return Decimal(pence) / PENCE_PER_POUND
