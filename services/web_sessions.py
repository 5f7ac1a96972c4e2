"""Signed-in sessions, kept on the server: the browser holds only a random token.

A session ends when its owner signs out, when it has been idle too long, when it has lasted its
absolute lifetime, or when its account is disabled. Signing in always starts a new session, so a
token planted before sign-in is worth nothing after it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor, SignedIn
from services.account_roles import read_roles
from services.audit import Action, record
from storage.database import as_utc, write_session
from storage.models import Account, WebSession

# A session's last use is written at most this often: a write on every request would queue
# every reader behind the loads.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, account_id: int) -> tuple[str, str]:
    """A new session for the account: (the cookie's token, the session's CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.add(
            WebSession(
                token_sha256=_digest(token),
                account_id=account_id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
            )
        )
    return token, csrf


def read_session(
    engine: Engine, token: str, *, policy: SessionPolicy, address: str | None
) -> SignedIn | None:
    """The live session the token names, its last use noted; None if it has ended."""
    if not token or len(token) > 128:
        return None
    now = datetime.now(UTC)
    with Session(engine) as session:
        row = session.execute(
            select(WebSession, Account)
            .join(Account, Account.id == WebSession.account_id)
            .where(WebSession.token_sha256 == _digest(token))
        ).first()
    if row is None:
        return None
    web, account = row
    if web.ended_at is not None or account.disabled:
        return None
    if (
        now - as_utc(web.last_seen_at) > policy.idle
        or now - as_utc(web.created_at) > policy.lifetime
    ):
        _end(engine, web.id, now)
        return None
    if now - as_utc(web.last_seen_at) > TOUCH_EVERY:
        with write_session(engine) as session:
            session.execute(
                update(WebSession).where(WebSession.id == web.id).values(last_seen_at=now)
            )
    with Session(engine) as session:
        roles = read_roles(session, account)
    actor = Actor(account.email, roles.outside_councils(), address)
    return SignedIn(actor, web.csrf_token, account.id, roles)


def _end(engine: Engine, session_id: int, now: datetime) -> None:
    with write_session(engine) as session:
        session.execute(
            update(WebSession)
            .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def end_session(engine: Engine, token: str, actor: Actor) -> None:
    """Sign out: the session ends on the server, whatever the browser keeps."""
    now = datetime.now(UTC)
    with write_session(engine) as session:
        # An UPDATE's result is a CursorResult, which counts its rows; Session.execute is typed
        # to return the plain Result (SQLAlchemy's documentation casts it the same way).
        ended = cast(
            CursorResult[Any],
            session.execute(
                update(WebSession)
                .where(WebSession.token_sha256 == _digest(token), WebSession.ended_at.is_(None))
                .values(ended_at=now)
            ),
        )
        if ended.rowcount:
            record(session, actor, Action.SIGN_OUT)
