"""The kinds of computation a measure is computed by from the returns, each reading its typed
inputs (kpis/specs.py): counts, sums, ratios and averages of the returns' items, spending,
savings and placements, and the change in another measure. Each returns a value for every period
the data covers, in the measure's unit; a period whose inputs are missing is None (not
available), never zero. Derived measures are computed by kpis/formulas.py."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import assert_never

from domain.vocabulary import SPEND_COLUMNS
from kpis import period_keys
from kpis.catalogue import Measure
from kpis.returns import Returns
from kpis.specs import (
    PLACEMENT_FIELDS,
    EhcpCount,
    EhcpRatio,
    EhcpSum,
    MeasureChange,
    PlacementAverage,
    PlacementCount,
    PlacementRatio,
    SavingsSum,
    SpendSum,
)
from kpis.tallies import ACTIVE, Tallies, merged_values, placement_questions, term_tallies

Series = dict[str, Decimal | None]
Computed = Mapping[str, Series]  # the series of the measures computed so far, by id
PENCE = Decimal(100)
TERMS_IN_YEAR = 3
FIELDS = PLACEMENT_FIELDS  # catalogue field -> placement table column


def _fy(term: str) -> str:
    return period_keys.financial_year(term)


def _years(terms: list[str]) -> list[str]:
    return sorted({_fy(t) for t in terms}, key=period_keys.year_start)


# ---- placements ------------------------------------------------------------------------------
# Each reads the terms' tallies (kpis/tallies.py): every term with a placement list, in order.


def _placement_count(spec: PlacementCount, tallies: Tallies, grain: str | None) -> Series:
    terms = list(tallies)
    # a term with a placement list but none that match counts 0; a term with no list, nothing
    if spec.distinct is None:
        return {t: Decimal(tallies[t].rows[(spec.where, ACTIVE)]) for t in terms}
    key = (spec.where, spec.distinct)
    if grain == "term":
        return {t: Decimal(len(tallies[t].values[key])) for t in terms}
    # a year is counted only when all its terms' lists are in: part of a year is not the year
    years = [y for y in _years(terms) if sum(_fy(t) == y for t in terms) == TERMS_IN_YEAR]
    if spec.more_than is not None:
        # in the latest term of each year: the values with more than so many placements
        latest = {_fy(t): t for t in terms}
        more_than = spec.more_than
        return {
            y: Decimal(sum(n > more_than for n in tallies[latest[y]].values[key].values()))
            for y in years
        }
    return {
        y: Decimal(len(merged_values((tallies[t] for t in terms if _fy(t) == y), key)))
        for y in years
    }


def _placement_average(spec: PlacementAverage, tallies: Tallies) -> Series:
    total_key = ((spec.where, spec.flow), PLACEMENT_FIELDS[spec.field])
    out: Series = {}
    for term, tally in tallies.items():
        total, held = tally.totals[total_key]
        # the mean in pence as a float, rounded to a whole penny, as the figures were published
        out[term] = Decimal(round(total / held)) / PENCE if held else None
    return out


def _placement_ratio(spec: PlacementRatio, tallies: Tallies) -> Series:
    out: Series = {}
    for term, tally in tallies.items():
        under = tally.rows[(spec.denominator, ACTIVE)]
        out[term] = Decimal(tally.rows[(spec.numerator, ACTIVE)]) / under if under else None
    return out


# ---- the returns' own figures ----------------------------------------------------------------


def _ehcp_item(returns: Returns, term: str, item: str) -> int | None:
    return returns.ehcp.get(term, {}).get(item)


def _ehcp_count(spec: EhcpCount, returns: Returns) -> Series:
    return {t: _as_decimal(_ehcp_item(returns, t, spec.item)) for t in returns.terms("ehcp")}


def _ehcp_year_sum(spec: EhcpSum, returns: Returns) -> Series:
    """Items added, and 'less' items taken away, over a financial year's three terms."""
    terms = returns.terms("ehcp")
    out: Series = {}
    for year in _years(terms):
        in_year = [t for t in terms if _fy(t) == year]
        values = [
            [_ehcp_item(returns, t, item) for item in spec.items]
            + [
                -v if (v := _ehcp_item(returns, t, item)) is not None else None
                for item in spec.less
            ]
            for t in in_year
        ]
        known = [v for row in values for v in row if v is not None]
        complete = len(in_year) == TERMS_IN_YEAR and len(known) == sum(map(len, values))
        out[year] = Decimal(sum(known)) if complete else None
    return out


