"""The submission history as the pages show it: every file, its status, who loaded it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.database import as_utc
from storage.models import Submission

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


def read_submissions(session: Session) -> list[SubmissionRecord]:
    """Every submission, newest first."""
    rows = session.scalars(select(Submission).order_by(Submission.id.desc())).all()
    return [
        SubmissionRecord(
            id=s.id,
            family=s.family,
            period=s.period,
            file_name=s.file_name,
            loaded_at=as_utc(s.loaded_at),
            loaded_by=s.loaded_by,
            status=s.status,
            is_demo=s.is_demo,
            size_bytes=s.size_bytes,
            superseded_by_id=s.superseded_by_id,
            supersede_reason=s.supersede_reason,
        )
        for s in rows
    ]
