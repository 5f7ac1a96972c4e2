"""The audit trail: written in the same transaction as the change, read newest first through its
filters, and append-only both in the database and in the code."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from domain.actors import Actor
from domain.roles import Role
from services.audit import AuditFilter, read_events, record, record_alone
from storage.database import create_database_engine, upgrade_database, write_session
from storage.models import AuditEvent
from tests.councils import NORFOLK_CODE

ROOT = Path(__file__).resolve().parents[2]
ANN = Actor("ann.lee@norfolk.gov.uk", Role.FINANCE_OFFICER, "10.0.0.1", NORFOLK_CODE)
OTHER_CODE = "E10000019"  # Lincolnshire: a second council

# (id, at, actor, action, outcome, target), inserted in this order.
EVENTS = [
    (1, datetime(2025, 3, 1, 9, 0, tzinfo=UTC), "ann.lee@norfolk.gov.uk", "sign_in", "ok", None),
    (
        2,
        datetime(2025, 3, 1, 9, 5, tzinfo=UTC),
        "ann.lee@norfolk.gov.uk",
        "upload",
        "ok",
        "hnb.xlsx",
    ),
    (
        3,
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        "bo.chen@norfolk.gov.uk",
        "sign_in",
        "failed",
        None,
    ),
    (
        4,
        datetime(2025, 3, 2, 8, 0, tzinfo=UTC),
        "os:JSmith",
        "account_add",
        "ok",
        "cy@norfolk.gov.uk",
    ),
    (5, datetime(2025, 3, 2, 9, 0, tzinfo=UTC), "anonymous", "denied", "denied", "/upload"),
]
# The council each event was done in: the upload and the refusal in Norfolk; signing in and
# the account belong to none.
COUNCIL_OF = {2: NORFOLK_CODE, 5: NORFOLK_CODE}


def _insert_events(engine: Engine) -> None:
    with write_session(engine) as session:
        for id_, at, actor, action, outcome, target in EVENTS:
            session.add(
                AuditEvent(
                    id=id_,
                    at=at,
                    actor=actor,
                    action=action,
                    outcome=outcome,
                    target=target,
                    council=COUNCIL_OF.get(id_),
                )
            )


def _ids(engine: Engine, wanted: AuditFilter | None = None) -> list[int]:
    return [event.id for event in read_events(engine, None, wanted)]


def test_aud001_an_event_is_recorded_with_who_what_and_where(engine):
    # Given Ann, when an upload of hers is recorded with details,
    before = datetime.now(UTC)
    record_alone(engine, ANN, "upload", target="hnb.xlsx", detail={"rows": 12, "kind": "hnb"})
    after = datetime.now(UTC)
    # then it is read back with her name, the action, ok, the target, the details as sorted
    # JSON and her address, at a time between before and after.
    [event] = read_events(engine, None)
    assert (
        event.actor,
        event.action,
        event.outcome,
        event.target,
        event.detail,
        event.address,
    ) == (
        "ann.lee@norfolk.gov.uk",
        "upload",
        "ok",
        "hnb.xlsx",
        '{"kind": "hnb", "rows": 12}',
        "10.0.0.1",
    )
    # in Norfolk, the council she acted in,
    assert event.council == NORFOLK_CODE
    assert before <= event.at <= after
    assert event.at.tzinfo is UTC


def test_aud002_an_explicit_address_wins_and_none_is_kept_none(engine):
    record_alone(engine, ANN, "export", address="10.0.0.2")
    record_alone(engine, Actor("os:jsmith", Role.ADMIN), "load")
    assert [(e.actor, e.address, e.detail, e.target) for e in read_events(engine, None)] == [
        ("os:jsmith", None, None, None),
        ("ann.lee@norfolk.gov.uk", "10.0.0.2", None, None),
    ]


def test_aud003_an_event_is_kept_exactly_when_its_change_is(engine):
    # Given a transaction that records an event and then fails, then the event is not kept.
    with pytest.raises(RuntimeError):
        with write_session(engine) as session:
            record(session, ANN, "upload", target="hnb.xlsx")
            session.flush()
            raise RuntimeError("the load failed")
    assert read_events(engine, None) == []


def test_aud004_events_are_read_newest_first(engine):
    _insert_events(engine)
    events = read_events(engine, None)
    assert [e.id for e in events] == [5, 4, 3, 2, 1]
    assert events[-1].at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert events[1].target == "cy@norfolk.gov.uk"


@pytest.mark.parametrize(
    ("wanted", "ids"),
    [
        (AuditFilter(actor="ANN.LEE"), [2, 1]),
        (AuditFilter(actor=" lee@ "), [2, 1]),
        (AuditFilter(actor="jsmith"), [4]),
        (AuditFilter(actor="norfolk"), [3, 2, 1]),
        (AuditFilter(actor="nobody"), []),
        (AuditFilter(action="sign_in"), [3, 1]),
        (AuditFilter(outcome="failed"), [3]),
        (AuditFilter(outcome="ok"), [4, 2, 1]),
        (AuditFilter(since=datetime(2025, 3, 1, 10, 0, tzinfo=UTC)), [5, 4, 3]),
        (AuditFilter(until=datetime(2025, 3, 2, 8, 0, tzinfo=UTC)), [3, 2, 1]),
        (
            AuditFilter(
                since=datetime(2025, 3, 1, 9, 5, tzinfo=UTC),
                until=datetime(2025, 3, 2, 8, 0, 1, tzinfo=UTC),
            ),
            [4, 3, 2],
        ),
        (AuditFilter(limit=2), [5, 4]),
        (AuditFilter(actor="ann", action="upload"), [2]),
        (AuditFilter(action="sign_in", outcome="ok", limit=5), [1]),
    ],
)
def test_aud005_each_filter_narrows_the_events(engine, wanted, ids):
    # Given the five events above, when read through a filter, then only those it names remain.
    _insert_events(engine)
    assert _ids(engine, wanted) == ids


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'x'",
        "UPDATE audit_events SET actor = 'x' WHERE id = 2",
        "UPDATE audit_events SET council = 'E10000019' WHERE id = 2",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE id = 2",
    ],
)
def test_aud006_the_database_refuses_to_change_or_delete_an_event(engine, statement):
    # Given the five events, when raw SQL tries to change or delete them, then it fails
    _insert_events(engine)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))
    # and every event is as it was.
    events = read_events(engine, None)
    assert [(e.id, e.actor) for e in events] == [
        (5, "anonymous"),
        (4, "os:JSmith"),
        (3, "bo.chen@norfolk.gov.uk"),
        (2, "ann.lee@norfolk.gov.uk"),
        (1, "ann.lee@norfolk.gov.uk"),
    ]


def test_aud011_a_council_reads_its_own_events_and_every_council_reads_all(engine):
    # Given the five events, two of them in Norfolk and three in no council,
    _insert_events(engine)
    # then Norfolk's trail holds its two, newest first, filters narrowing them as before,
    assert [(e.id, e.council) for e in read_events(engine, NORFOLK_CODE)] == [
        (5, NORFOLK_CODE),
        (2, NORFOLK_CODE),
    ]
    assert [e.id for e in read_events(engine, NORFOLK_CODE, AuditFilter(actor="ann"))] == [2]
    # another council's trail holds none of them,
    assert read_events(engine, OTHER_CODE) == []
    # and the whole trail, for an administrator of every council, holds all five.
    assert [(e.id, e.council) for e in read_events(engine, None)] == [
        (5, NORFOLK_CODE),
        (4, None),
        (3, None),
        (2, NORFOLK_CODE),
        (1, None),
    ]


@pytest.fixture
def postgres_engine(postgres_server_url) -> Iterator[Engine]:
    """An engine on an empty PostgreSQL database, upgraded to the newest schema."""
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    engine = create_database_engine(postgres_server_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_aud007_postgresql_refuses_to_truncate_the_trail(postgres_engine):
    _insert_events(postgres_engine)
    with pytest.raises(DBAPIError, match="append-only"):
        with postgres_engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_events"))
    assert _ids(postgres_engine) == [5, 4, 3, 2, 1]


# What code that changes or deletes an event would have to say.
FORBIDDEN = re.compile(
    r"(?:\b(?:update|delete)\(\s*AuditEvent\b)"
    r"|(?:AuditEvent\)\s*\.(?:where|filter|filter_by)\([^\n]*\)\s*\.(?:update|delete)\()"
    r"|(?:query\(\s*AuditEvent\b[^\n]*\.(?:update|delete)\()"
    r"|(?:\b(?:update|delete\s+from|truncate(?:\s+table)?)\s+audit_events\b)",
    re.IGNORECASE,
)


def _code_files() -> list[Path]:
    files = [*ROOT.glob("cli*.py")]
    for folder in ("services", "storage", "web", "layouts"):
        files.extend(
            path
            for path in (ROOT / folder).rglob("*.py")
            if "migrations" not in path.relative_to(ROOT).parts
        )
    return sorted(files)


@pytest.mark.parametrize(
    "line",
    [
        "session.execute(update(AuditEvent).values(actor='x'))",
        "session.execute(delete(AuditEvent).where(AuditEvent.id == 1))",
        "session.execute(sa.delete(\n    AuditEvent\n))",
        "select(AuditEvent).where(AuditEvent.id == 1).delete()",
        "session.query(AuditEvent).filter(AuditEvent.id == 1).update({'actor': 'x'})",
        'text("UPDATE audit_events SET actor = 1")',
        'text("delete from audit_events")',
        'text("TRUNCATE TABLE audit_events")',
    ],
)
def test_aud008_the_search_below_would_find_a_change_to_the_trail(line):
    # Given a line that changes or deletes events, then the pattern the next test uses finds it.
    assert FORBIDDEN.search(line)


@pytest.mark.parametrize(
    "line",
    [
        "session.add(AuditEvent(at=now))",
        "select(AuditEvent).where(AuditEvent.actor == actor)",
        "update(WebSession).where(WebSession.id == web.id)",
    ],
)
def test_aud009_the_search_passes_reading_and_appending(line):
    assert not FORBIDDEN.search(line)


def test_aud010_no_code_path_changes_or_deletes_an_event():
    # Given every module of the services, storage (but its migrations), web, pages and commands,
    files = _code_files()
    names = {path.relative_to(ROOT).as_posix() for path in files}
    assert {"services/audit.py", "storage/models.py", "cli.py"} <= names
    assert not any("/migrations/" in name for name in names)
    # when searched for an update, delete or truncate of the trail, then there is none.
    found = [
        f"{path.relative_to(ROOT).as_posix()}: {match.group(0)!r}"
        for path in files
        for match in FORBIDDEN.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
