"""The dashboard service: the one object pages and exports are handed (services.interface says
what they may ask of it). Every session and every write happens here or below."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.actors import Actor
from kpis.catalogue import Catalogue, Measure
from kpis.council import Council, chosen_council, read_councils
from kpis.measures import MeasureValue
from kpis.notes import Note
from kpis.plan_view import PlanView
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from loaders.submissions import LoadOutcome
from services import notes, uploads
from services.access import AccessService, session_policy
from services.interface import Overtaken, PendingCheck, PendingFile, WaitingUpload
from services.measures import HeldSnapshots, MeasureService, content_version
from services.shared_store import SharedStore, open_store
from settings import Settings


@dataclass
class DashboardService(AccessService):
    """The measures, uploads and notes; signing in, sessions and the audit trail it inherits."""

    measures_service: MeasureService = field(kw_only=True)
    settings: Settings = field(kw_only=True)

    @classmethod
    def build(
        cls,
        engine: Engine,
        settings: Settings,
        council: Council | None = None,
        store: SharedStore | None = None,
        held: HeldSnapshots | None = None,
    ) -> DashboardService:
        """The service for the database ``engine`` reaches, as ``settings`` configure it, for
        ``council`` (by default the one settings choose: LFI_COUNCIL, or the only one held).
        kpis.council.CouncilError lists every problem of the councils' files."""
        if council is None:
            council = chosen_council(read_councils(settings.councils_dir), settings.council)
        measures = MeasureService(
            engine=engine,
            council=council,
            cache=settings.cache,
            store=store or open_store(settings.redis_url),
            held=held or HeldSnapshots(),
        )
        policy = session_policy(
            idle_minutes=settings.session_idle_minutes,
            lifetime_hours=settings.session_lifetime_hours,
        )
        return cls(engine, policy, measures_service=measures, settings=settings)

    @property
    def catalogue(self) -> Catalogue:
        return self.measures_service.catalogue

    @property
    def council(self) -> Council:
        return self.measures_service.council

    @property
    def code(self) -> str:
        return self.council.la_code

    def _acting(self, actor: Actor) -> Actor:
        """Every call that acts is made by someone acting in this council, so one council's
        service never acts for another's user."""
        actor.require_in(self.code)
        return actor

    # ---- the measures ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return self.measures_service.snapshot()

    def measure(self, ref: int) -> Measure | None:
        return self.measures_service.measure(ref)

    def plan_view(self) -> PlanView | None:
        return self.measures_service.plan_view()

    def measures(self) -> list[MeasureValue]:
        return self.measures_service.measures()

    def superseded(self, ref: int) -> list[tuple[SubmissionRecord, MeasureValue]]:
        return self.measures_service.superseded(ref)

    def content_version(self) -> tuple[int, ...]:
        with Session(self.engine) as session:
            return content_version(session, self.council.la_code)

    # ---- what the programme team writes ------------------------------------------------------

    def commentary(self, period: str) -> dict[int, Note]:
        return self.measures_service.commentary(period)

    def commentary_history(self, ref: int, period: str) -> list[Note]:
        return self.measures_service.commentary_history(ref, period)

    def return_entries(self, round_name: str) -> dict[str, list[Note]]:
        return self.measures_service.return_entries(round_name)

    def save_commentary(self, actor: Actor, *, ref: int, period: str, text: str) -> None:
        notes.save_commentary(
            self.engine, self._acting(actor), self.code, ref=ref, period=period, text=text
        )

    def save_return_entries(
        self, actor: Actor, *, round_name: str, entries: dict[str, tuple[str | None, str]]
    ) -> None:
        notes.save_return_entries(
            self.engine, self._acting(actor), self.code, round_name=round_name, entries=entries
        )

    # ---- uploads -----------------------------------------------------------------------------

    def keep_upload(self, actor: Actor, file_name: str, data: bytes) -> str:
        return uploads.keep_pending(
            self.engine, self._acting(actor), self.council, file_name, data, self.settings
        )

    def read_upload(self, actor: Actor, token: str) -> PendingFile | None:
        return uploads.read_pending(self.engine, self._acting(actor), token)

    def waiting_uploads(self, actor: Actor) -> list[WaitingUpload]:
        return uploads.waiting_pending(self.engine, self._acting(actor))

    def check_upload(self, actor: Actor, pending: PendingFile) -> PendingCheck:
        return uploads.pending_check(
            self.engine, self._acting(actor), self.council, pending, self.settings
        )

    def store_upload(
        self, actor: Actor, pending: PendingFile, *, replaces: int | None, reason: str | None
    ) -> LoadOutcome | Overtaken:
        return uploads.store_pending(
            self.engine,
            self._acting(actor),
            self.council,
            pending,
            self.settings,
            replaces=replaces,
            reason=reason,
        )

    def forget_upload(self, actor: Actor, token: str) -> None:
        uploads.forget_pending(self.engine, self._acting(actor), token)
