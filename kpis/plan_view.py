"""Everything the financial plan page and its exports show, computed once from the position."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.plan_lines import DERIVED_LABELS, LineGroup
from kpis.catalogue import Catalogue, Measure
from kpis.dsg import DsgFigures, DsgPosition, millions
from kpis.measures import MeasureValue, compute_measure

IN_YEAR = "dsg_in_year_deficit"
CUMULATIVE_BEFORE = "dsg_cumulative_deficit_before_contributions"
CUMULATIVE_AFTER = "dsg_cumulative_deficit_after_contributions"


@dataclass(frozen=True)
class TableRow:
    label: str
    values: dict[str, Decimal]  # £m by year, with the plan's signs
    derived: bool = False


@dataclass(frozen=True)
class PlanView:
    position: DsgPosition
    measures: dict[str, list[MeasureValue]]  # by measure id, each year in order
    catalogue: Catalogue

    @property
    def in_year(self) -> list[MeasureValue]:
        return self.measures[IN_YEAR]

    @property
    def cumulative(self) -> list[MeasureValue]:
        return self.measures[CUMULATIVE_AFTER]

    @property
    def final(self) -> MeasureValue:
        """The cumulative balance after contributions in the plan's last year."""
        return self.cumulative[-1]

    @property
    def latest(self) -> MeasureValue | None:
        """The cumulative balance in the last year the outturn or forecast covers; None if none."""
        judged = [v for v in self.cumulative if v.basis != "plan"]
        return judged[-1] if judged else None

    @property
    def current_year(self) -> str | None:
        term = self.position.forecast_term
        return term.financial_year if term else None

    def measure(self, measure_id: str) -> Measure:
        return self.catalogue.by_id(measure_id)

    def at(self, measure_id: str, year: str) -> MeasureValue:
        return next(v for v in self.measures[measure_id] if v.period == year)


# Where the paper places its derived rows: after the last line of each group.
DERIVED_AFTER = {
    LineGroup.INCOME: ("total_income",),
    LineGroup.EXPENDITURE: (
        "total_expenditure",
        "in_year_deficit",
        "cumulative_before_contributions",
    ),
    LineGroup.CONTRIBUTION: ("cumulative_after_contributions",),
}


def build_table(figures: DsgFigures) -> list[TableRow]:
    """The plan's rows in the paper's order, the derived ones worked out, in £m."""
    years, derived = figures.years, figures.derived
    rows: list[TableRow] = []
    for group in LineGroup:
        for line in figures.plan_lines.of_group(group):
            rows.append(
                TableRow(line.label, {y: millions(figures.line(line.code, y)) for y in years})
            )
        for code in DERIVED_AFTER[group]:
            rows.append(
                TableRow(
                    DERIVED_LABELS[code],
                    {y: millions(derived[y].as_dict()[code]) for y in years},
                    True,
                )
            )
    return rows


def build_plan_view(catalogue: Catalogue, position: DsgPosition) -> PlanView:
    dsg_measures = [m for m in catalogue.computed if m.category == "DSG"]
    return PlanView(
        position=position,
        measures={m.id: compute_measure(m, position) for m in dsg_measures},
        catalogue=catalogue,
    )
