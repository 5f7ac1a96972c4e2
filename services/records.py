"""Reading what is stored back as the plain records the pages show: submissions, commentary and
the DfE return's answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpis.notes import Note
from kpis.submissions import SubmissionRecord
from storage.database import as_utc
from storage.models import Commentary, ReturnEntry, Submission


def read_submissions(session: Session, council: str) -> list[SubmissionRecord]:
    """Every submission of the council, newest first."""
    rows = session.scalars(
        select(Submission).where(Submission.council == council).order_by(Submission.id.desc())
    ).all()
    return [submission_record(s) for s in rows]


def submission_record(s: Any) -> SubmissionRecord:
    """A submission as the pages see it, from its stored row (a Submission, or a row of its
    columns: both name them alike)."""
    return SubmissionRecord(
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


def commentary_history(session: Session, council: str, ref: int, period: str) -> list[Note]:
    rows = session.scalars(
        select(Commentary)
        .where(Commentary.council == council, Commentary.ref == ref, Commentary.period == period)
        .order_by(Commentary.id.desc())
    ).all()
    return [Note(r.text, r.written_by, as_utc(r.written_at)) for r in rows]


def commentary_for_period(session: Session, council: str, period: str) -> dict[int, Note]:
    """The council's newest commentary on each measure for ``period``."""
    rows = session.scalars(
        select(Commentary)
        .where(Commentary.council == council, Commentary.period == period)
        .order_by(Commentary.id)
    ).all()
    return {r.ref: Note(r.text, r.written_by, as_utc(r.written_at)) for r in rows}


def return_entries(session: Session, council: str, round_name: str) -> dict[str, list[Note]]:
    """Each item of the council's return for the round, its versions newest first."""
    rows = session.scalars(
        select(ReturnEntry)
        .where(ReturnEntry.council == council, ReturnEntry.round == round_name)
        .order_by(ReturnEntry.id.desc())
    ).all()
    entries: dict[str, list[Note]] = {}
    for r in rows:
        entries.setdefault(r.item, []).append(
            Note(r.text, r.written_by, as_utc(r.written_at), r.rag)
        )
    return entries
