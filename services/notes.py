"""Saving what the programme team writes: each save is a new row, so nothing is overwritten.
Who wrote it is the account saving it, never typed text; the audit trail records each save in the
same transaction."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine

from domain.actors import Actor
from domain.roles import Permission
from kpis.notes import NoteError
from services import audit
from services.audit import Action
from storage.database import write_session
from storage.models import Commentary, ReturnEntry

TEXT_LIMIT = 20_000


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _checked(text: str) -> str:
    # Control characters have no place in prose and cannot be written to XLSX or DOCX.
    text = _CONTROL.sub("", text).strip()
    if len(text) > TEXT_LIMIT:
        raise NoteError(f"The text must be {TEXT_LIMIT:,} characters or fewer")
    return text


def commentary_target(ref: int, period: str) -> str:
    return f"measure {ref} period {period}"


def save_commentary(
    engine: Engine, actor: Actor, council: str, *, ref: int, period: str, text: str
) -> None:
    """Save ``actor``'s commentary on the council's measure ``ref`` for ``period``."""
    actor.require(Permission.WRITE_NOTES)
    text = _checked(text)
    if not text:
        raise NoteError("Enter the commentary")
    with write_session(engine) as session:
        session.add(
            Commentary(
                council=council,
                ref=ref,
                period=period,
                text=text,
                written_by=actor.name,
                written_at=datetime.now(UTC),
            )
        )
        audit.record(
            session,
            actor,
            Action.COMMENTARY,
            target=commentary_target(ref, period),
            detail={"characters": len(text)},
        )


def save_return_entries(
    engine: Engine,
    actor: Actor,
    council: str,
    *,
    round_name: str,
    entries: dict[str, tuple[str | None, str]],
) -> None:
    """``entries`` maps an item to its (RAG or None, text); all are saved in one transaction,
    with one audit record naming the items. Nothing changed, nothing is saved or recorded."""
    actor.require(Permission.WRITE_NOTES)
    checked = {item: (rag, _checked(text)) for item, (rag, text) in entries.items()}
    if not checked:
        return
    now = datetime.now(UTC)
    with write_session(engine) as session:
        for item, (rag, text) in checked.items():
            session.add(
                ReturnEntry(
                    council=council,
                    round=round_name,
                    item=item,
                    rag=rag,
                    text=text,
                    written_by=actor.name,
                    written_at=now,
                )
            )
        audit.record(
            session,
            actor,
            Action.RETURN_ENTRY,
            target=round_name,
            detail={"items": sorted(checked)},
        )
