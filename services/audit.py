"""The audit trail: who did what, when, to what and from where. Written by the same call, in the
same transaction, as the change it records; nothing here updates or deletes a row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.audit import ACTIONS, OUTCOMES, Action, AuditFilter, AuditRecord, Outcome
from storage.database import as_utc, write_session
from storage.models import AuditEvent

__all__ = ["ACTIONS", "OUTCOMES", "Action", "AuditFilter", "AuditRecord", "Outcome"]


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    outcome: str = Outcome.OK,
    target: str | None = None,
    detail: Mapping[str, object] | None = None,
    address: str | None = None,
) -> None:
    """Add one event to the caller's transaction: it is kept exactly when the change is."""
    session.add(
        AuditEvent(
            at=datetime.now(UTC),
            actor=actor.name[:254],
            action=action,
            outcome=outcome,
            target=target[:255] if target else None,
            detail=json.dumps(dict(detail), default=str, sort_keys=True) if detail else None,
            address=(address or actor.address or None),
            council=actor.council,
        )
    )


def record_alone(engine: Engine, actor: Actor, action: str, **fields) -> None:
    """An event that changes nothing else (a sign-in, a refusal, an export): its own transaction."""
    with write_session(engine) as session:
        record(session, actor, action, **fields)


def read_events(
    engine: Engine, council: str | None, wanted: AuditFilter | None = None
) -> list[AuditRecord]:
    """Events matching ``wanted``, newest first: of ``council`` only, or (None) of every council
    and of none, for an administrator of every council."""
    wanted = wanted or AuditFilter()
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if council is not None:
        query = query.where(AuditEvent.council == council)
    if wanted.actor:
        query = query.where(func.lower(AuditEvent.actor).contains(wanted.actor.strip().lower()))
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.outcome:
        query = query.where(AuditEvent.outcome == wanted.outcome)
    if wanted.since:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.until:
        query = query.where(AuditEvent.at < wanted.until)
    if wanted.limit:
        query = query.limit(wanted.limit)
    with Session(engine) as session:
        return [
            AuditRecord(
                e.id,
                as_utc(e.at),
                e.actor,
                e.action,
                e.outcome,
                e.target,
                e.detail,
                e.address,
                e.council,
            )
            for e in session.scalars(query)
        ]


def count_recent(
    session: Session,
    action: str,
    *,
    within: timedelta,
    outcome: str | None = None,
    actor: str | None = None,
    address: str | None = None,
) -> int:
    """How many such events there were lately: the rate limits count the trail itself, so every
    worker and server sees the same count."""
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.at >= datetime.now(UTC) - within
    )
    if outcome is not None:
        query = query.where(AuditEvent.outcome == outcome)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if address is not None:
        query = query.where(AuditEvent.address == address)
    return session.scalar(query) or 0
