"""How a figure is named wherever it appears: its value with the sign its label states, its basis
(outturn, forecast, plan, trend) and its period, in the right tense. Pages, charts, tables and
exports all word a figure through these functions, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kpis.catalogue import SIGN_WORDS, Measure
from kpis.formats import (
    NOT_AVAILABLE,
    format_money_m,
    format_percent,
    format_rate,
    format_value,
    format_variance,
)
from kpis.measures import MeasureValue
from kpis.timeline import series_words
from kpis.trajectory import adverse_amount

BASIS_WORDS = {"actual": "outturn", "forecast": "forecast", "plan": "plan", "trend": "trend"}
BASIS_LABELS = {"actual": "Outturn", "forecast": "Forecast", "plan": "Plan only", "trend": "Trend"}


def is_balance(measure: Measure) -> bool:
    return measure.sign is not None


def show_value(value: Decimal | None, measure: Measure) -> str:
    """The value in the measure's unit; a surplus or deficit says which it is in words, so no
    reader has to know the sign convention: '£2.701m deficit', '£0.400m surplus'."""
    if value is None:
        return NOT_AVAILABLE
    if not is_balance(measure):
        return format_value(value, measure.unit or "count")
    rounded = value.quantize(Decimal("0.001"))
    if rounded == 0:
        return "£0.000m (in balance)"
    deficit = rounded > 0 if measure.sign == "deficit_positive" else rounded < 0
    return f"{format_money_m(abs(value))} {'deficit' if deficit else 'surplus'}"


def sign_note(measure: Measure) -> str | None:
    """'A deficit is positive (+), a surplus negative (-)', beside every figure of a balance."""
    words = SIGN_WORDS.get(measure.sign or "")
    return words[0].upper() + words[1:] if words else None


def unit_label(measure: Measure) -> str:
    """The label, with a count's unit beside it where the label alone would mislead ('rate')."""
    if measure.count_unit:
        return f"{measure.label} ({measure.count_unit})"
    return measure.label


def made_in(value: MeasureValue) -> str | None:
    return value.extra.get("made_in")


def listed(items: Sequence[str]) -> str:
    """'red', 'red and amber', 'red, amber and green'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def first_upper(text: str) -> str:
    """'Forecast made in Summer 2026': the first letter raised, the rest left as written."""
    return text[:1].upper() + text[1:]


def basis_phrase(value: MeasureValue) -> str:
    """'outturn', 'forecast made in Summer 2026', 'forecast for 2026-27', 'plan'."""
    if value.basis != "forecast":
        return BASIS_WORDS[value.basis]
    of, made = value.extra.get("forecast_of"), made_in(value)
    if of:
        return f"forecast for {of}, made in {made}"
    return f"forecast made in {made}" if made else "forecast"


def period_phrase(value: MeasureValue) -> str:
    """'2025-26 (outturn)', '2028-29 (forecast made in Summer 2026)'; a term's forecast of its
    year names the year it is for: '2026-27 (forecast made in Summer 2026)'."""
    of, made = value.extra.get("forecast_of"), made_in(value)
    if value.basis == "forecast" and of and made == value.period:
        return f"{of} (forecast made in {made})"
    return f"{value.period} ({basis_phrase(value)})"


def figure_phrase(value: MeasureValue) -> str:
    """'£45.613m deficit in 2025-26 (outturn)'."""
    return f"{show_value(value.value, value.measure)} in {period_phrase(value)}"


def statement(value: MeasureValue) -> str:
    """A sentence about the figure, past tense for an outturn and future for a forecast:
    'Actual EHCPs was 12,147 in Summer 2026 (outturn)', '... is forecast to be £0.400m surplus
    in 2026-27 (forecast made in Summer 2026)'."""
    measure = value.measure
    amount = show_value(value.value, measure)
    if value.basis == "forecast":
        verb = "is forecast to be"
    elif value.basis == "plan":
        verb = "is planned to be"
    else:
        verb = "was"
    return f"{unit_label(measure)} {verb} {amount} in {period_phrase(value)}"


def money_m(value: Decimal | None) -> str:
    return NOT_AVAILABLE if value is None else format_money_m(value)


# What a status means, said once: (word, meaning). A measure without a status says why not.
STATUS_WORDS = {
    "green": ("Green", "on track"),
    "amber": ("Amber", "at risk"),
    "red": ("Red", "off track"),
    "no_target": ("No target", "none set yet"),
    "not_judged": ("Not judged", "neutral measure"),
    "no_figure": ("No figure", "nothing loaded yet"),
    "part_year": ("Not judged yet", "needs twelve months of terms"),
}
JUDGED = ("green", "amber", "red")


def status_key(value: MeasureValue | None, measure: Measure) -> str:
    """Green, amber or red; otherwise why there is no status: a neutral measure is not judged,
    a measure with a figure but no plan or target has no target, one with no figure has none."""
    if measure.direction == "neutral" or measure.thresholds is None:
        return "not_judged"
    if value is None or value.value is None:
        return "no_figure"
    if value.status in JUDGED:
        return value.status
    if value.plan_value is not None and value.extra.get("judged_on"):
        return "part_year"
    return "no_target"


