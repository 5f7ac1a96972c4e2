"""What the programme team has written: commentary on measures and the DfE return's answers,
newest first, every earlier version kept as history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Note:
    text: str
    written_by: str
    written_at: datetime
    rag: str | None = None


class NoteError(ValueError):
    """What was typed cannot be saved: the message says what to change."""
