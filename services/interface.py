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
from kpis.council import Council
from kpis.measures import MeasureValue
from kpis.notes import Note
from kpis.plan_view import PlanView
from kpis.preview import Preview
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from loaders.submissions import CheckedWorkbook, LoadOutcome, PriorSubmission
from services.shared_store import SharedStore
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
class WaitingUpload:
    """A pending upload as its owner's list shows it: no content."""

    token: str
    file_name: str
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


class UploadError(Exception):
    """Base of the upload path's refusals; the message says what happened and what to do, in
    words the upload pages show as they are.

    - UploadRefused: a file was not taken in (too many waiting, too many lately); nothing kept.
    - UploadGone: the upload is no longer waiting (stored, discarded, expired, or another's).
    """


class UploadRefused(UploadError):
    """keep_upload refused the file before keeping anything: a limit was reached."""

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        # The setting that was reached: pending_per_user, pending_total or uploads_per_hour.
        self.limit = limit


class UploadGone(UploadError):
    """The pending upload is not waiting for this account any more: nothing was stored."""


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
    def council(self) -> Council:
        """The council served: its profile (name, contact, plan, conditions, workstreams) and
        its measure catalogue."""
        ...

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

    # Every write is given the actor doing it: their role is checked first (domain.actors.
    # Forbidden, nothing stored) and their name is what the history and the audit trail keep.

    def keep_upload(self, actor: Actor, file_name: str, data: bytes) -> str:
        """Keep an uploaded file for ``actor`` until they confirm it; its token. Raises
        UploadRefused, keeping nothing, when a limit on waiting or recent uploads is reached."""
        ...

    def read_upload(self, actor: Actor, token: str) -> PendingFile | None:
        """``actor``'s own pending upload; None for another's, or one past its lifetime."""
        ...

    def waiting_uploads(self, actor: Actor) -> list[WaitingUpload]:
        """``actor``'s pending uploads, newest first."""
        ...

    def check_upload(self, actor: Actor, pending: PendingFile) -> PendingCheck:
        """Every check of the pending file, and what storing it would change. With Redis and a
        job worker, a file over LFI_BACKGROUND_CHECK_MB is checked by the worker instead:
        services.jobs.InBackground says so, naming the job the page follows."""
        ...

    def store_upload(
        self, actor: Actor, pending: PendingFile, *, replaces: int | None, reason: str | None
    ) -> LoadOutcome | Overtaken:
        """Store the file only if it still replaces ``replaces`` (None for a new period), and
        forget it once stored. Raises UploadGone when it is no longer waiting for ``actor``."""
        ...

    def forget_upload(self, actor: Actor, token: str) -> None:
        """Discard ``actor``'s pending upload; another's is left alone."""
        ...

    def save_commentary(self, actor: Actor, *, ref: int, period: str, text: str) -> None:
        """Raises kpis.notes.NoteError when what was typed cannot be saved."""
        ...

    def save_return_entries(
        self, actor: Actor, *, round_name: str, entries: dict[str, tuple[str | None, str]]
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


class Deployment(Protocol):
    """Every council one deployment serves, and what concerns none of them (services.deployment):
    the web layer's guard and the pages across councils see only this."""

    @property
    def councils(self) -> tuple[Council, ...]:
        """Every council served, in the order of their LA codes."""
        ...

    @property
    def store(self) -> SharedStore:
        """What the workers share between requests: the page cache keeps its pages there."""
        ...

    def service(self, code: str) -> Service | None:
        """The council's service; None for a council not served here."""
        ...

    def snapshots(self, codes: tuple[str, ...]) -> dict[str, Snapshot]: ...

    def sign_in(
        self, *, email: str, password: str, address: str | None
    ) -> SessionStarted | SignInRefused: ...

    def sign_in_sso(
        self,
        *,
        subject: str,
        email: str,
        role: Role | None,
        address: str | None,
        council: str | None = None,
    ) -> SessionStarted | SignInRefused: ...

    def sign_out(self, token: str, actor: Actor) -> None: ...

    def read_session(self, token: str, *, address: str | None) -> SignedIn | None: ...

    def record_refusal(self, actor: Actor, why: str, path: str) -> None: ...

    def audit_events(self, actor: Actor, wanted: AuditFilter | None = None) -> list[AuditRecord]:
        """The audit trail ``actor`` administers (their council's, or all of it for an
        administrator of every council acting outside any), newest first."""
        ...
