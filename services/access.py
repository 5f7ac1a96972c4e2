"""Signing in and out, the sessions behind them, and the records of refusals and downloads: what
the web layer's guard and sign-in pages ask of the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from domain.actors import Actor, SessionStarted, SignedIn, SignInRefused
from domain.roles import Permission, Role
from services import accounts
from services.audit import Action, AuditFilter, AuditRecord, Outcome, read_events, record_alone
from services.web_sessions import SessionPolicy, end_session, read_session, start_session


@dataclass
class AccessService:
    engine: Engine
    policy: SessionPolicy = field(default_factory=SessionPolicy)

    def _started(self, found: accounts.AccountRecord, address: str | None) -> SessionStarted:
        token, csrf = start_session(self.engine, found.id)
        return SessionStarted(found.as_actor(address), token, csrf)

    def sign_in(
        self, *, email: str, password: str, address: str | None
    ) -> SessionStarted | SignInRefused:
        found = accounts.authenticate(self.engine, email=email, password=password, address=address)
        return found if isinstance(found, SignInRefused) else self._started(found, address)

    def sign_in_sso(
        self,
        *,
        subject: str,
        email: str,
        role: Role | None,
        address: str | None,
        council: str | None = None,
    ) -> SessionStarted | SignInRefused:
        found = accounts.sign_in_oidc(
            self.engine, subject=subject, email=email, role=role, address=address, council=council
        )
        return found if isinstance(found, SignInRefused) else self._started(found, address)

    def sign_out(self, token: str, actor: Actor) -> None:
        end_session(self.engine, token, actor)

    def read_session(self, token: str, *, address: str | None) -> SignedIn | None:
        return read_session(self.engine, token, policy=self.policy, address=address)

    def record_refusal(self, actor: Actor, why: str, path: str) -> None:
        record_alone(
            self.engine,
            actor,
            Action.DENIED,
            outcome=Outcome.DENIED,
            target=path[:255],
            detail={"why": why},
        )

    def record_export(self, actor: Actor, what: str) -> None:
        record_alone(self.engine, actor, Action.EXPORT, target=what[:255])

    def audit_events(self, actor: Actor, wanted: AuditFilter | None = None) -> list[AuditRecord]:
        """The audit trail of the council ``actor`` administers; all of it for an administrator
        of every council acting outside any."""
        actor.require(Permission.ADMINISTER)
        return read_events(self.engine, actor.council, wanted or AuditFilter())

    def accounts(self, actor: Actor) -> list[accounts.AccountRecord]:
        return accounts.list_accounts(self.engine, actor)


def session_policy(*, idle_minutes: int, lifetime_hours: int) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=idle_minutes), lifetime=timedelta(hours=lifetime_hours)
    )
