"""The six kinds of computation every measure is one of, read from its catalogue inputs:
count, sum, ratio, average, change and derived. Each returns a value for every period the data
covers, in the measure's unit; a period whose inputs are missing is None (not available),
never zero."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from domain.periods import financial_year_start, parse_term, period_sort_key
from kpis.catalogue import Measure
from kpis.returns import Returns

Series = dict[str, Decimal | None]
PENCE = Decimal(100)
TERMS_IN_YEAR = 3
FIELDS = {"annual_cost": "cost", "renegotiation_saving": "saving"}  # catalogue -> table column


def _fy(term: str) -> str:
    return parse_term(term).financial_year


def _years(terms: list[str]) -> list[str]:
    return sorted({_fy(t) for t in terms}, key=financial_year_start)


# ---- placements ------------------------------------------------------------------------------


def _filter(frame: pd.DataFrame, where: Mapping[str, Any]) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if "provision" in where:
        mask &= frame["provision"].isin(where["provision"])
    if "need" in where:
        mask &= frame["need"].isin(where["need"])
    if "county" in where:
        mask &= frame["in_county"] == (where["county"] == "in")
    age = where.get("age")
    if age == "under_16":
        mask &= frame["age"] < 16
    elif age == "16_and_over":
        mask &= frame["age"] >= 16
    elif isinstance(age, list):
        mask &= frame["age"].between(age[0], age[1])
    if "has" in where:
        mask &= frame[FIELDS[where["has"]]].notna()
    return frame[mask]


def _flow(frame: pd.DataFrame, flow: str) -> pd.DataFrame:
    """Placements that began (new) or ended (ceased) within their list's term."""
    if flow == "active" or frame.empty:
        return frame
    column = frame["start"] if flow == "new" else frame["end"]
    return frame[(column >= frame["term_start"]) & (column <= frame["term_end"])]


def _per_term(values: pd.Series, terms: list[str], convert: Callable) -> Series:
    return {term: (convert(values[term]) if term in values.index else None) for term in terms}


def _placement_count(inputs: Mapping, returns: Returns, grain: str | None) -> Series:
    frame = _filter(returns.placements, inputs)
    terms = returns.terms("placements")
    # a term with a placement list but none that match counts 0; a term with no list, nothing
    if "distinct" not in inputs:
        sizes = frame.groupby("term").size()
        return {term: Decimal(int(sizes.get(term, 0))) for term in terms}
    if grain == "term":
        distinct = frame.groupby("term")[inputs["distinct"]].nunique()
        return {term: Decimal(int(distinct.get(term, 0))) for term in terms}
    # a year is counted only when all its terms' lists are in: part of a year is not the year
    years = [y for y in _years(terms) if sum(_fy(t) == y for t in terms) == TERMS_IN_YEAR]
    if "more_than" in inputs:
        # in the latest term of each year: providers with more than so many placements
        latest = {_fy(t): t for t in terms}
        counts = (
            frame[frame["term"].isin(latest.values())].groupby(["term", inputs["distinct"]]).size()
        )
        over = counts[counts > inputs["more_than"]].groupby(level=0).size()
        return {y: Decimal(int(over.get(latest[y], 0))) for y in years}
    by_year = (
        frame.assign(year=frame["term"].map(_fy)).groupby("year")[inputs["distinct"]].nunique()
    )
    return {y: Decimal(int(by_year.get(y, 0))) for y in years}


def _placement_average(inputs: Mapping, returns: Returns) -> Series:
    field = FIELDS[inputs["field"]]
    frame = _flow(_filter(returns.placements, inputs), inputs.get("flow", "active"))
    means = frame.groupby("term")[field].mean()
    return _per_term(
        means, returns.terms("placements"), lambda pence: Decimal(round(pence)) / PENCE
    )


def _placement_ratio(inputs: Mapping, returns: Returns) -> Series:
    top = _filter(returns.placements, inputs["numerator"]).groupby("term").size()
    bottom = _filter(returns.placements, inputs["denominator"]).groupby("term").size()
    out: Series = {}
    for term in returns.terms("placements"):
        under = int(bottom.get(term, 0))
        out[term] = Decimal(int(top.get(term, 0))) / under if under else None
    return out


# ---- the returns' own figures ----------------------------------------------------------------


def _ehcp_item(returns: Returns, term: str, item: str) -> int | None:
    return returns.ehcp.get(term, {}).get(item)


def _ehcp_year_sum(inputs: Mapping, returns: Returns) -> Series:
    """Items added, and 'less' items taken away, over a financial year's three terms."""
    terms = returns.terms("ehcp")
    out: Series = {}
    for year in _years(terms):
        in_year = [t for t in terms if _fy(t) == year]
        values = [
            [_ehcp_item(returns, t, item) for item in inputs.get("items", [])]
            + [
                -v if (v := _ehcp_item(returns, t, item)) is not None else None
                for item in inputs.get("less", [])
            ]
            for t in in_year
        ]
        known = [v for row in values for v in row if v is not None]
        complete = len(in_year) == TERMS_IN_YEAR and len(known) == sum(map(len, values))
        out[year] = Decimal(sum(known)) if complete else None
    return out


