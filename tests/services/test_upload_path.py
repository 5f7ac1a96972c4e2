"""The upload path as the service sees it (issue 11, points 4, 7 and 8): who did it is the
signed-in account; an upload belongs to its uploader; waiting uploads are limited per account and
in all, expire when read, and uploads are rate-limited per account from the audit trail; every
upload, check, refusal, confirmation and correction is in the trail, written with the change.

Each test starts from an empty database (SQLite and PostgreSQL) with four accounts' actors:
officer A and officer B (finance officers), a viewer and an admin who reads the trail."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor, Forbidden
from domain.audit import AuditFilter
from domain.roles import Role
from loaders.templates import write_ehcp_workbook
from services.dashboard import DashboardService
from services.interface import UploadGone, UploadRefused
from settings import Settings
from storage.database import write_session
from storage.models import AuditEvent, PendingUpload, Submission
from tests.councils import NORFOLK, NORFOLK_CODE

# Each acting in Norfolk, the council of the service under test.
OFFICER_A = Actor("officer.a@example.org", Role.FINANCE_OFFICER, "192.0.2.10", NORFOLK_CODE)
OFFICER_B = Actor("officer.b@example.org", Role.FINANCE_OFFICER, "192.0.2.11", NORFOLK_CODE)
VIEWER = Actor("viewer@example.org", Role.VIEWER, "192.0.2.12", NORFOLK_CODE)
ADMIN = Actor("admin@example.org", Role.ADMIN, None, NORFOLK_CODE)
SUMMER = "Summer 2026"


def _settings(**limits) -> Settings:
    return Settings(
        database_url="sqlite://",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=False,
        max_upload_mb=20,
        **limits,
    )


@pytest.fixture
def service(engine) -> DashboardService:
    return DashboardService.build(engine, _settings(), NORFOLK)


def _ehcp(caseload: int, term: str = SUMMER) -> bytes:
    buffer = io.BytesIO()
    counts = {"ehcp_caseload": caseload, "new_plans": 400, "ceased_plans": 150}
    write_ehcp_workbook(buffer, term=term, counts=counts, needs={"ASD": caseload})
    return buffer.getvalue()


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def _events(service, action: str) -> list[tuple]:
    """(actor, outcome, target, detail) of each event of ``action``, oldest first."""
    found = service.audit_events(ADMIN, AuditFilter(action=action))
    return [
        (e.actor, e.outcome, e.target, json.loads(e.detail) if e.detail else None, e.address)
        for e in reversed(found)
    ]


def _confirm(service, actor: Actor, token: str, *, replaces=None, reason=None):
    pending = service.read_upload(actor, token)
    check = service.check_upload(actor, pending)
    return check, service.store_upload(actor, pending, replaces=replaces, reason=reason)


def test_upl101_an_officers_upload_is_stored_as_loaded_by_their_account(service, engine):
    token = service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))
    _check, outcome = _confirm(service, OFFICER_A, token)

    assert outcome.stored_id == 1
    with Session(engine) as session:
        assert session.scalar(select(Submission.loaded_by)) == "officer.a@example.org"
    # stored, it is no longer waiting: the same page cannot store it twice
    assert service.read_upload(OFFICER_A, token) is None
    assert _count(engine, PendingUpload) == 0


def test_upl102_a_viewer_is_forbidden_every_upload_step_and_nothing_is_kept(service, engine):
    with pytest.raises(Forbidden):
        service.keep_upload(VIEWER, "ehcp-summer.xlsx", _ehcp(12_300))
    token = service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))
    pending = service.read_upload(OFFICER_A, token)
    with pytest.raises(Forbidden):
        service.read_upload(VIEWER, token)
    with pytest.raises(Forbidden):
        service.store_upload(VIEWER, pending, replaces=None, reason=None)
    with pytest.raises(Forbidden):
        service.forget_upload(VIEWER, token)

    assert _count(engine, Submission) == 0
    # only officer A's upload waits: the viewer's was never kept, nor recorded as an upload
    assert _count(engine, PendingUpload) == 1
    assert [e[0] for e in _events(service, "upload")] == ["officer.a@example.org"]


def test_upl103_another_accounts_upload_is_invisible_and_cannot_be_stored(service, engine):
    token = service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))
    pending = service.read_upload(OFFICER_A, token)

    assert service.read_upload(OFFICER_B, token) is None
    assert service.waiting_uploads(OFFICER_B) == []
    with pytest.raises(UploadGone):
        service.store_upload(OFFICER_B, pending, replaces=None, reason=None)
    service.forget_upload(OFFICER_B, token)  # leaves A's alone

    assert _count(engine, Submission) == 0
    assert service.read_upload(OFFICER_A, token) is not None
    assert [w.file_name for w in service.waiting_uploads(OFFICER_A)] == ["ehcp-summer.xlsx"]


def test_upl104_the_sixth_waiting_upload_is_refused_and_nothing_kept(service, engine):
    tokens = [service.keep_upload(OFFICER_A, f"ehcp-{n}.xlsx", _ehcp(12_000 + n)) for n in range(5)]
    with pytest.raises(UploadRefused) as refused:
        service.keep_upload(OFFICER_A, "ehcp-5.xlsx", _ehcp(12_005))

    assert refused.value.limit == "pending_per_user"
    assert str(refused.value).startswith(
        "You have 5 uploads waiting to be confirmed, the most one account may have. Store or "
        "discard one of them"
    )
    assert _count(engine, PendingUpload) == 5
    # another account is not held up by A's
    service.keep_upload(OFFICER_B, "ehcp-b.xlsx", _ehcp(12_900))
    # A discards one, and may upload again
    service.forget_upload(OFFICER_A, tokens[0])
    service.keep_upload(OFFICER_A, "ehcp-5.xlsx", _ehcp(12_005))
    assert len(service.waiting_uploads(OFFICER_A)) == 5
    outcomes = [(e[0], e[1], e[3]) for e in _events(service, "upload")][-3:]
    assert outcomes == [
        ("officer.a@example.org", "limited", {"limit": "pending_per_user"}),
        ("officer.b@example.org", "ok", {"family": "ehcp", "period": SUMMER}),
        ("officer.a@example.org", "ok", {"family": "ehcp", "period": SUMMER}),
    ]
    assert [e[0] for e in _events(service, "discard")] == ["officer.a@example.org"]


def test_upl105_the_sites_total_of_waiting_uploads_is_a_limit_too(engine):
    service = DashboardService.build(engine, _settings(pending_total=3), NORFOLK)
    service.keep_upload(OFFICER_A, "a-1.xlsx", _ehcp(12_001))
    service.keep_upload(OFFICER_A, "a-2.xlsx", _ehcp(12_002))
    service.keep_upload(OFFICER_B, "b-1.xlsx", _ehcp(12_003))

    with pytest.raises(UploadRefused) as refused:
        service.keep_upload(OFFICER_B, "b-2.xlsx", _ehcp(12_004))

    assert refused.value.limit == "pending_total"
    assert str(refused.value).startswith(
        "There are 3 uploads waiting to be confirmed, the most this site keeps."
    )
    assert _count(engine, PendingUpload) == 3


def test_upl106_an_upload_past_its_lifetime_is_gone_when_read(service, engine):
    token = service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))
    pending = service.read_upload(OFFICER_A, token)
    with write_session(engine) as session:
        session.execute(
            update(PendingUpload).values(uploaded_at=datetime.now(UTC) - timedelta(hours=25))
        )

    with pytest.raises(UploadGone):  # nor can a page opened before it expired store it
        service.store_upload(OFFICER_A, pending, replaces=None, reason=None)
    assert service.read_upload(OFFICER_A, token) is None
    assert _count(engine, PendingUpload) == 0  # deleted as it was read, not left for a sweep
    assert _count(engine, Submission) == 0


def test_upl107_the_31st_upload_within_an_hour_is_refused_and_recorded_as_limited(service, engine):
    # 30 uploads in the last hour, the first 50 minutes ago; and some that do not count: one
    # 61 minutes ago, another account's, and a refusal
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    first = minute - timedelta(minutes=50)
    with write_session(engine) as session:
        for n in range(30):
            session.add(_upload_event(OFFICER_A.name, first + timedelta(seconds=n)))
        session.add(_upload_event(OFFICER_A.name, minute - timedelta(minutes=61)))
        session.add(_upload_event(OFFICER_B.name, minute))
        session.add(_upload_event(OFFICER_A.name, minute, outcome="limited"))

    with pytest.raises(UploadRefused) as refused:
        service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))

    # the first of the 30 leaves the hour at first + 60 minutes: 10 minutes from this minute
    again = minute + timedelta(minutes=10)
    assert str(refused.value) == (
        f"You have uploaded 30 files in the last hour, the most one account may; try again "
        f"after {again:%H:%M} UTC. Nothing was kept."
    )
    assert _count(engine, PendingUpload) == 0
    last = _events(service, "upload")[-1]
    assert last == (
        "officer.a@example.org",
        "limited",
        "ehcp-summer.xlsx",
        {"limit": "uploads_per_hour"},
        "192.0.2.10",
    )
    # officer B, with one upload this hour, is not limited
    service.keep_upload(OFFICER_B, "ehcp-summer.xlsx", _ehcp(12_300))


def _upload_event(actor: str, at: datetime, outcome: str = "ok") -> AuditEvent:
    return AuditEvent(at=at, actor=actor, action="upload", outcome=outcome, target="earlier.xlsx")


def test_upl108_upload_check_confirm_and_correction_are_in_the_trail(service, engine):
    token = service.keep_upload(OFFICER_A, "ehcp-a.xlsx", _ehcp(12_300))
    pending = service.read_upload(OFFICER_A, token)
    service.check_upload(OFFICER_A, pending)
    service.check_upload(OFFICER_A, pending)  # worked out once: one check recorded
    service.store_upload(OFFICER_A, pending, replaces=None, reason=None)
    token = service.keep_upload(OFFICER_B, "ehcp-b.xlsx", _ehcp(12_600))
    _check, outcome = _confirm(service, OFFICER_B, token, replaces=1, reason="Caseload recount")

    assert outcome.stored_id == 2 and outcome.superseded.id == 1
    uploads = _events(service, "upload")
    assert [(e[0], e[1], e[3], e[4]) for e in uploads] == [
        ("officer.a@example.org", "ok", {"family": "ehcp", "period": SUMMER}, "192.0.2.10"),
        ("officer.b@example.org", "ok", {"family": "ehcp", "period": SUMMER}, "192.0.2.11"),
    ]
    assert uploads[0][2].startswith("ehcp-a.xlsx (upload ")
    checks = _events(service, "check")
    assert [(e[0], e[1], e[2]) for e in checks] == [
        ("officer.a@example.org", "ok", uploads[0][2]),
        ("officer.b@example.org", "ok", uploads[1][2]),
    ]
    assert _events(service, "confirm") == [
        (
            "officer.a@example.org",
            "ok",
            "submission 1",
            {"family": "ehcp", "period": SUMMER, "submission": 1},
            "192.0.2.10",
        ),
        (
            "officer.b@example.org",
            "ok",
            "submission 2",
            {
                "corrects": 1,
                "family": "ehcp",
                "period": SUMMER,
                "reason": "Caseload recount",
                "submission": 2,
            },
            "192.0.2.11",
        ),
    ]
    with Session(engine) as session:
        loaded = session.execute(
            select(Submission.id, Submission.loaded_by).order_by(Submission.id)
        )
        assert list(loaded) == [(1, "officer.a@example.org"), (2, "officer.b@example.org")]


def test_upl109_a_file_with_errors_is_a_refusal_and_its_report_goes_at_the_next_upload(
    service, engine
):
    token = service.keep_upload(OFFICER_A, "names.xlsx", b"Name,Date of birth\n")
    pending = service.read_upload(OFFICER_A, token)
    check = service.check_upload(OFFICER_A, pending)

    assert len(check.checked.report.errors) == 1
    assert b"Date of birth" not in pending.content  # its bytes were never kept
    upload, check_event = _events(service, "upload")[0], _events(service, "check")[0]
    assert (upload[1], upload[3]) == ("refused", {"errors": 1})
    assert (check_event[1], check_event[3]) == ("refused", {"errors": 1})
    # the report is not among the waiting uploads, and goes when A uploads again
    assert service.waiting_uploads(OFFICER_A) == []
    service.keep_upload(OFFICER_A, "ehcp-summer.xlsx", _ehcp(12_300))
    assert service.read_upload(OFFICER_A, token) is None
    assert [w.file_name for w in service.waiting_uploads(OFFICER_A)] == ["ehcp-summer.xlsx"]


def test_upl110_a_correction_overtaken_meanwhile_is_recorded_as_refused(service, engine):
    first = service.keep_upload(OFFICER_A, "ehcp-a.xlsx", _ehcp(12_300))
    second = service.keep_upload(OFFICER_B, "ehcp-b.xlsx", _ehcp(12_600))
    _confirm(service, OFFICER_A, first)
    pending = service.read_upload(OFFICER_B, second)

    # B's page was worked out before A stored: it showed no file to replace
    outcome = service.store_upload(OFFICER_B, pending, replaces=None, reason=None)

    assert outcome.current.id == 1
    refused = _events(service, "confirm")[-1]
    assert refused[:2] == ("officer.b@example.org", "refused")
    assert refused[3] == {"current": 1, "why": "overtaken"}
    assert _count(engine, Submission) == 1
