"""What a council's workbooks hold, as the loaders need to know it: the plan's years and lines,
and the measures a Targets sheet may name. Built from the council's profile and catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.plan_lines import PlanLines

TERM, YEAR = "term", "year"


@dataclass(frozen=True)
class MeasureKind:
    """What the Targets sheet needs to know of a measure: its name and how it is counted."""

    ref: int
    label: str
    grain: str | None  # term or financial_year
    nature: str  # flow (counted over the term) or snapshot (a level on a day)
    # The measure follows from the DSG plan itself (its targets are the plan's own lines), so
    # the Targets sheet leaves it out.
    follows_plan: bool = False

    @property
    def is_termly_flow(self) -> bool:
        return self.grain == "term" and self.nature == "flow"

    @property
    def default_per(self) -> str:
        return TERM if self.is_termly_flow else YEAR


@dataclass(frozen=True)
class PlanShape:
    council: str  # the council's name, as its templates are headed
    years: tuple[str, ...]
    lines: PlanLines
    measures: Mapping[int, MeasureKind]

    @property
    def measure_refs(self) -> tuple[int, ...]:
        return tuple(sorted(self.measures))

    @property
    def target_refs(self) -> tuple[int, ...]:
        """The measures the Targets sheet lists: all but those that follow the plan."""
        return tuple(ref for ref in self.measure_refs if not self.measures[ref].follows_plan)