def _spend_sum(inputs: Mapping, returns: Returns) -> Series:
    index = {"direct": 0, "central": 1}
    out: Series = {}
    # every HNB term: one whose Spend sheet was left blank stored no lines, and is 'not
    # available', never £0
    for term in _hnb_terms(returns):
        lines = returns.spend.get(term)
        out[term] = (
            Decimal(sum(v[index[c]] for v in lines.values() for c in inputs["columns"])) / PENCE
            if lines
            else None
        )
    return out


def _hnb_terms(returns: Returns) -> list[str]:
    """Every term an HNB return is loaded for, whichever of its blocks were filled in."""
    terms = {term for family, term in returns.submissions if family == "hnb"}
    return sorted(terms | set(returns.spend) | set(returns.savings), key=period_sort_key)


def _savings_sum(inputs: Mapping, returns: Returns) -> Series:
    out: Series = {}
    for term in _hnb_terms(returns):
        cohorts = returns.savings.get(term, {})
        present = all(c in cohorts for c in inputs["cohorts"])
        out[term] = Decimal(sum(cohorts[c] for c in inputs["cohorts"])) / PENCE if present else None
    return out


def _ehcp_ratio(inputs: Mapping, returns: Returns) -> Series:
    out: Series = {}
    for term in returns.terms("ehcp"):
        top = _ehcp_item(returns, term, inputs["numerator"])
        bottom = _ehcp_item(returns, term, inputs["denominator"])
        out[term] = Decimal(top) / Decimal(bottom) if top is not None and bottom else None
    return out


# ---- the six kinds ---------------------------------------------------------------------------


def count(measure: Measure, returns: Returns, _computed: Mapping[str, Series]) -> Series:
    inputs = measure.inputs
    if inputs["source"] == "placements":
        return _placement_count(inputs, returns, measure.grain)
    return {t: _as_decimal(_ehcp_item(returns, t, inputs["item"])) for t in returns.terms("ehcp")}


def sum_(measure: Measure, returns: Returns, _computed: Mapping[str, Series]) -> Series:
    source = measure.inputs["source"]
    if source == "ehcp":
        return _ehcp_year_sum(measure.inputs, returns)
    if source == "spend":
        return _spend_sum(measure.inputs, returns)
    return _savings_sum(measure.inputs, returns)


def ratio(measure: Measure, returns: Returns, _computed: Mapping[str, Series]) -> Series:
    if measure.inputs["source"] == "placements":
        return _placement_ratio(measure.inputs, returns)
    return _ehcp_ratio(measure.inputs, returns)


def average(measure: Measure, returns: Returns, _computed: Mapping[str, Series]) -> Series:
    return _placement_average(measure.inputs, returns)


def change(measure: Measure, returns: Returns, computed: Mapping[str, Series]) -> Series:
    """The change since the same term a year earlier, as a fraction of the earlier value."""
    base = computed[measure.inputs["of"]]
    out: Series = {}
    for period, value in base.items():
        term = parse_term(period)
        earlier = base.get(f"{term.season} {term.year - 1}")
        out[period] = (value - earlier) / earlier if value is not None and earlier else None
    return out


def _as_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


KINDS: dict[str, Callable[[Measure, Returns, Mapping[str, Series]], Series]] = {
    "count": count,
    "sum": sum_,
    "ratio": ratio,
    "average": average,
    "change": change,
}


def compute_series(measure: Measure, returns: Returns, computed: Mapping[str, Series]) -> Series:
    """A measure of any kind but derived, for every period its data covers, in time order."""
    if measure.computation is None:
        raise ValueError(f"measure {measure.ref} is not computed")
    series = KINDS[measure.computation](measure, returns, computed)
    key = financial_year_start if measure.grain == "financial_year" else period_sort_key
    return dict(sorted(series.items(), key=lambda item: key(item[0])))


def base_counts(measure: Measure, returns: Returns) -> dict[str, int]:
    """The count a rate or average rests on, by period: the placements averaged, or the
    numerator of a ratio. Published outputs withhold the figure when this count is small."""
    inputs = measure.inputs
    if measure.computation == "average":
        frame = _flow(_filter(returns.placements, inputs), inputs.get("flow", "active"))
        sizes = frame.groupby("term").size()
        return {t: int(sizes.get(t, 0)) for t in returns.terms("placements")}
    if measure.computation == "ratio" and inputs["source"] == "placements":
        sizes = _filter(returns.placements, inputs["numerator"]).groupby("term").size()
        return {t: int(sizes.get(t, 0)) for t in returns.terms("placements")}
    if measure.computation == "ratio":
        items = {t: _ehcp_item(returns, t, inputs["numerator"]) for t in returns.terms("ehcp")}
        return {t: n for t, n in items.items() if n is not None}
    return {}
