"""The door pages and exports go through to the data: what they may ask of it, and the plain
records it answers with. Nothing here reaches the database; services.dashboard does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.actors import Actor, SessionStarted, SignedIn, SignInRefused
from domain.audit import AuditFilter, AuditRecord
from domain.roles import Role
from kpis.catalogue import Catalogue, Measure
from kpis.measures import MeasureValue
from kpis.notes import Note
from kpis.plan_view import PlanView
from kpis.preview import Preview
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from loaders.submissions import CheckedWorkbook, LoadOutcome, PriorSubmission
from settings import Settings


@dataclass(frozen=True)
class PendingFile:
    """An uploaded file kept until it is confirmed; the token names it in the page address. A
    refused file's content is its report, not its bytes."""

    token: str
    file_name: str
    content: bytes
    uploaded_at: datetime


@dataclass(frozen=True)
class PendingCheck:
    """A pending file after every check, with what storing it would change."""

    checked: CheckedWorkbook
    identical_to: PriorSubmission | None = None
    replaces: PriorSubmission | None = None
    preview: Preview = Preview(changes=(), waiting=())

    @property
    def needs_reason(self) -> bool:
        return self.replaces is not None


@dataclass(frozen=True)
class Overtaken:
    """Another file became current for the family and period after the officer's check page was
    worked out: nothing was stored, and the page must be checked again."""

    current: PriorSubmission | None


class Service(Protocol):
    """Everything pages and exports read and write, and nothing else."""

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def settings(self) -> Settings: ...

    def snapshot(self) -> Snapshot:
        """The measures for the data as it is now."""
        ...

    def measure(self, ref: int) -> Measure | None: ...

    def plan_view(self) -> PlanView | None: ...

    def measures(self) -> list[MeasureValue]: ...

    def superseded(self, ref: int) -> list[tuple[SubmissionRecord, MeasureValue]]:
        """What the measure was on each superseded file."""
        ...

    def commentary(self, period: str) -> dict[int, Note]: ...

    def commentary_history(self, ref: int, period: str) -> list[Note]: ...

    def return_entries(self, round_name: str) -> dict[str, list[Note]]: ...

    def content_version(self) -> tuple[int, ...]:
        """Changes whenever anything a page shows is stored."""
        ...

    def keep_upload(self, file_name: str, data: bytes) -> str:
        """Keep an uploaded file until it is confirmed; its token."""
        ...

    def read_upload(self, token: str) -> PendingFile | None: ...

    def check_upload(self, pending: PendingFile) -> PendingCheck: ...

    def store_upload(
        self, pending: PendingFile, *, replaces: int | None, reason: str | None, loaded_by: str
    ) -> LoadOutcome | Overtaken:
        """Store the file only if it still replaces ``replaces`` (None for a new period)."""
        ...

    def forget_upload(self, token: str) -> None: ...

    def save_commentary(self, *, ref: int, period: str, text: str, written_by: str) -> None:
        """Raises kpis.notes.NoteError when what was typed cannot be saved."""
        ...

    def save_return_entries(
        self, *, round_name: str, entries: dict[str, tuple[str | None, str]], written_by: str
    ) -> None:
        """Raises kpis.notes.NoteError when what was typed cannot be saved."""
        ...

    # ---- signing in, sessions and the audit trail (services.access) --------------------------

    def sign_in(
        self, *, email: str, password: str, address: str | None
    ) -> SessionStarted | SignInRefused: ...

    def sign_in_sso(
        self, *, subject: str, email: str, role: Role | None, address: str | None
    ) -> SessionStarted | SignInRefused: ...

    def sign_out(self, token: str, actor: Actor) -> None: ...

    def read_session(self, token: str, *, address: str | None) -> SignedIn | None: ...

    def record_refusal(self, actor: Actor, why: str, path: str) -> None: ...

    def record_export(self, actor: Actor, what: str) -> None: ...

    def audit_events(self, actor: Actor, wanted: AuditFilter | None = None) -> list[AuditRecord]:
        """The audit trail, newest first; admins only (domain.actors.Forbidden otherwise)."""
        ...
