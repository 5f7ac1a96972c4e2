"""The DSG plan and forecast as the measures see them, and the basis of each year's figure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from domain.money import millions
from domain.periods import Term, financial_year_start
from domain.plan_lines import DerivedYear, PlanLines

__all__ = ["DsgFigures", "DsgPosition", "DsgSubmissionInfo", "millions"]


@dataclass(frozen=True)
class DsgFigures:
    """One set of figures (the plan, or the forecast) over the years it covers, in pence, by the
    council's line codes; ``plan_lines`` say how each line counts."""

    years: tuple[str, ...]
    opening_balance: int
    lines: Mapping[str, Mapping[str, int]]
    plan_lines: PlanLines

    @cached_property
    def derived(self) -> dict[str, DerivedYear]:
        return self.plan_lines.derive_years(
            self.lines, opening_balance=self.opening_balance, years=self.years
        )

    def line(self, code: str, year: str) -> int:
        return self.lines.get(code, {}).get(year, 0)

    def standard(self, standard: str, year: str) -> int:
        """The year's figure on a standard line: every council line mapped to it, added."""
        return self.plan_lines.standard_total(self.lines, standard, year)


@dataclass(frozen=True)
class DsgSubmissionInfo:
    id: int
    file_name: str
    loaded_at: datetime
    is_demo: bool


@dataclass(frozen=True)
class DsgPosition:
    """The current plan and latest forecast, with the submission they came from."""

    submission: DsgSubmissionInfo
    plan: DsgFigures
    forecast: DsgFigures | None
    forecast_term: Term | None

    @property
    def years(self) -> tuple[str, ...]:
        return self.plan.years

    def basis(self, year: str) -> str:
        """``actual`` for a year that ended before the forecast was made, ``forecast`` for a
        forecast year, ``plan`` where there is no forecast."""
        if self.forecast is None or self.forecast_term is None or year not in self.forecast.years:
            return "plan"
        term_year = financial_year_start(self.forecast_term.financial_year)
        return "actual" if financial_year_start(year) < term_year else "forecast"
