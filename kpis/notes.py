"""What the programme team has written: commentary on measures and the DfE return's answers,
newest first, every earlier version kept as history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.database import as_utc
from storage.models import Commentary, ReturnEntry


@dataclass(frozen=True)
class Note:
    text: str
    written_by: str
    written_at: datetime
    rag: str | None = None


def commentary_history(session: Session, ref: int, period: str) -> list[Note]:
    rows = session.scalars(
        select(Commentary)
        .where(Commentary.ref == ref, Commentary.period == period)
        .order_by(Commentary.id.desc())
    ).all()
    return [Note(r.text, r.written_by, as_utc(r.written_at)) for r in rows]


def commentary_for_period(session: Session, period: str) -> dict[int, Note]:
    """The newest commentary on each measure for ``period``."""
    rows = session.scalars(
        select(Commentary).where(Commentary.period == period).order_by(Commentary.id)
    ).all()
    return {r.ref: Note(r.text, r.written_by, as_utc(r.written_at)) for r in rows}


def return_entries(session: Session, round_name: str) -> dict[str, list[Note]]:
    """Each item of the round's return, its versions newest first."""
    rows = session.scalars(
        select(ReturnEntry).where(ReturnEntry.round == round_name).order_by(ReturnEntry.id.desc())
    ).all()
    entries: dict[str, list[Note]] = {}
    for r in rows:
        entries.setdefault(r.item, []).append(
            Note(r.text, r.written_by, as_utc(r.written_at), r.rag)
        )
    return entries
