"""Every computed measure for every period, set against its plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpis.catalogue import Catalogue, Measure
from kpis.dsg import DsgPosition
from kpis.formulas import FORMULAS
from kpis.trajectory import NONE, rag_status


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
    submission_id: int

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
            "status": self.status,
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def compute_measure(measure: Measure, position: DsgPosition) -> list[MeasureValue]:
    """One measure for every year of the plan: the outturn or forecast where there is one."""
    function = FORMULAS[measure.formula]
    planned = function(position.plan)
    forecast = function(position.forecast) if position.forecast else {}
    values = []
    for year in position.years:
        basis = position.basis(year)
        plan_value = planned.get(year)
        value = plan_value if basis == "plan" else forecast.get(year)
        judged = basis != "plan" and value is not None and plan_value is not None
        values.append(
            MeasureValue(
                measure=measure,
                period=year,
                value=value,
                basis=basis,
                plan_value=plan_value,
                variance=value - plan_value if judged else None,
                status=rag_status(value=value, plan=plan_value, measure=measure)
                if judged
                else NONE,
                submission_id=position.submission.id,
            )
        )
    return values


def compute_measures(catalogue: Catalogue, position: DsgPosition) -> list[MeasureValue]:
    """Every computed measure in catalogue order, each for every year."""
    return [value for m in catalogue.computed for value in compute_measure(m, position)]
