"""Every measure for every period: value, plan, variance, status, direction of travel,
projection and comparators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kpis import comparators, period_keys
from kpis.catalogue import Catalogue, Measure
from kpis.computations import Series, base_counts, compute_series
from kpis.dsg import DsgPosition
from kpis.formulas import FORMULAS, TERM_FORMULAS
from kpis.returns import Returns
from kpis.tallies import Tallies, placement_questions, term_tallies
from kpis.timeline import fit_trend
from kpis.trajectory import NONE, direction_of_travel, rag_status

FAMILY_OF_SOURCE = {
    "ehcp": "ehcp",
    "measure": "ehcp",
    "spend": "hnb",
    "savings": "hnb",
    "placements": "hnb",
}


@dataclass(frozen=True)
class Place:
    """Whose measures these are: the council's new-style LA code, the councils it is compared
    with (empty: the DfE's statistical neighbours), and the plan's last year, to which a trend is
    carried when there is no plan to say it."""

    la_code: str
    neighbours: tuple[str, ...]
    last_year: str


@dataclass(frozen=True)
class MeasureValue:
    """One measure in one period: its value, where the value comes from, and its plan."""

    measure: Measure
    period: str
    value: Decimal | None
    basis: str  # actual, forecast or plan
    plan_value: Decimal | None
    variance: Decimal | None
    status: str  # green, amber, red or none
    submission_id: int | None
    direction_of_travel: str | None = None
    compared_with: str | None = None  # the period the direction of travel compares against
    projection: dict | None = None
    # On the headline figure, where SEN2 publishes the same basis: England's, the statistical
    # neighbours' and the council's own published figure, and its quartile (kpis/comparators.py).
    england: dict | None = None
    neighbours: dict | None = None
    comparator_council: dict | None = None
    quartile: dict | None = None
    extra: dict = field(default_factory=dict)

    def as_record(self) -> dict[str, object]:
        """The keys ``lfi measures`` prints; numbers in the measure's unit (a % as a fraction)."""
        return {
            "ref": self.measure.ref,
            "measure_id": self.measure.id,
            "period": self.period,
            "value": _number(self.value),
            "basis": self.basis,
            "unit": self.measure.unit,
            "plan_value": _number(self.plan_value),
            "variance": _number(self.variance),
            "variance_pct": _number(self.variance / abs(self.plan_value))
            if self.variance is not None and self.plan_value
            else None,
            "status": self.status,
            "direction": self.measure.direction,
            "direction_of_travel": self.direction_of_travel,
            "compared_with": self.compared_with,
            "made_in": self.extra.get("made_in"),
            "forecast_of": self.extra.get("forecast_of"),
            "projection": self.projection,
            "england": self.england,
            "neighbours": self.neighbours,
            "comparator_council": self.comparator_council,
            "quartile": self.quartile,
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def compute_measure(
    measure: Measure, position: DsgPosition, bases: Mapping[str, str] | None = None
) -> list[MeasureValue]:
    """A DSG measure for every year of the plan: the outturn or forecast where there is one.
    ``bases`` gives each year's basis (DsgPosition.basis), when worked out already."""
    if measure.formula is None:
        raise ValueError(f"measure {measure.ref} has no formula: it is not a DSG measure")
    function = FORMULAS[measure.formula]
    planned = function(position.plan)
    forecast = function(position.forecast) if position.forecast else {}
    values = []
    for year in position.years:
        basis = bases[year] if bases is not None else position.basis(year)
        plan_value = planned.get(year)
        value = plan_value if basis == "plan" else forecast.get(year)
        variance = (
            value - plan_value
            if basis != "plan" and value is not None and plan_value is not None
            else None
        )
        judged = variance is not None
        values.append(
            MeasureValue(
                measure=measure,
                period=year,
                value=value,
                basis=basis,
                plan_value=plan_value,
                variance=variance,
                status=rag_status(value=value, plan=plan_value, measure=measure)
                if judged
                else NONE,
                submission_id=position.submission.id,
                extra={"made_in": str(position.forecast_term)} if basis == "forecast" else {},
            )
        )
    return values


def source_family(measure: Measure) -> str:
    """The kind of workbook a measure's figures come from: dsg, ehcp or hnb."""
    if measure.computation == "derived":
        return "dsg"
    return FAMILY_OF_SOURCE[measure.inputs["source"]]


def _submissions(measure: Measure, returns: Returns) -> dict[str, int]:
    """The submission each of a measure's periods comes from: for a yearly figure, the latest
    term of the year's."""
    family = source_family(measure)
    by_term = {t: sid for (f, t), sid in returns.submissions.items() if f == family}
    if measure.grain != "financial_year":
        return by_term
    by_year: dict[str, int] = {}
    terms = sorted((t for t in by_term if t != "plan"), key=lambda t: period_keys.term(t).start)
    for t in terms:
        by_year[period_keys.financial_year(t)] = by_term[t]
    # a year with no term's figures is looked up as it is named
    return {**by_term, **by_year}


def _targets(measure: Measure, periods: Iterable[str], returns: Returns) -> dict[str, Decimal]:
    """Each period's target, for its financial year, in the measure's unit (a % as a fraction);
    a period without one is left out."""
    by_year = returns.targets.get(measure.ref, {})
    if not by_year:
        return {}
    yearly = measure.grain == "financial_year"
    percent = measure.unit == "%"
    found = {}
    for period in periods:
        target = by_year.get(period if yearly else period_keys.financial_year(period))
        if target is not None:
            found[period] = target / 100 if percent else target
    return found


def _twelve_months(series: Series, period: str) -> Decimal | None:
    """A flow over the twelve months to the end of a term: the term and the two before it."""
    terms = [str(period_keys.term(period))]
    for _ in range(2):
        terms.append(period_keys.previous(terms[-1]))
    first, second, third = (series.get(t) for t in terms)
    if first is None or second is None or third is None:
        return None
    return Decimal(0) + first + second + third


def _judged_over_a_year(measure: Measure, returns: Returns) -> bool:
    """Whether a target is compared with the twelve months to the end of each term, never with
    one term: a yearly target for a flow counted by term."""
    per = returns.target_per.get(measure.ref, "term")
    additive = measure.computation in ("sum", "count")
    return measure.is_flow and additive and per == "year"


def _from_returns(
    measure: Measure, series: Series, returns: Returns, tallies: Tallies
) -> list[MeasureValue]:
    values = []
    averaged = measure.computation in ("average", "ratio")
    bases = base_counts(measure, returns, tallies) if averaged else {}
    submissions = _submissions(measure, returns)
    # A derived termly measure is the forecast made in each term, never an outturn.
    basis = "forecast" if measure.formula in TERM_FORMULAS else "actual"
    forecast_of = {
        p: period_keys.financial_year(p) if basis == "forecast" else None for p in series
    }
    travel = _travel(measure, [(p, v, forecast_of[p]) for p, v in series.items()])
    targets = _targets(measure, series, returns)
    over_a_year = _judged_over_a_year(measure, returns)
    for period, value in series.items():
        target = targets.get(period)
        figure = _twelve_months(series, period) if over_a_year else value
        variance = None if value is None or figure is None or target is None else figure - target
        judged = variance is not None
        extra: dict = {"base": bases[period]} if period in bases else {}
        if basis == "forecast":
            extra |= {"made_in": period, "forecast_of": forecast_of[period]}
        if over_a_year and target is not None:
            # kept when the twelve months are not all loaded yet, so the page can say so
            extra |= {
                "judged_on": f"the twelve months to the end of {period}",
                "judged_value": figure,
            }
        moved, compared_with = travel.get(period, (None, None))
        values.append(
            MeasureValue(
                measure=measure,
                period=period,
                value=value,
                basis=basis,
                plan_value=target,
                variance=variance,
                status=rag_status(value=figure, plan=target, measure=measure) if judged else NONE,
                submission_id=submissions.get(period),
                direction_of_travel=moved,
                compared_with=compared_with,
                extra=extra,
            )
        )
    return values


def _travel(
    measure: Measure, figures: list[tuple[str, Decimal | None, str | None]]
) -> dict[str, tuple[str | None, str]]:
    """Each figure's direction of travel against its comparable period, and that period, from
    (period, value, the year it forecasts) for each figure: what _with_travel adds, worked out
    before the values are made."""
    by_period = {period: (value, year) for period, value, year in figures}
    found = {}
    for period, value, year in figures:
        if value is None:
            continue
        compared_with = period_keys.comparable(measure, period)
        earlier = by_period.get(compared_with)
        if earlier is None or earlier[0] is None or earlier[1] != year:
            continue
        travel = direction_of_travel(value, earlier[0], measure.direction)
        found[period] = (travel, compared_with)
    return found


def _with_travel(values: list[MeasureValue]) -> list[MeasureValue]:
    """Each figure against its comparable period (the same term a year earlier for a flow, the
    previous term for a snapshot, the previous year), which ``compared_with`` names."""
    by_period = {v.period: v for v in values if v.basis != "plan"}
    out = []
    for value in values:
        if value.basis == "plan" or value.value is None:
            out.append(value)
            continue
        earlier = by_period.get(period_keys.comparable(value.measure, value.period))
        if earlier is None or earlier.value is None or not _same_target(value, earlier):
            out.append(value)
            continue
        travel = direction_of_travel(value.value, earlier.value, value.measure.direction)
        out.append(replace(value, direction_of_travel=travel, compared_with=earlier.period))
    return out


def _same_target(value: MeasureValue, earlier: MeasureValue) -> bool:
    """Forecasts compare only when they forecast the same year: a Summer term's forecast of the
    new year is not 'better' than Spring's forecast of the year just ending."""
    return value.extra.get("forecast_of") == earlier.extra.get("forecast_of")


def _with_projection(
    values: list[MeasureValue], position: DsgPosition | None, place: Place | None
) -> list[MeasureValue]:
    # the trend belongs to the latest figure there is, not to a period with none (a part year)
    judged = [v for v in values if v.basis != "plan" and v.value is not None]
    if not judged:
        return values
    measure, latest = values[0].measure, judged[-1]
    projection = None
    if measure.projection == "linear_trend" and not measure.is_council_forecast:
        last_year = position.years[-1] if position else place.last_year if place else None
        trend = (
            fit_trend(measure, [(v.period, v.value) for v in judged], last_year=last_year)
            if last_year
            else None
        )
        projection = trend.as_record(measure) if trend else None
    elif measure.projection == "clearing_year" and position is not None:
        projection = clearing_year(values)
    if projection is None:
        return values  # the latest figure has none already
    return [replace(v, projection=projection) if v is latest else v for v in values]


def headline_of(series: Sequence[MeasureValue]) -> MeasureValue | None:
    """The figure a measure is reported on: its latest outturn (actual)."""
    actual = [v for v in series if v.basis == "actual" and v.value is not None]
    return actual[-1] if actual else None


def forecast_of(series: Sequence[MeasureValue]) -> MeasureValue | None:
    """The latest forecast: for a yearly measure the forecast for the nearest year (the year the
    forecast was made in), for a termly one the forecast made most recently."""
    forecasts = [v for v in series if v.basis == "forecast" and v.value is not None]
    if not forecasts:
        return None
    return forecasts[0] if forecasts[0].measure.grain == "financial_year" else forecasts[-1]


def reported_of(series: Sequence[MeasureValue]) -> MeasureValue | None:
    """What a page, table or pack leads with: the latest outturn, or the latest forecast when the
    measure has no outturn at all (each of its figures is a forecast)."""
    return headline_of(series) or forecast_of(series)


def clearing_year(values: list[MeasureValue]) -> dict:
    """The first year the latest outturn or forecast (or the plan, beyond it) clears the deficit:
    the projection of the cumulative balance, stated on the plan page and in lfi measures."""
    for value in values:
        if value.value is not None and value.value <= Decimal("0.005"):
            return {
                "period": value.period,
                "value": float(value.value),
                "method": f"the cumulative deficit is cleared in {value.period}",
            }
    last = values[-1]
    return {
        "period": last.period,
        "value": _number(last.value),
        "method": f"the cumulative deficit is not cleared by {last.period}",
    }


def _with_comparators(values: list[MeasureValue], place: Place | None) -> list[MeasureValue]:
    """The published comparator, on the headline figure (the latest outturn) only: it has its own
    period and basis, and the council's own SEN2 figure on that basis travels with it."""
    measure = values[0].measure if values else None
    headline = headline_of(values)
    if measure is None or measure.comparator is None or place is None or headline is None:
        return values
    found = comparators.compare(
        measure.comparator,
        place.la_code,
        measure.direction,
        comparators.public_data(),
        neighbours=place.neighbours or None,
    )
    compared = replace(
        headline,
        england=found.england_record(),
        neighbours=found.neighbours_record(),
        comparator_council=found.council_record(),
        quartile=found.quartile_record(),
    )
    return [compared if v is headline else v for v in values]


def compute_measures(
    catalogue: Catalogue,
    position: DsgPosition | None,
    returns: Returns | None = None,
    place: Place | None = None,
) -> list[MeasureValue]:
    """Every measure in catalogue order, each for every period its data covers; with the
    council's ``place``, the published comparators on the headlines and trends carried to the
    plan's last year."""
    returns = returns or Returns()
    computed: dict[str, Series] = {}
    results: list[MeasureValue] = []
    # every placement measure reads the same terms' tallies: worked out once
    tallies = term_tallies(returns, placement_questions(catalogue.computed))
    # every DSG measure reads the same years on the same bases
    bases = {year: position.basis(year) for year in position.years} if position else {}
    for measure in catalogue.computed:
        if measure.formula in FORMULAS:
            values = _with_travel(compute_measure(measure, position, bases)) if position else []
        else:
            series = (
                TERM_FORMULAS[measure.formula](returns)
                if measure.formula
                else compute_series(measure, returns, computed, tallies)
            )
            computed[measure.id] = series
            values = _from_returns(measure, series, returns, tallies)  # with their travel
        projected = _with_projection(values, position, place)
        results += _with_comparators(projected, place)
    return results
