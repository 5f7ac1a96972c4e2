"""The schema is created and upgraded by Alembic, in place, on SQLite and PostgreSQL; a database
of one council from before councils were kept apart is moved into its council (0010), and back."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.roles import Role, Roles
from services.accounts import authenticate, find_account, set_role
from services.audit import read_events
from services.notes import save_commentary
from services.passwords import hash_password
from services.records import commentary_for_period, read_submissions
from storage.database import (
    create_database_engine,
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)
from storage.models import Base
from tests.councils import NORFOLK_CODE

TABLES = {"submissions", "submission_files", "dsg_statements", "dsg_figures", "alembic_version"}


def test_mig001_an_empty_database_is_brought_to_the_newest_revision(database_url):
    engine = create_database_engine(database_url)
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_mig002_the_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_mig003_an_existing_database_is_upgraded_in_place_keeping_its_data(database_url):
    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE council_notes (note VARCHAR(40))"))
        connection.execute(text("INSERT INTO council_notes VALUES ('kept')"))
    upgrade_database(engine, "0001")  # the schema of the first release
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO submissions (id, family, file_name, sha256, size_bytes, loaded_at, "
                "status, is_demo) VALUES (1, 'dsg', 'a.xlsx', 'x', 1, CURRENT_TIMESTAMP, "
                "'current', false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO dsg_statements (submission_id, first_year, last_year, "
                "opening_balance_pence, forecast_term) VALUES (1, '2022-23', '2028-29', 0, "
                "'Autumn 2024')"
            )
        )
    upgrade_database(engine, council=NORFOLK_CODE)  # it held Norfolk's data
    upgrade_database(engine)  # again, as every start of the app does
    with engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM council_notes")).scalar_one() == "kept"
        row = connection.execute(text("SELECT file_name, period, council FROM submissions")).one()
    # the release that added periods gives an old DSG submission its forecast's term
    assert tuple(row) == ("a.xlsx", "Autumn 2024", NORFOLK_CODE)
    assert current_revision(engine) == head_revision()
    engine.dispose()


# A database as the release before councils left it (revision 0009): Norfolk's data, two accounts
# and some of the audit trail.
VIEWER = "cy.jones@norfolk.gov.uk"
ADMIN = "head@norfolk.gov.uk"
PASSWORD = "harbour-violet-kestrel"
OTHER_CODE = "E10000019"  # Lincolnshire: a second council
OWNED = ("submissions", "commentary", "return_entries", "pending_uploads")
# (actor, action), in the order they happened.
EVENTS_0009 = [
    (VIEWER, "sign_in"),
    ("os:jsmith", "account_add"),
    ("officer@norfolk.gov.uk", "upload"),
    ("officer@norfolk.gov.uk", "confirm"),
    ("lead@norfolk.gov.uk", "commentary"),
    (ADMIN, "account_role"),
    ("os:jsmith", "load"),
    (ADMIN, "sign_out"),
]


def _fill_0009(engine) -> None:
    statements = [
        "INSERT INTO submissions (id, family, period, file_name, sha256, size_bytes, loaded_at, "
        "status, is_demo) VALUES (1, 'dsg', 'plan', 'plan.xlsx', 'a', 4, CURRENT_TIMESTAMP, "
        "'current', false), (2, 'ehcp', 'Autumn 2024', 'ehcp.xlsx', 'b', 4, CURRENT_TIMESTAMP, "
        "'current', false)",
        "INSERT INTO submission_files (submission_id, content) VALUES (1, :bytes), (2, :bytes)",
        "INSERT INTO commentary (ref, period, text, written_by, written_at) VALUES "
        "(1, 'Autumn 2024', 'Rising again', 'lead@norfolk.gov.uk', CURRENT_TIMESTAMP)",
        "INSERT INTO return_entries (round, item, rag, text, written_by, written_at) VALUES "
        "('June 2026', 'question-1', NULL, 'Yes', 'lead@norfolk.gov.uk', CURRENT_TIMESTAMP)",
        "INSERT INTO pending_uploads (token, file_name, content, uploaded_at, owner) VALUES "
        "('waiting-token', 'hnb.xlsx', :bytes, CURRENT_TIMESTAMP, 'officer@norfolk.gov.uk')",
        "INSERT INTO accounts (id, email, role, password_hash, source, disabled, created_at) "
        "VALUES (1, :viewer, 'viewer', :hash, 'local', false, CURRENT_TIMESTAMP), "
        "(2, :admin, 'admin', :hash, 'local', false, CURRENT_TIMESTAMP)",
    ]
    values = {"bytes": b"PK\x03\x04", "viewer": VIEWER, "admin": ADMIN}
    values["hash"] = hash_password(PASSWORD)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), values)
        for actor, action in EVENTS_0009:
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, outcome) "
                    "VALUES (CURRENT_TIMESTAMP, :actor, :action, 'ok')"
                ),
                {"actor": actor, "action": action},
            )


def _database_0009(database_url):
    engine = create_database_engine(database_url)
    upgrade_database(engine, "0009")
    _fill_0009(engine)
    return engine


def _contents(engine) -> dict[str, list[tuple]]:
    """Every row of the tables 0010 changes, as they read whatever the revision."""
    queries = {
        "submissions": "SELECT id, family, period, file_name, status FROM submissions",
        "submission_files": "SELECT submission_id FROM submission_files",
        "commentary": "SELECT id, ref, period, text FROM commentary",
        "return_entries": "SELECT id, round, item, text FROM return_entries",
        "pending_uploads": "SELECT token, file_name, owner FROM pending_uploads",
        "accounts": "SELECT id, email, role FROM accounts",
        "audit_events": "SELECT id, actor, action FROM audit_events",
    }
    with engine.connect() as connection:
        return {
            table: sorted(tuple(row) for row in connection.execute(text(query)))
            for table, query in queries.items()
        }


def _councils_of(engine, table: str) -> list[str | None]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text(f"SELECT council FROM {table}"))]


def test_mig004_a_database_of_one_council_is_moved_into_it(database_url):
    # Given a database at revision 0009 holding Norfolk's submissions, commentary, return
    # entries, a pending upload, a viewer and an admin, and their audit trail,
    engine = _database_0009(database_url)
    before = _contents(engine)
    # when it is upgraded as Norfolk's,
    upgrade_database(engine, council=NORFOLK_CODE)
    assert current_revision(engine) == head_revision()
    # then every row is kept, roles aside, and every row of the council's names it;
    after = _contents(engine)
    assert {t: rows for t, rows in after.items() if t != "accounts"} == {
        t: rows for t, rows in before.items() if t != "accounts"
    }
    for table in OWNED:
        assert set(_councils_of(engine, table)) == {NORFOLK_CODE}, table
    assert len(_councils_of(engine, "submissions")) == 2
    with Session(engine) as session:
        assert [s.file_name for s in read_submissions(session, NORFOLK_CODE)] == [
            "ehcp.xlsx",
            "plan.xlsx",
        ]
        assert read_submissions(session, OTHER_CODE) == []
        assert commentary_for_period(session, NORFOLK_CODE, "Autumn 2024")[1].text == (
            "Rising again"
        )
    # the viewer is a viewer in Norfolk alone, and the admin an admin of every council;
    viewer, admin = find_account(engine, VIEWER), find_account(engine, ADMIN)
    assert viewer.roles == Roles(councils={NORFOLK_CODE: Role.VIEWER})
    assert viewer.roles.in_council(OTHER_CODE) is None
    assert admin.roles == Roles(everywhere=Role.ADMIN)
    assert admin.roles.in_council(OTHER_CODE) is Role.ADMIN
    # and both still sign in with their passwords.
    signed_in = authenticate(engine, email=VIEWER, password=PASSWORD, address=None)
    assert signed_in.roles.in_council(NORFOLK_CODE) is Role.VIEWER
    # Signing in and out belong to no council; the council's work, the accounts' changes by its
    # administrators among it, belongs to Norfolk.
    trail = [(e.action, e.council) for e in reversed(read_events(engine, None))]
    assert trail[: len(EVENTS_0009)] == [
        ("sign_in", None),
        ("account_add", NORFOLK_CODE),
        ("upload", NORFOLK_CODE),
        ("confirm", NORFOLK_CODE),
        ("commentary", NORFOLK_CODE),
        ("account_role", NORFOLK_CODE),
        ("load", NORFOLK_CODE),
        ("sign_out", None),
    ]
    assert [e.action for e in read_events(engine, NORFOLK_CODE)][-6:] == [
        "load",
        "account_role",
        "commentary",
        "confirm",
        "upload",
        "account_add",
    ]
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'x' WHERE action = 'upload'",
        "UPDATE audit_events SET council = NULL WHERE action = 'upload'",
        "DELETE FROM audit_events WHERE action = 'sign_in'",
        "DELETE FROM audit_events",
    ],
)
def test_mig005_the_moved_audit_trail_still_refuses_change(database_url, statement):
    # Given Norfolk's database moved into Norfolk, whose trail's guard was lifted to move it,
    engine = _database_0009(database_url)
    upgrade_database(engine, council=NORFOLK_CODE)
    before = _contents(engine)["audit_events"]
    # when raw SQL tries to change or delete events, then the database refuses,
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))
    # and the trail is as it was.
    assert _contents(engine)["audit_events"] == before
    assert _councils_of(engine, "audit_events").count(NORFOLK_CODE) == 6  # all but sign-in, out
    engine.dispose()


def test_mig006_a_database_with_data_and_no_council_named_is_refused_unchanged(database_url):
    # Given Norfolk's database at 0009, when it is upgraded without saying whose it is,
    engine = _database_0009(database_url)
    before = _contents(engine)
    with pytest.raises(RuntimeError, match="Say which council it is with LFI_COUNCIL"):
        upgrade_database(engine)
    # then nothing has changed: the revision, the tables and every row.
    assert current_revision(engine) == "0009"
    tables = inspect(engine)
    assert "account_roles" not in tables.get_table_names()
    assert "council" not in {c["name"] for c in tables.get_columns("submissions")}
    assert _contents(engine) == before
    engine.dispose()


def test_mig007_an_empty_database_at_0009_needs_no_council(database_url):
    engine = create_database_engine(database_url)
    upgrade_database(engine, "0009")
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_mig008_a_database_of_one_council_goes_back_to_0009(database_url):
    # Given Norfolk's database moved into Norfolk, with a role given in Norfolk since,
    engine = _database_0009(database_url)
    before = _contents(engine)
    upgrade_database(engine, council=NORFOLK_CODE)
    in_norfolk = Actor("os:jsmith", Role.ADMIN, None, NORFOLK_CODE)
    set_role(engine, in_norfolk, email=VIEWER, role=Role.PROGRAMME_LEAD, council=NORFOLK_CODE)
    # when it is taken back to 0009,
    downgrade_database(engine, "0009")
    # then every row is there as before, each account with its role in Norfolk as its role.
    assert current_revision(engine) == "0009"
    after = _contents(engine)
    assert after["accounts"] == [(1, VIEWER, "programme_lead"), (2, ADMIN, "admin")]
    assert after["audit_events"][: len(EVENTS_0009)] == before["audit_events"]
    assert after["audit_events"][-1][2] == "account_role"  # the role given since
    kept = ("accounts", "audit_events")
    assert {t: r for t, r in after.items() if t not in kept} == {
        t: r for t, r in before.items() if t not in kept
    }
    assert "council" not in {c["name"] for c in inspect(engine).get_columns("submissions")}
    # And it can be moved into Norfolk again.
    upgrade_database(engine, council=NORFOLK_CODE)
    assert find_account(engine, VIEWER).roles == Roles(councils={NORFOLK_CODE: Role.PROGRAMME_LEAD})
    engine.dispose()


def test_mig009_a_database_of_two_councils_cannot_go_back(database_url):
    # Given Norfolk's database moved into Norfolk, and a second council's commentary since,
    engine = _database_0009(database_url)
    upgrade_database(engine, council=NORFOLK_CODE)
    lead = Actor("lead@lincolnshire.gov.uk", Role.PROGRAMME_LEAD, None, OTHER_CODE)
    save_commentary(engine, lead, OTHER_CODE, ref=1, period="Autumn 2024", text="Steady")
    before = _contents(engine)
    # when it is taken back to 0009, the release that keeps one council, then it is refused
    with pytest.raises(RuntimeError, match=r"holds 2 councils \(E10000019, E10000020\)"):
        downgrade_database(engine, "0009")
    # and nothing has changed.
    assert current_revision(engine) == head_revision()
    assert _contents(engine) == before
    assert sorted(_councils_of(engine, "commentary")) == [OTHER_CODE, NORFOLK_CODE]
    engine.dispose()
