"""Two councils in one database (issue 12): whatever one council stores, writes or uploads, and
its audit trail, is its own; the other's service neither shows it nor acts for its users; a
council's administrator gives roles in that council alone. SQLite and PostgreSQL.

The second council is Norfolk's profile under Lincolnshire's code and name, so that one workbook
fits both."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.actors import Actor, Forbidden
from domain.roles import Role
from kpis.council import Council
from loaders.templates import write_ehcp_workbook
from services.accounts import add_account, find_account, set_disabled, set_role
from services.deployment import Deployment
from services.interface import UploadGone
from services.submissions import load_workbook
from settings import Settings
from storage.models import AuditEvent, Commentary, PendingUpload, ReturnEntry, Submission
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.fixtures.build_fixtures import COUNTS, NEEDS
from tests.workbooks import paper_workbook, to_bytes

OTHER_CODE = "E10000019"  # Lincolnshire
OTHER = Council(
    dataclasses.replace(
        NORFOLK.profile,
        la_code=OTHER_CODE,
        old_la_code="925",
        name="Lincolnshire County Council",
        short_name="Lincolnshire",
    ),
    NORFOLK.catalogue,
)
PASSWORD = "harbour-violet-kestrel"
SUMMER = "Summer 2026"


def _in(code: str, name: str, role: Role) -> Actor:
    return Actor(name, role, "192.0.2.1", code)


# The same two people work for both councils, acting in one at a time.
OFFICER = "officer@example.org"
LEAD = "lead@example.org"
ADMIN = "admin@example.org"


@pytest.fixture
def deployment(engine) -> Deployment:
    settings = Settings(
        database_url="sqlite://",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=False,
        max_upload_mb=20,
    )
    return Deployment.build(engine, settings, {NORFOLK_CODE: NORFOLK, OTHER_CODE: OTHER})


def _ehcp(caseload: int, unknown_need: int, term: str = "Autumn 2024") -> bytes:
    """The fixture's EHCP return, whose plans by need add up to 12,147 with one of unknown
    need; each more of unknown need adds one to the caseload."""
    buffer = io.BytesIO()
    write_ehcp_workbook(
        buffer,
        term=term,
        counts={**COUNTS, "ehcp_caseload": caseload},
        needs={**NEEDS, "NSA": unknown_need},
    )
    return buffer.getvalue()


def _load(engine, council: Council, data: bytes, name: str):
    return load_workbook(engine, data, file_name=name, council=council, max_bytes=10_000_000)


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_cap001_the_same_workbook_in_two_councils_is_two_submissions(template, engine):
    # Given the paper's plan stored in Norfolk,
    data = to_bytes(paper_workbook(template))
    first = _load(engine, NORFOLK, data, "plan.xlsx")
    assert first.stored_id is not None
    # when the same bytes are checked for, and stored in, the second council,
    dry = load_workbook(
        engine, data, file_name="plan.xlsx", council=OTHER, max_bytes=10**7, dry_run=True
    )
    second = _load(engine, OTHER, data, "plan.xlsx")
    # then they are new there: neither identical to Norfolk's nor a correction of it,
    assert dry.identical_to is None
    assert (second.identical_to, second.superseded) == (None, None)
    assert second.stored_id == first.stored_id + 1
    with Session(engine) as session:
        rows = session.execute(
            select(Submission.id, Submission.council, Submission.status).order_by(Submission.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (first.stored_id, NORFOLK_CODE, "current"),
        (second.stored_id, OTHER_CODE, "current"),
    ]
    # and loaded again in Norfolk, they are Norfolk's own first file.
    again = _load(engine, NORFOLK, data, "plan-again.xlsx")
    assert (again.stored_id, again.identical_to.id) == (None, first.stored_id)


def test_cap002_each_councils_measures_and_submissions_are_its_own(engine, deployment):
    norfolk, other = deployment.service(NORFOLK_CODE), deployment.service(OTHER_CODE)
    # Given Norfolk's return with 12,147 plans and the other council's with 12,150,
    _load(engine, NORFOLK, _ehcp(12_147, 1), "ehcp-norfolk.xlsx")
    _load(engine, OTHER, _ehcp(12_150, 4), "ehcp-other.xlsx")
    # then each council's caseload is its own,
    assert norfolk.snapshot().latest(1).value == Decimal(12_147)
    assert other.snapshot().latest(1).value == Decimal(12_150)
    # and so is its list of submissions.
    assert [s.file_name for s in norfolk.snapshot().submissions] == ["ehcp-norfolk.xlsx"]
    assert [s.file_name for s in other.snapshot().submissions] == ["ehcp-other.xlsx"]
    # A third council served by none has nothing.
    assert deployment.service("E10000008") is None
    assert set(deployment.snapshots((NORFOLK_CODE, OTHER_CODE, "E10000008"))) == {
        NORFOLK_CODE,
        OTHER_CODE,
    }


def test_cap003_each_councils_commentary_and_return_entries_are_its_own(deployment):
    norfolk, other = deployment.service(NORFOLK_CODE), deployment.service(OTHER_CODE)
    # Given one lead writing in each council on the same measure, period and return item,
    norfolk.save_commentary(
        _in(NORFOLK_CODE, LEAD, Role.PROGRAMME_LEAD), ref=1, period=SUMMER, text="Rising"
    )
    other.save_commentary(
        _in(OTHER_CODE, LEAD, Role.PROGRAMME_LEAD), ref=1, period=SUMMER, text="Falling"
    )
    norfolk.save_return_entries(
        _in(NORFOLK_CODE, LEAD, Role.PROGRAMME_LEAD),
        round_name="June 2026",
        entries={"question-1": (None, "Yes")},
    )
    # then each council reads its own words and no other's.
    assert norfolk.commentary(SUMMER)[1].text == "Rising"
    assert other.commentary(SUMMER)[1].text == "Falling"
    assert [n.text for n in norfolk.commentary_history(1, SUMMER)] == ["Rising"]
    assert [n.text for n in other.commentary_history(1, SUMMER)] == ["Falling"]
    assert [n.text for n in norfolk.return_entries("June 2026")["question-1"]] == ["Yes"]
    assert other.return_entries("June 2026") == {}


def test_cap004_an_upload_waits_in_its_own_council(engine, deployment):
    norfolk, other = deployment.service(NORFOLK_CODE), deployment.service(OTHER_CODE)
    in_norfolk = _in(NORFOLK_CODE, OFFICER, Role.FINANCE_OFFICER)
    in_other = _in(OTHER_CODE, OFFICER, Role.FINANCE_OFFICER)
    # Given the officer's upload in Norfolk,
    token = norfolk.keep_upload(in_norfolk, "ehcp-summer.xlsx", _ehcp(12_147, 1, SUMMER))
    pending = norfolk.read_upload(in_norfolk, token)
    # then acting in the other council they do not see it, nor may store or discard it there,
    assert other.waiting_uploads(in_other) == []
    assert other.read_upload(in_other, token) is None
    with pytest.raises(UploadGone):
        other.store_upload(in_other, pending, replaces=None, reason=None)
    other.forget_upload(in_other, token)
    assert _count(engine, Submission) == 0
    # and in Norfolk it still waits, and is stored as Norfolk's.
    assert [w.file_name for w in norfolk.waiting_uploads(in_norfolk)] == ["ehcp-summer.xlsx"]
    outcome = norfolk.store_upload(in_norfolk, pending, replaces=None, reason=None)
    assert outcome.stored_id is not None
    assert [s.council for s in _submissions(engine)] == [NORFOLK_CODE]
    assert other.snapshot().submissions == ()


def _submissions(engine) -> list[Submission]:
    with Session(engine) as session:
        return list(session.scalars(select(Submission)))


def test_cap005_each_councils_audit_trail_is_its_own(deployment):
    norfolk, other = deployment.service(NORFOLK_CODE), deployment.service(OTHER_CODE)
    # Given an upload in Norfolk and commentary in the other council,
    norfolk.keep_upload(
        _in(NORFOLK_CODE, OFFICER, Role.FINANCE_OFFICER), "ehcp.xlsx", _ehcp(12_147, 1, SUMMER)
    )
    other.save_commentary(
        _in(OTHER_CODE, LEAD, Role.PROGRAMME_LEAD), ref=1, period=SUMMER, text="Falling"
    )
    # then each council's admin reads their council's event alone,
    norfolk_trail = norfolk.audit_events(_in(NORFOLK_CODE, ADMIN, Role.ADMIN))
    other_trail = other.audit_events(_in(OTHER_CODE, ADMIN, Role.ADMIN))
    assert [(e.action, e.council) for e in norfolk_trail] == [("upload", NORFOLK_CODE)]
    assert [(e.action, e.council) for e in other_trail] == [("commentary", OTHER_CODE)]
    # and an administrator of every council, acting outside any, reads both.
    everyone = deployment.audit_events(Actor(ADMIN, Role.ADMIN))
    assert [e.action for e in everyone] == ["commentary", "upload"]


@pytest.mark.parametrize("acting_in", [OTHER_CODE, None], ids=["other council", "no council"])
def test_cap006_a_user_acting_elsewhere_is_refused_and_nothing_is_stored(
    engine, deployment, acting_in
):
    norfolk = deployment.service(NORFOLK_CODE)
    # Given the Norfolk service, and a programme lead (who may also upload) acting elsewhere,
    elsewhere = Actor(LEAD, Role.PROGRAMME_LEAD, "192.0.2.1", acting_in)
    in_norfolk = elsewhere.in_council(NORFOLK_CODE, Role.PROGRAMME_LEAD)
    token = norfolk.keep_upload(in_norfolk, "ehcp.xlsx", _ehcp(12_147, 1, SUMMER))
    pending = norfolk.read_upload(in_norfolk, token)
    before = _count(engine, AuditEvent)
    # when they ask it to do anything, then each is forbidden,
    calls = [
        lambda: norfolk.keep_upload(elsewhere, "ehcp.xlsx", _ehcp(12_150, 4, SUMMER)),
        lambda: norfolk.read_upload(elsewhere, token),
        lambda: norfolk.waiting_uploads(elsewhere),
        lambda: norfolk.check_upload(elsewhere, pending),
        lambda: norfolk.store_upload(elsewhere, pending, replaces=None, reason=None),
        lambda: norfolk.forget_upload(elsewhere, token),
        lambda: norfolk.save_commentary(elsewhere, ref=1, period=SUMMER, text="Rising"),
        lambda: norfolk.save_return_entries(
            elsewhere, round_name="June 2026", entries={"question-1": (None, "Yes")}
        ),
    ]
    for call in calls:
        with pytest.raises(Forbidden, match=f"{LEAD} is not acting in council {NORFOLK_CODE}"):
            call()
    # and nothing is stored, kept or recorded.
    assert _count(engine, Submission) == 0
    assert _count(engine, Commentary) == _count(engine, ReturnEntry) == 0
    assert _count(engine, PendingUpload) == 1
    assert _count(engine, AuditEvent) == before


def test_cap007_a_councils_admin_gives_roles_in_that_council_only(engine):
    # Given Norfolk's admin, an admin in Norfolk alone, acting there,
    operator = Actor("os:operator", Role.ADMIN, None, NORFOLK_CODE)
    account = add_account(
        engine, operator, email=ADMIN, role=Role.ADMIN, password=PASSWORD, council=NORFOLK_CODE
    )
    head = account.as_actor(council=NORFOLK_CODE)
    assert head.role is Role.ADMIN
    # when they add an account in Norfolk, then it is added;
    add_account(
        engine,
        head,
        email="ann@example.org",
        role=Role.VIEWER,
        password=PASSWORD,
        council=NORFOLK_CODE,
    )
    # in the other council, or in every council, they may not,
    for council, where in [(OTHER_CODE, f"council {OTHER_CODE}"), (None, "every council")]:
        with pytest.raises(Forbidden, match=f"{ADMIN} may not manage roles in {where}"):
            add_account(
                engine,
                head,
                email="bo@example.org",
                role=Role.VIEWER,
                password=PASSWORD,
                council=council,
            )
        with pytest.raises(Forbidden):
            set_role(engine, head, email="ann@example.org", role=Role.ADMIN, council=council)
    # nor anything at all acting in the other council, where they hold no role.
    there = account.as_actor(council=OTHER_CODE)
    assert there.role is None
    with pytest.raises(Forbidden, match=f"{ADMIN} may not administer"):
        set_role(engine, there, email="ann@example.org", role=Role.VIEWER, council=OTHER_CODE)
    # Ann is a viewer in Norfolk and nowhere else; Bo was never added.
    ann = find_account(engine, "ann@example.org")
    assert (ann.roles.everywhere, dict(ann.roles.councils)) == (None, {NORFOLK_CODE: Role.VIEWER})
    assert find_account(engine, "bo@example.org") is None


def test_cap008_an_account_of_one_council_has_no_role_in_another(engine, deployment):
    # Given Ann, a finance officer in Norfolk alone,
    operator = Actor("os:operator", Role.ADMIN, None, NORFOLK_CODE)
    add_account(
        engine,
        operator,
        email="ann@example.org",
        role=Role.FINANCE_OFFICER,
        password=PASSWORD,
        council=NORFOLK_CODE,
    )
    ann = find_account(engine, "ann@example.org")
    # then she holds her role in Norfolk and none in the other council,
    assert ann.roles.in_council(NORFOLK_CODE) is Role.FINANCE_OFFICER
    assert ann.roles.in_council(OTHER_CODE) is None
    assert ann.roles.councils_held((NORFOLK_CODE, OTHER_CODE)) == (NORFOLK_CODE,)
    # signed in, she acts in Norfolk as a finance officer and in the other council as no one,
    started = deployment.sign_in(email="ann@example.org", password=PASSWORD, address=None)
    signed_in = deployment.read_session(started.token, address=None)
    assert signed_in.in_council(NORFOLK_CODE).role is Role.FINANCE_OFFICER
    in_other = signed_in.in_council(OTHER_CODE)
    assert in_other.role is None
    # so the other council's service refuses her upload, keeping nothing,
    with pytest.raises(Forbidden, match="ann@example.org may not upload"):
        deployment.service(OTHER_CODE).keep_upload(in_other, "ehcp.xlsx", _ehcp(12_147, 1))
    assert _count(engine, PendingUpload) == 0
    # and an admin of the other council may not disable her: she works for Norfolk.
    other_admin = Actor("head@lincolnshire.example.org", Role.ADMIN, None, OTHER_CODE)
    with pytest.raises(Forbidden, match="works for other councils"):
        set_disabled(engine, other_admin, email="ann@example.org", disabled=True)
    assert not find_account(engine, "ann@example.org").disabled
