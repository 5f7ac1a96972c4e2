"""Signed-in sessions kept on the server: the token, its timeouts, signing out, and the access
service that signs people in through them."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.actors import Actor, SessionStarted, SignedIn, SignInRefused
from domain.roles import Role, Roles
from services.access import AccessService, session_policy
from services.accounts import add_account, set_disabled, set_password
from services.audit import read_events
from services.web_sessions import SessionPolicy, end_session, read_session, start_session
from storage.database import as_utc
from storage.models import WebSession
from tests.councils import NORFOLK_CODE

ADMIN = Actor("head@norfolk.gov.uk", Role.ADMIN, None, NORFOLK_CODE)  # acting in Norfolk
ANN = "ann.lee@norfolk.gov.uk"
PASSWORD = "harbour-violet-kestrel"
POLICY = SessionPolicy()  # idle 30 minutes, lifetime 12 hours


@pytest.fixture
def ann_id(engine) -> int:
    # Ann is a programme lead in Norfolk.
    return add_account(
        engine, ADMIN, email=ANN, role=Role.PROGRAMME_LEAD, password=PASSWORD, council=NORFOLK_CODE
    ).id


def _row(engine, token: str) -> WebSession:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with Session(engine) as session:
        return session.scalar(select(WebSession).where(WebSession.token_sha256 == digest))


def _set_times(engine, **values) -> None:
    """Move the (only) session's stored times, as if it had been made or used earlier."""
    with engine.begin() as connection:
        connection.execute(update(WebSession).values(**values))


def _read(engine, token: str, address: str | None = "10.0.0.1") -> SignedIn | None:
    return read_session(engine, token, policy=POLICY, address=address)


def test_ses001_a_new_session_gives_a_token_and_a_csrf_token(engine, ann_id):
    # Given Ann's account, when a session starts for her,
    token, csrf = start_session(engine, ann_id)
    # then there are two different random tokens (32 bytes: 43 URL-safe characters),
    assert len(token) == 43
    assert len(csrf) == 43
    assert token != csrf
    # and the token reads back as Ann, her address, the session's CSRF token and her roles:
    # outside any council a viewer's, in Norfolk a programme lead's.
    signed_in = _read(engine, token)
    assert signed_in == SignedIn(
        Actor(ANN, Role.VIEWER, "10.0.0.1"),
        csrf,
        ann_id,
        Roles(councils={NORFOLK_CODE: Role.PROGRAMME_LEAD}),
    )
    assert signed_in.in_council(NORFOLK_CODE) == Actor(
        ANN, Role.PROGRAMME_LEAD, "10.0.0.1", NORFOLK_CODE
    )
    assert signed_in.in_council("E10000019").role is None


def test_ses002_two_sessions_have_different_tokens(engine, ann_id):
    first, second = start_session(engine, ann_id), start_session(engine, ann_id)
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert _read(engine, first[0]).csrf_token == first[1]
    assert _read(engine, second[0]).csrf_token == second[1]


def test_ses003_only_the_tokens_sha256_is_stored(engine, ann_id):
    # Given a new session, then its row holds the token's SHA-256 and nowhere the token itself.
    token, _ = start_session(engine, ann_id)
    with Session(engine) as session:
        [row] = session.scalars(select(WebSession)).all()
        values = [str(getattr(row, c.key)) for c in WebSession.__table__.columns]
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert len(row.token_sha256) == 64
    assert not any(token in value for value in values)
    assert row.ended_at is None


def test_ses004_a_session_idle_past_thirty_minutes_has_ended(engine, ann_id):
    # Given a session last used 31 minutes ago,
    token, _ = start_session(engine, ann_id)
    _set_times(engine, last_seen_at=datetime.now(UTC) - timedelta(minutes=31))
    # when its token comes back, then it is refused and the session is ended for good.
    assert _read(engine, token) is None
    assert _row(engine, token).ended_at is not None
    _set_times(engine, last_seen_at=datetime.now(UTC))
    assert _read(engine, token) is None


def test_ses005_a_session_idle_under_thirty_minutes_lives_and_is_touched(engine, ann_id):
    # Given a session last used 29 minutes ago, when its token comes back, then it is live
    # and its last use is now.
    token, _ = start_session(engine, ann_id)
    _set_times(engine, last_seen_at=datetime.now(UTC) - timedelta(minutes=29))
    before = datetime.now(UTC)
    assert _read(engine, token).actor.name == ANN
    row = _row(engine, token)
    assert as_utc(row.last_seen_at) >= before
    assert row.ended_at is None


def test_ses006_a_session_past_twelve_hours_has_ended_though_used_lately(engine, ann_id):
    # Given a session made 13 hours ago and used a moment ago,
    token, _ = start_session(engine, ann_id)
    _set_times(engine, created_at=datetime.now(UTC) - timedelta(hours=13))
    # when its token comes back, then it is refused and ended.
    assert _read(engine, token) is None
    assert _row(engine, token).ended_at is not None


def test_ses007_a_shorter_policy_is_applied(engine, ann_id):
    token, _ = start_session(engine, ann_id)
    _set_times(engine, last_seen_at=datetime.now(UTC) - timedelta(minutes=6))
    short = session_policy(idle_minutes=5, lifetime_hours=1)
    assert short == SessionPolicy(idle=timedelta(minutes=5), lifetime=timedelta(hours=1))
    assert read_session(engine, token, policy=short, address=None) is None


