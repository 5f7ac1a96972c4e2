"""Saving what the programme team writes: each save is a new row, so nothing is overwritten."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine

from kpis.notes import NoteError
from storage.database import write_session
from storage.models import Commentary, ReturnEntry

TEXT_LIMIT = 20_000
NAME_LIMIT = 120


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _checked(text: str, written_by: str) -> tuple[str, str]:
    # Control characters have no place in prose and cannot be written to XLSX or DOCX.
    text = _CONTROL.sub("", text).strip()
    name = " ".join(_CONTROL.sub("", written_by).split())
    if not name:
        raise NoteError("Enter your name")
    if len(name) > NAME_LIMIT:
        raise NoteError(f"Your name must be {NAME_LIMIT} characters or fewer")
    if len(text) > TEXT_LIMIT:
        raise NoteError(f"The text must be {TEXT_LIMIT:,} characters or fewer")
    return text, name


def save_commentary(engine: Engine, *, ref: int, period: str, text: str, written_by: str) -> None:
    text, name = _checked(text, written_by)
    if not text:
        raise NoteError("Enter the commentary")
    with write_session(engine) as session:
        session.add(
            Commentary(
                ref=ref, period=period, text=text, written_by=name, written_at=datetime.now(UTC)
            )
        )


def save_return_entries(
    engine: Engine, *, round_name: str, entries: dict[str, tuple[str | None, str]], written_by: str
) -> None:
    """``entries`` maps an item to its (RAG or None, text); all are saved in one transaction."""
    _, name = _checked("", written_by)
    now = datetime.now(UTC)
    with write_session(engine) as session:
        for item, (rag, text) in entries.items():
            checked, _ = _checked(text, name)
            session.add(
                ReturnEntry(
                    round=round_name,
                    item=item,
                    rag=rag,
                    text=checked,
                    written_by=name,
                    written_at=now,
                )
            )
