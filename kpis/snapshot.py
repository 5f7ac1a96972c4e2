"""Everything the pages read for one data version: the computed measures, the plan and the
submission history, with the questions every page asks of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.periods import period_sort_key
from kpis.measures import MeasureValue, forecast_of, headline_of, reported_of
from kpis.plan_view import PlanView
from kpis.submissions import SubmissionRecord


@dataclass(frozen=True)
class Snapshot:
    """Everything the pages read, worked out once for one data version."""

    version: tuple[int, int]
    measures: tuple[MeasureValue, ...]
    plan_view: PlanView | None
    submissions: tuple[SubmissionRecord, ...]
    by_ref: dict[int, tuple[MeasureValue, ...]] = field(default_factory=dict)
    # From the DSG workbook's Targets sheet: measure ref -> (baseline value, its period).
    baselines: dict[int, tuple] = field(default_factory=dict)

    def series(self, ref: int) -> tuple[MeasureValue, ...]:
        return self.by_ref.get(ref, ())

    def latest(self, ref: int) -> MeasureValue | None:
        """The figure a measure is reported and judged on everywhere: its latest outturn, or its
        latest forecast when every figure it has is a forecast."""
        return reported_of(self.series(ref))

    def headline(self, ref: int) -> MeasureValue | None:
        """The latest outturn (actual), or None."""
        return headline_of(self.series(ref))

    def forecast(self, ref: int) -> MeasureValue | None:
        """The latest forecast, shown beside the outturn and labelled as a forecast."""
        return forecast_of(self.series(ref))

    @property
    def is_demo(self) -> bool:
        """Any figure shown comes from the demo data, so the page must say so."""
        return any(s.is_demo for s in self.submissions)

    def latest_term(self) -> str | None:
        """The newest term an EHCP or High Needs Block return has been loaded for (a DSG
        forecast made in a term carries no termly figures)."""
        terms = [s.period for s in self.submissions if s.family != "dsg"]
        return max(terms, key=period_sort_key) if terms else None

    def submission(self, submission_id: int | None) -> SubmissionRecord | None:
        return next((s for s in self.submissions if s.id == submission_id), None)
