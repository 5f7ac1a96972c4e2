"""The submission history as the pages show it: every file, its status, who loaded it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FAMILY_TITLES = {
    "dsg": "DSG plan and forecast",
    "ehcp": "EHCP return",
    "hnb": "High Needs Block return",
}


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    family: str
    period: str
    file_name: str
    loaded_at: datetime
    loaded_by: str | None
    status: str
    is_demo: bool
    size_bytes: int
    superseded_by_id: int | None
    supersede_reason: str | None

    @property
    def family_title(self) -> str:
        return FAMILY_TITLES.get(self.family, self.family)

    @property
    def period_label(self) -> str:
        return "Plan only" if self.period == "plan" else self.period