def test_ses008_signing_out_ends_the_session_and_is_recorded(engine, ann_id):
    # Given Ann's live session, when she signs out,
    token, _ = start_session(engine, ann_id)
    actor = _read(engine, token).actor
    end_session(engine, token, actor)
    # then her token no longer reads, the session has ended, and the trail says so;
    assert _read(engine, token) is None
    assert _row(engine, token).ended_at is not None
    [event] = [e for e in read_events(engine, None) if e.action == "sign_out"]
    assert (event.actor, event.outcome, event.address) == (ANN, "ok", "10.0.0.1")
    # signing out again records nothing more.
    end_session(engine, token, actor)
    assert [e.action for e in read_events(engine, None)] == ["sign_out", "account_add"]


def test_ses009_a_disabled_accounts_session_is_refused(engine, ann_id):
    # Given Ann's live session, when an admin disables her account, then the token is refused.
    token, _ = start_session(engine, ann_id)
    assert _read(engine, token) is not None
    set_disabled(engine, ADMIN, email=ANN, disabled=True)
    assert _read(engine, token) is None


def test_ses010_a_session_ended_by_disabling_stays_ended_when_enabled_again(engine, ann_id):
    # Given Ann's live session, when her account is disabled and then enabled again,
    token, _ = start_session(engine, ann_id)
    set_disabled(engine, ADMIN, email=ANN, disabled=True)
    assert _row(engine, token).ended_at is not None
    set_disabled(engine, ADMIN, email=ANN, disabled=False)
    # then the old token is still refused: she must sign in afresh.
    assert _read(engine, token) is None


def test_ses015_a_new_password_ends_the_sessions_made_with_the_old_one(engine, ann_id):
    # Given Ann's live session, when an admin sets her a new password,
    token, _ = start_session(engine, ann_id)
    set_password(engine, ADMIN, email=ANN, password="quiet lantern meadow otter")
    # then whoever signed in with the old one is out.
    assert _row(engine, token).ended_at is not None
    assert _read(engine, token) is None


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 129])
def test_ses011_an_unknown_empty_or_overlong_token_is_refused(engine, ann_id, token):
    start_session(engine, ann_id)
    assert _read(engine, token) is None


def test_ses012_an_overlong_token_is_refused_even_if_its_digest_were_stored(engine, ann_id):
    # Given a session whose stored digest is that of a 129-character token, then that token is
    # refused before the database is asked; one of 128 characters is looked up.
    start_session(engine, ann_id)
    for length, reads in [(129, False), (128, True)]:
        token = "y" * length
        _set_times(engine, token_sha256=hashlib.sha256(token.encode()).hexdigest())
        assert (_read(engine, token) is not None) is reads


def test_ses013_each_sign_in_starts_a_new_session_with_a_new_token(engine, ann_id):
    # Given the access service, when Ann signs in twice,
    access = AccessService(engine)
    first = access.sign_in(email=ANN, password=PASSWORD, address="10.0.0.1")
    second = access.sign_in(email=ANN, password=PASSWORD, address="10.0.0.2")
    # then each is a session of her own, with its own token and CSRF token,
    assert isinstance(first, SessionStarted)
    # signed in outside any council, where her role in Norfolk makes her a viewer,
    assert first.actor == Actor(ANN, Role.VIEWER, "10.0.0.1")
    assert second.actor == Actor(ANN, Role.VIEWER, "10.0.0.2")
    assert first.token != second.token
    assert first.csrf_token != second.csrf_token
    # and each token reads back through the service.
    assert access.read_session(first.token, address="10.0.0.1").csrf_token == first.csrf_token
    assert access.read_session(second.token, address="10.0.0.2").account_id == ann_id


def test_ses014_a_refused_sign_in_starts_no_session(engine, ann_id):
    access = AccessService(engine)
    refused = access.sign_in(email=ANN, password="wrong-password-here", address="10.0.0.1")
    assert refused == SignInRefused("Enter a correct e-mail address and password")
    with Session(engine) as session:
        assert session.scalars(select(WebSession)).all() == []


def test_ses015_signing_out_through_the_service_ends_the_session(engine, ann_id):
    access = AccessService(engine)
    started = access.sign_in(email=ANN, password=PASSWORD, address="10.0.0.1")
    access.sign_out(started.token, started.actor)
    assert access.read_session(started.token, address="10.0.0.1") is None
    assert [e.action for e in read_events(engine, None)][:2] == ["sign_out", "sign_in"]


def test_ses016_a_refusal_is_recorded_as_denied(engine):
    # Given a viewer turned away from the upload page, when the refusal is recorded,
    access = AccessService(engine)
    viewer = Actor("cy.jones@norfolk.gov.uk", Role.VIEWER, "10.0.0.5", NORFOLK_CODE)
    access.record_refusal(viewer, "needs finance officer", "/upload")
    # then the trail holds one denied event: who, where from, which page and why.
    [event] = read_events(engine, None)
    assert (
        event.actor,
        event.action,
        event.outcome,
        event.target,
        event.detail,
        event.address,
    ) == (
        "cy.jones@norfolk.gov.uk",
        "denied",
        "denied",
        "/upload",
        '{"why": "needs finance officer"}',
        "10.0.0.5",
    )
    # in Norfolk, the council whose page it was.
    assert event.council == NORFOLK_CODE