def travel_phrase(value: MeasureValue) -> str:
    """'Improving against Summer 2025', 'Not judged'; '' with nothing to compare."""
    if value.direction_of_travel is None:
        return ""
    if value.direction_of_travel == "not judged":
        return "Not judged (neutral measure)"
    if value.basis == "forecast":
        # a forecast has not happened: it is forecast to improve, not improving
        future = {"improving": "Forecast to improve", "worsening": "Forecast to worsen"}
        word = future.get(value.direction_of_travel, "Forecast unchanged")
        return f"{word} on {value.compared_with}" if value.compared_with else word
    word = value.direction_of_travel.capitalize()
    return f"{word} against {value.compared_with}" if value.compared_with else word


def trend_end(projection: dict, measure: Measure) -> str:
    """Where a trend ends: 'be about 545 by Summer 2028', or, for a measure that cannot fall
    below zero, 'reach zero by Spring 2029' (the line stops there)."""
    if projection.get("zero_date"):
        return f"reach zero by {projection['period']}"
    amount = show_value(Decimal(str(projection["value"])), measure)
    return f"be about {amount} by {projection['period']}"


def trend_phrase(projection: dict, measure: Measure) -> str:
    """A trend named as a trend, never as a forecast: 'on the trend of the last 4 Summer terms it
    would be about 545 by Summer 2028; a trend, not a forecast'."""
    fitted = series_words(measure, projection["fitted"])
    return (
        f"on the trend of {fitted} it would {trend_end(projection, measure)}; "
        "a trend, not a forecast"
    )


QUARTER_WORDS = {1: "lowest", 2: "second-lowest", 3: "second-highest", 4: "highest"}


def comparator_figure(record: dict | None) -> str:
    """A published comparator's value in its unit: '16.7%', '167.2 per 1,000 plans maintained'."""
    if record is None or record.get("value") is None:
        return NOT_AVAILABLE
    value = record["value"]
    if record["unit"] == "%":
        return format_percent(Decimal(str(value)))
    return f"{format_rate(Decimal(str(value)))} {record['unit']}"


def quartile_phrase(record: dict | None) -> str:
    """'3 of 4: the second-highest quarter of 153 councils (lower is better)'."""
    if not record or record.get("value") is None:
        return NOT_AVAILABLE
    quarter = record["value"]
    better = f" ({record['better']} is better)" if record.get("better") else ""
    return (
        f"{quarter} of 4: the {QUARTER_WORDS[quarter]} quarter of the {record['of']} English "
        f"councils reporting{better}"
    )


def target_phrase(value: MeasureValue, *, short: bool = False) -> str:
    """The plan or target as the figure was judged against it: '£168,000,000 for the year,
    against £166,000,000 in the twelve months to the end of Summer 2026' for a flow whose target
    is set for a year ('£168,000,000 a year' where room is short); otherwise the target."""
    measure = value.measure
    if value.plan_value is None:
        return "none set"
    target = show_value(value.plan_value, measure)
    judged_on = value.extra.get("judged_on")
    if not judged_on:
        return target
    judged = value.extra.get("judged_value")
    if judged is None:
        return f"{target} for the year (judged once twelve months of terms are loaded)"
    if short:
        return f"{target} a year, against {show_value(judged, measure)} over 12 months"
    return (
        f"{target} for the year, against "
        f"{show_value(value.extra['judged_value'], measure)} in {judged_on}"
    )


def difference_phrase(value: MeasureValue) -> str:
    """The difference from plan or target in words that cannot be misread whatever the sign
    convention: '£2.400m worse', '1.2 percentage points better', 'on target'."""
    measure = value.measure
    if value.variance is None:
        return NOT_AVAILABLE
    unit = measure.unit or "count"
    amount = format_variance(abs(value.variance), unit).lstrip("+")
    if measure.direction not in ("lower_is_better", "higher_is_better"):
        return format_variance(value.variance, unit)
    if not any(c in "123456789" for c in amount):
        return "on plan" if measure.category == "DSG" else "on target"
    worse = adverse_amount(variance=value.variance, direction=measure.direction) > 0
    return f"{amount} {'worse' if worse else 'better'}"


# The short forms the measures' names use, spelled out wherever a reader may meet them cold.
ABBREVIATIONS = (
    ("AP", "alternative provision: education arranged outside school"),
    ("DSG", "Dedicated Schools Grant, the government grant for schools"),
    ("EHCP", "education, health and care plan"),
    ("FE", "further education"),
    ("HNB", "High Needs Block, the part of the DSG for children with high needs"),
    ("PEX", "permanent exclusions"),
    ("SEMH", "social, emotional and mental health needs"),
    ("SEN", "special educational needs"),
)
