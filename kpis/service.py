"""What the pages and the command line ask of the measures, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue
from kpis.measures import MeasureValue, compute_measures
from kpis.plan_view import PlanView, read_plan_view
from kpis.sources import read_dsg_position, read_returns


@dataclass(frozen=True)
class MeasureService:
    engine: Engine
    catalogue: Catalogue

    def plan_view(self) -> PlanView | None:
        with Session(self.engine) as session:
            return read_plan_view(session, self.catalogue)

    def measures(self) -> list[MeasureValue]:
        """Every computed measure for every period; empty when nothing has been loaded."""
        with Session(self.engine) as session:
            position = read_dsg_position(session)
            returns = read_returns(session)
        return compute_measures(self.catalogue, position, returns)