def _spend_sum(spec: SpendSum, returns: Returns) -> Series:
    index = {column: i for i, column in enumerate(SPEND_COLUMNS)}  # as each line's pair is kept
    out: Series = {}
    # every HNB term: one whose Spend sheet was left blank stored no lines, and is 'not
    # available', never £0
    for term in _hnb_terms(returns):
        lines = returns.spend.get(term)
        out[term] = (
            Decimal(sum(v[index[c]] for v in lines.values() for c in spec.columns)) / PENCE
            if lines
            else None
        )
    return out


def _hnb_terms(returns: Returns) -> list[str]:
    """Every term an HNB return is loaded for, whichever of its blocks were filled in."""
    terms = {term for family, term in returns.submissions if family == "hnb"}
    return sorted(terms | set(returns.spend) | set(returns.savings), key=period_keys.sort_key)


def _savings_sum(spec: SavingsSum, returns: Returns) -> Series:
    out: Series = {}
    for term in _hnb_terms(returns):
        cohorts = returns.savings.get(term, {})
        present = all(c in cohorts for c in spec.cohorts)
        out[term] = Decimal(sum(cohorts[c] for c in spec.cohorts)) / PENCE if present else None
    return out


def _ehcp_ratio(spec: EhcpRatio, returns: Returns) -> Series:
    out: Series = {}
    for term in returns.terms("ehcp"):
        top = _ehcp_item(returns, term, spec.numerator)
        bottom = _ehcp_item(returns, term, spec.denominator)
        out[term] = Decimal(top) / Decimal(bottom) if top is not None and bottom else None
    return out


def _change(spec: MeasureChange, computed: Computed) -> Series:
    """The change since the same term a year earlier, as a fraction of the earlier value."""
    base = computed[spec.of]
    out: Series = {}
    for period, value in base.items():
        term = period_keys.term(period)
        earlier = base.get(f"{term.season} {term.year - 1}")
        out[period] = (value - earlier) / earlier if value is not None and earlier else None
    return out


def _as_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# ---- every kind ------------------------------------------------------------------------------


def compute_series(
    measure: Measure, returns: Returns, computed: Computed, tallies: Tallies | None = None
) -> Series:
    """A measure computed from the returns (any kind but derived), for every period its data
    covers, in time order. ``computed`` holds the measures before it, for a change; ``tallies``
    the terms' placement tallies for the measure's catalogue, tallied here when not given."""
    spec = measure.spec
    if spec is None:
        raise ValueError(f"measure {measure.ref} is not computed from the returns")
    series: Series
    match spec:
        case EhcpCount():
            series = _ehcp_count(spec, returns)
        case EhcpSum():
            series = _ehcp_year_sum(spec, returns)
        case EhcpRatio():
            series = _ehcp_ratio(spec, returns)
        case SpendSum():
            series = _spend_sum(spec, returns)
        case SavingsSum():
            series = _savings_sum(spec, returns)
        case PlacementCount():
            series = _placement_count(spec, _tallied(measure, returns, tallies), measure.grain)
        case PlacementAverage():
            series = _placement_average(spec, _tallied(measure, returns, tallies))
        case PlacementRatio():
            series = _placement_ratio(spec, _tallied(measure, returns, tallies))
        case MeasureChange():
            series = _change(spec, computed)
        case _:
            assert_never(spec)
    key = period_keys.year_start if measure.grain == "financial_year" else period_keys.sort_key
    return dict(sorted(series.items(), key=lambda item: key(item[0])))


def _tallied(measure: Measure, returns: Returns, tallies: Tallies | None) -> Tallies:
    if tallies is not None:
        return tallies
    return term_tallies(returns, placement_questions([measure]))


def base_counts(
    measure: Measure, returns: Returns, tallies: Tallies | None = None
) -> dict[str, int]:
    """The count a rate or average rests on, by period: the placements averaged, or the
    numerator of a ratio. Published outputs withhold the figure when this count is small."""
    spec = measure.spec
    if isinstance(spec, PlacementAverage):
        found = _tallied(measure, returns, tallies)
        return {t: tally.rows[(spec.where, spec.flow)] for t, tally in found.items()}
    if isinstance(spec, PlacementRatio):
        found = _tallied(measure, returns, tallies)
        return {t: tally.rows[(spec.numerator, ACTIVE)] for t, tally in found.items()}
    if isinstance(spec, EhcpRatio):
        items = {t: _ehcp_item(returns, t, spec.numerator) for t in returns.terms("ehcp")}
        return {t: n for t, n in items.items() if n is not None}
    return {}
