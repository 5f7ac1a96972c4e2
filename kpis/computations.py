"""The kinds of computation a measure is computed by from the returns, each reading its typed
inputs (kpis/specs.py): counts, sums, ratios and averages of the returns' items, spending,
savings and placements, and the change in another measure. Each returns a value for every period
the data covers, in the measure's unit; a period whose inputs are missing is None (not
available), never zero. Derived measures are computed by kpis/formulas.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import assert_never

import pandas as pd

from domain.periods import financial_year_start, parse_term, period_sort_key
from domain.vocabulary import SPEND_COLUMNS
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
    PlacementFilter,
    PlacementRatio,
    SavingsSum,
    SpendSum,
)

Series = dict[str, Decimal | None]
Computed = Mapping[str, Series]  # the series of the measures computed so far, by id
PENCE = Decimal(100)
TERMS_IN_YEAR = 3
FIELDS = PLACEMENT_FIELDS  # catalogue field -> placement table column


def _fy(term: str) -> str:
    return parse_term(term).financial_year


def _years(terms: list[str]) -> list[str]:
    return sorted({_fy(t) for t in terms}, key=financial_year_start)


# ---- placements ------------------------------------------------------------------------------


def _filter(frame: pd.DataFrame, where: PlacementFilter) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if where.provision is not None:
        mask &= frame["provision"].isin(list(where.provision))
    if where.need is not None:
        mask &= frame["need"].isin(list(where.need))
    if where.in_county is not None:
        mask &= frame["in_county"] == where.in_county
    if where.age == "under_16":
        mask &= frame["age"] < 16
    elif where.age == "16_and_over":
        mask &= frame["age"] >= 16
    elif isinstance(where.age, tuple):
        mask &= frame["age"].between(where.age[0], where.age[1])
    if where.has is not None:
        mask &= frame[PLACEMENT_FIELDS[where.has]].notna()
    return frame[mask]


def _flow(frame: pd.DataFrame, flow: str) -> pd.DataFrame:
    """Placements that began (new) or ended (ceased) within their list's term."""
    if flow == "active" or frame.empty:
        return frame
    column = frame["start"] if flow == "new" else frame["end"]
    return frame[(column >= frame["term_start"]) & (column <= frame["term_end"])]


def _per_term(values: pd.Series, terms: list[str], convert: Callable) -> Series:
    return {term: (convert(values[term]) if term in values.index else None) for term in terms}


def _placement_count(spec: PlacementCount, returns: Returns, grain: str | None) -> Series:
    frame = _filter(returns.placements, spec.where)
    terms = returns.terms("placements")
    # a term with a placement list but none that match counts 0; a term with no list, nothing
    if spec.distinct is None:
        sizes = frame.groupby("term").size()
        return {term: Decimal(int(sizes.get(term, 0))) for term in terms}
    if grain == "term":
        distinct = frame.groupby("term")[spec.distinct].nunique()
        return {term: Decimal(int(distinct.get(term, 0))) for term in terms}
    # a year is counted only when all its terms' lists are in: part of a year is not the year
    years = [y for y in _years(terms) if sum(_fy(t) == y for t in terms) == TERMS_IN_YEAR]
    if spec.more_than is not None:
        # in the latest term of each year: the values with more than so many placements
        latest = {_fy(t): t for t in terms}
        counts = frame[frame["term"].isin(latest.values())].groupby(["term", spec.distinct]).size()
        over = counts[counts > spec.more_than].groupby(level=0).size()
        return {y: Decimal(int(over.get(latest[y], 0))) for y in years}
    by_year = frame.assign(year=frame["term"].map(_fy)).groupby("year")[spec.distinct].nunique()
    return {y: Decimal(int(by_year.get(y, 0))) for y in years}


def _averaged(spec: PlacementAverage, returns: Returns) -> pd.DataFrame:
    """The placements an average is taken over."""
    return _flow(_filter(returns.placements, spec.where), spec.flow)


def _placement_average(spec: PlacementAverage, returns: Returns) -> Series:
    means = _averaged(spec, returns).groupby("term")[PLACEMENT_FIELDS[spec.field]].mean()
    return _per_term(
        means, returns.terms("placements"), lambda pence: Decimal(round(pence)) / PENCE
    )


def _placement_ratio(spec: PlacementRatio, returns: Returns) -> Series:
    top = _filter(returns.placements, spec.numerator).groupby("term").size()
    bottom = _filter(returns.placements, spec.denominator).groupby("term").size()
    out: Series = {}
    for term in returns.terms("placements"):
        under = int(bottom.get(term, 0))
        out[term] = Decimal(int(top.get(term, 0))) / under if under else None
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
    return sorted(terms | set(returns.spend) | set(returns.savings), key=period_sort_key)


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
        term = parse_term(period)
        earlier = base.get(f"{term.season} {term.year - 1}")
        out[period] = (value - earlier) / earlier if value is not None and earlier else None
    return out


def _as_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# ---- every kind ------------------------------------------------------------------------------


def compute_series(measure: Measure, returns: Returns, computed: Computed) -> Series:
    """A measure computed from the returns (any kind but derived), for every period its data
    covers, in time order. ``computed`` holds the measures before it, for a change."""
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
            series = _placement_count(spec, returns, measure.grain)
        case PlacementAverage():
            series = _placement_average(spec, returns)
        case PlacementRatio():
            series = _placement_ratio(spec, returns)
        case MeasureChange():
            series = _change(spec, computed)
        case _:
            assert_never(spec)
    key = financial_year_start if measure.grain == "financial_year" else period_sort_key
    return dict(sorted(series.items(), key=lambda item: key(item[0])))


def base_counts(measure: Measure, returns: Returns) -> dict[str, int]:
    """The count a rate or average rests on, by period: the placements averaged, or the
    numerator of a ratio. Published outputs withhold the figure when this count is small."""
    spec = measure.spec
    if isinstance(spec, PlacementAverage):
        sizes = _averaged(spec, returns).groupby("term").size()
        return {t: int(sizes.get(t, 0)) for t in returns.terms("placements")}
    if isinstance(spec, PlacementRatio):
        sizes = _filter(returns.placements, spec.numerator).groupby("term").size()
        return {t: int(sizes.get(t, 0)) for t in returns.terms("placements")}
    if isinstance(spec, EhcpRatio):
        items = {t: _ehcp_item(returns, t, spec.numerator) for t in returns.terms("ehcp")}
        return {t: n for t, n in items.items() if n is not None}
    return {}
