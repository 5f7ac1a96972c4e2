"""Every number the product shows is formatted here: £45.613m, 4.7%, 1,234."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NOT_AVAILABLE = "not available"


def _round(value: Decimal, places: int) -> Decimal:
    """Rounded for display; a value that rounds to zero is zero, never "-0.00"."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)


def format_money_m(value: Decimal, *, places: int = 3, signed: bool = False) -> str:
    """£m to three decimals, as the council's papers print them: £45.613m, -£1.500m."""
    rounded = _round(value, places)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}£{abs(rounded):,.{places}f}m"


MILLION = Decimal(1_000_000)


def format_money(value: Decimal, *, signed: bool = False) -> str:
    """Pounds, whole: £62,289; a million or more in £m to three decimals, as every other
    million is shown: £67.063m, not £67,062,500."""
    rounded = _round(value, 0)
    if abs(rounded) >= MILLION:
        return format_money_m(value / MILLION, signed=signed)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}£{abs(rounded):,.0f}"


def format_percent(fraction: Decimal, *, places: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.047 -> 4.7%."""
    rounded = _round(fraction * 100, places)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}{abs(rounded):,.{places}f}%"


def format_percentage_points(fraction: Decimal, *, places: int = 1) -> str:
    rounded = _round(fraction * 100, places)
    sign = "-" if rounded < 0 else ("+" if rounded > 0 else "")
    return f"{sign}{abs(rounded):,.{places}f} percentage points"


def format_count(value: Decimal | int) -> str:
    return f"{_round(Decimal(value), 0):,.0f}"


def format_rate(value: Decimal, *, places: int = 1) -> str:
    """A rate to one decimal: 167.2 (per 1,000 plans)."""
    return f"{_round(value, places):,.{places}f}"


def format_value(value: Decimal | None, unit: str) -> str:
    """A measure's value in its unit; a missing value says so rather than showing zero."""
    if value is None:
        return NOT_AVAILABLE
    if unit == "£m":
        return format_money_m(value)
    if unit == "£":
        return format_money(value)
    if unit == "%":
        return format_percent(value)
    if unit == "ratio":
        return f"{_round(value, 2):,.2f}"
    return format_count(value)


def format_variance(variance: Decimal | None, unit: str) -> str:
    """A difference from plan, always signed: +£11.800m, -0.4 percentage points."""
    if variance is None:
        return NOT_AVAILABLE
    if unit == "£m":
        return format_money_m(variance, signed=True)
    if unit == "£":
        return format_money(variance, signed=True)
    if unit == "%":
        return format_percentage_points(variance)
    sign = "+" if variance > 0 else ""
    return f"{sign}{format_value(variance, unit)}"


def format_plain_m(value: Decimal) -> str:
    """£m with no symbol, for the columns of a table headed in £m: 1,234.567, -28.000."""
    return f"{_round(value, 3):,.3f}"
