"""Backups and restores of the whole database (issue 13, point 5): `lfi backup -o FILE` and
`lfi restore FILE` on SQLite and PostgreSQL. A restore brings back every row of every table as
it was when the backup was taken; it refuses another engine's file, a file that is no backup,
one from a newer version and a database holding data without --replace; and a restore that
fails, at whatever step, leaves the database as it was."""

from __future__ import annotations

import functools
import getpass
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, inspect, make_url, select, text
from sqlalchemy.orm import Session

from domain.actors import command_line_actor
from domain.roles import Role
from services.accounts import add_account, set_disabled
from services.demo import load_demo_data
from storage.backup import MAGIC, ToolMissing, write_backup
from storage.backup_postgresql import libpq_connection
from storage.database import create_database_engine, head_revision, upgrade_database
from storage.models import AuditEvent, Base
from tests.cli import Run, lfi_runner
from tests.conftest import POSTGRES_URL
from tests.councils import NORFOLK, NORFOLK_CODE

OPERATOR = command_line_actor("backup-test")
IN_NORFOLK = OPERATOR.in_council(NORFOLK_CODE, Role.ADMIN)
ANN = "ann.lee@norfolk.example.org"
PASSWORD = "violet harbour tractor moss"
SQLITE_START = b"SQLite format 3\x00"
PG_DUMP_START = b"PGDMP"


def _kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _lfi(tmp_path: Path, url: str, councils: Path, council: str | None = None) -> Run:
    """lfi on ``url``'s database with the councils in ``councils``, acting in ``council``."""
    run = lfi_runner(tmp_path, LFI_DATABASE_URL=url, LFI_COUNCILS_DIR=str(councils))
    return functools.partial(run, council=council)


@pytest.fixture
def lfi(database_url, councils_dir, tmp_path):
    """lfi on the test's database, Norfolk's the only council."""
    return _lfi(tmp_path, database_url, councils_dir, NORFOLK_CODE)


def _everything(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, by table, in primary-key order: the app's tables and the
    schema's revision, which together are every table the database holds."""
    engine = create_database_engine(url)
    try:
        held = set(inspect(engine).get_table_names())
        assert held == {*Base.metadata.tables, "alembic_version"}
        with engine.connect() as connection:
            rows = {
                t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key))]
                for t in Base.metadata.sorted_tables
            }
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            rows["alembic_version"] = [tuple(r) for r in revision]
        return rows
    finally:
        engine.dispose()


def _newest_event(url: str) -> AuditEvent | None:
    engine = create_database_engine(url)
    try:
        with Session(engine) as session:
            return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    finally:
        engine.dispose()


def _add_ann(engine) -> None:
    add_account(engine, OPERATOR, email=ANN, role=Role.ADMIN, password=PASSWORD, council=None)


def test_bak001_a_restore_brings_back_every_row_of_every_table(engine, database_url, lfi, tmp_path):
    # Given Norfolk's demo data and an account, backed up
    stored = load_demo_data(
        engine, council=NORFOLK, max_bytes=20_000_000, today=date(2026, 11, 30), actor=OPERATOR
    )
    _add_ann(engine)
    before = _everything(database_url)
    assert len(before["submissions"]) == stored > 0
    assert [row[1] for row in before["accounts"]] == [ANN]
    assert before["alembic_version"] == [(head_revision(),)]
    backup = tmp_path / "nightly.backup"
    made = lfi("backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    start = SQLITE_START if _kind(database_url) == "sqlite" else PG_DUMP_START
    assert backup.read_bytes().startswith(start)
    assert backup.stat().st_mode & 0o077 == 0  # personal data: its owner's alone
    noted = _newest_event(database_url)
    assert noted is not None and (noted.action, noted.target) == (
        "export",
        "database backup nightly.backup",
    )

    # When the demo data is removed, Ann disabled and another account added
    assert lfi("demo", "--remove").returncode == 0
    set_disabled(engine, OPERATOR, email=ANN, disabled=True)
    add_account(
        engine,
        IN_NORFOLK,
        email="bob.smith@norfolk.example.org",
        role=Role.VIEWER,
        password=PASSWORD,
        council=NORFOLK_CODE,
    )
    changed = _everything(database_url)
    assert changed["submissions"] == [] and len(changed["accounts"]) == 2

    # Then a restore without --replace is refused and changes nothing
    refused = lfi("restore", str(backup))
    assert refused.returncode == 1
    assert str(backup) in refused.stderr and "--replace" in refused.stderr
    assert _everything(database_url) == changed

    # And with --replace every table is as it was when the backup was taken, the audit trail
    # adding only the restore itself
    restored = lfi("restore", "--replace", str(backup))
    assert restored.returncode == 0, restored.stderr
    after = _everything(database_url)
    trail, trail_before = after.pop("audit_events"), before.pop("audit_events")
    assert after == before
    assert trail[:-1] == trail_before
    event = _newest_event(database_url)
    assert event is not None and event.actor == f"os:{getpass.getuser()}"
    assert event.action == "restore" and event.outcome == "ok" and event.council is None
    assert event.target == "database restored from backup nightly.backup"


@pytest.fixture
def new_database_url(database_url, tmp_path) -> Iterator[str]:
    """A database of the same kind that does not exist yet (SQLite: not even its folder), or
    PostgreSQL's newly created and empty, as on a new server."""
    if _kind(database_url) == "sqlite":
        yield f"sqlite:///{tmp_path / 'new-server' / 'lfi.sqlite3'}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lfi_restore_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_bak002_a_backup_restores_onto_a_new_server_without_replace(
    engine, database_url, new_database_url, councils_dir, tmp_path
):
    # Given a database with an account, backed up
    _add_ann(engine)
    before = _everything(database_url)
    backup = tmp_path / "lfi.backup"
    assert write_backup(database_url, backup) in ("SQLite", "PostgreSQL")

    # When it is restored into a database that holds nothing
    lfi = _lfi(tmp_path, new_database_url, councils_dir)
    restored = lfi("restore", str(backup))

    # Then no --replace was needed, and the new database holds what the old one held
    assert restored.returncode == 0, restored.stderr
    after = _everything(new_database_url)
    assert after.pop("audit_events")[:-1] == before.pop("audit_events")
    assert after == before


def test_bak003_a_file_that_is_no_backup_is_refused_by_name(engine, database_url, lfi, tmp_path):
    _add_ann(engine)
    before = _everything(database_url)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")

    refused = lfi("restore", "--replace", str(notes))

    assert refused.returncode == 1
    assert f"{notes} is not a backup made by lfi backup" in refused.stderr
    assert _everything(database_url) == before
    missing = lfi("restore", str(tmp_path / "nowhere.backup"))
    assert missing.returncode == 1 and f"{tmp_path / 'nowhere.backup'}: no such file" in (
        missing.stderr
    )


def test_bak004_a_damaged_backup_leaves_the_database_as_it_was(engine, database_url, lfi, tmp_path):
    # Given a backup cut short, as by a full disk or an interrupted copy
    _add_ann(engine)
    backup = tmp_path / "lfi.backup"
    write_backup(database_url, backup)
    whole = backup.read_bytes()
    cut = tmp_path / "cut-short.backup"
    cut.write_bytes(whole[: len(whole) // 2])
    set_disabled(engine, OPERATOR, email=ANN, disabled=True)
    before = _everything(database_url)

    # When it is restored over the database
    refused = lfi("restore", "--replace", str(cut))

    # Then it is refused by name, and every row is as it was
    assert refused.returncode == 1
    assert str(cut) in refused.stderr
    assert _everything(database_url) == before


def _old_database(url: str) -> None:
    """A database at revision 0009, from before councils were kept apart, with one record."""
    engine = create_database_engine(url)
    upgrade_database(engine, "0009")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, outcome, target) "
                "VALUES (:at, 'os:jsmith', 'export', 'ok', 'pack Autumn 2024')"
            ),
            {"at": datetime(2025, 1, 6, 9, 30, tzinfo=UTC)},
        )
    engine.dispose()


def _empty(url: str) -> None:
    engine = create_database_engine(url)
    with engine.begin() as connection:
        if _kind(url) == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            for name in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE "{name}"'))
    engine.dispose()


def test_bak005_an_older_backup_is_upgraded_after_the_restore(database_url, councils_dir, tmp_path):
    # Given a backup of a database from an older version (revision 0009), taken by this one
    _old_database(database_url)
    lfi = _lfi(tmp_path, database_url, councils_dir, NORFOLK_CODE)
    backup = tmp_path / "before-upgrade.backup"
    made = lfi("backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    assert "not in its audit trail" in made.stderr  # revision 0009 has no council column yet

    # When it is restored over this version's database, holding an account
    _empty(database_url)
    engine = create_database_engine(database_url)
    upgrade_database(engine)
    _add_ann(engine)
    engine.dispose()
    restored = lfi("restore", "--replace", str(backup))

    # Then the schema is this version's, and the old record has joined Norfolk, as migration
    # 0010 moves a one-council database into LFI_COUNCIL's council
    assert restored.returncode == 0, restored.stderr
    assert "upgraded from revision 0009" in restored.stdout
    after = _everything(database_url)
    assert after["alembic_version"] == [(head_revision(),)]
    assert after["accounts"] == []
    first = after["audit_events"][0]
    columns = [c.name for c in AuditEvent.__table__.columns]
    assert dict(zip(columns, first, strict=True))["council"] == NORFOLK_CODE
    assert dict(zip(columns, first, strict=True))["target"] == "pack Autumn 2024"


def test_bak006_a_restore_whose_upgrade_fails_leaves_the_database_as_it_was(
    database_url, two_councils_dir, tmp_path
):
    # Given a backup from before councils were kept apart, holding a record
    _old_database(database_url)
    backup = tmp_path / "before-upgrade.backup"
    write_backup(database_url, backup)
    _empty(database_url)
    engine = create_database_engine(database_url)
    upgrade_database(engine)
    _add_ann(engine)
    engine.dispose()
    before = _everything(database_url)

    # When it is restored where two councils are held and none is named, so the upgrade
    # cannot say whose the old records are
    lfi = _lfi(tmp_path, database_url, two_councils_dir)
    refused = lfi("restore", "--replace", str(backup))

    # Then the restore fails, saying why, and the database is as it was
    assert refused.returncode == 1
    assert str(backup) in refused.stderr and "LFI_COUNCIL" in refused.stderr
    assert _everything(database_url) == before


def test_bak007_only_an_administrator_of_every_council_backs_up_or_restores(
    engine, database_url, lfi, tmp_path
):
    _add_ann(engine)
    add_account(
        engine,
        IN_NORFOLK,
        email="norfolk.admin@norfolk.example.org",
        role=Role.ADMIN,
        password=PASSWORD,
        council=NORFOLK_CODE,
    )
    backup = tmp_path / "lfi.backup"

    refused = lfi("--as", "norfolk.admin@norfolk.example.org", "backup", "-o", str(backup))
    assert refused.returncode == 1
    assert "may not back up the database" in refused.stderr and not backup.exists()

    made = lfi("--as", ANN, "backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    refused = lfi("--as", "norfolk.admin@norfolk.example.org", "restore", "--replace", str(backup))
    assert refused.returncode == 1 and "may not restore the database" in refused.stderr


# SQLite alone


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'lfi.sqlite3'}"
    engine = create_database_engine(url)
    upgrade_database(engine)
    _add_ann(engine)
    engine.dispose()
    yield url


def test_bak008_a_sqlite_backup_taken_while_another_connection_writes_is_one_moment(
    sqlite_url, tmp_path
):
    # Given a database of some size, and a writer adding audit records ten at a time, each ten
    # in one transaction
    database = Path(make_url(sqlite_url).database or "")
    engine = create_database_engine(sqlite_url)
    with engine.begin() as connection:
        padding = "x" * 10_000
        rows = [
            {
                "at": datetime(2026, 1, 1, tzinfo=UTC),
                "actor": "os:pad",
                "action": "export",
                "outcome": "ok",
                "target": "padding",
                "detail": padding,
            }
            for _ in range(2_000)
        ]
        connection.execute(insert(AuditEvent), rows)
    engine.dispose()
    stop, committed = threading.Event(), []

    def write() -> None:
        with closing(sqlite3.connect(database, isolation_level=None, timeout=30)) as writer:
            batch = 0
            while not stop.is_set():
                writer.execute("BEGIN IMMEDIATE")
                for _ in range(10):
                    writer.execute(
                        "INSERT INTO audit_events (at, actor, action, outcome, target) "
                        "VALUES ('2026-01-02 00:00:00', 'os:writer', 'export', 'ok', ?)",
                        (f"batch {batch}",),
                    )
                writer.execute("COMMIT")
                committed.append(batch)
                batch += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(committed) < 3:
            stop.wait(0.01)
        # When backups are taken while it writes
        backups = []
        for number in range(5):
            backup = tmp_path / f"backup-{number}.sqlite3"
            write_backup(sqlite_url, backup)
            backups.append(backup)
        seen_at_end = len(committed)
        while len(committed) < seen_at_end + 3:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()

    # Then each backup is whole and sound, and holds every batch whole or not at all
    counts = []
    for backup in backups:
        with closing(sqlite3.connect(backup)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            sizes = copy.execute(
                "SELECT count(*) FROM audit_events WHERE actor = 'os:writer' GROUP BY target"
            ).fetchall()
        assert set(sizes) == {(10,)}
        counts.append(len(sizes))
    assert 3 <= counts[0] and counts[-1] < len(committed)
    assert counts == sorted(counts)


def test_bak009_a_sqlite_file_that_is_not_this_dashboards_is_refused(
    sqlite_url, councils_dir, tmp_path
):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('hello')")
    before = _everything(sqlite_url)
    lfi = _lfi(tmp_path, sqlite_url, councils_dir)

    refused = lfi("restore", "--replace", str(other))

    assert refused.returncode == 1
    assert f"{other} is a SQLite database but not a backup of this dashboard" in refused.stderr
    assert _everything(sqlite_url) == before


def test_bak010_a_backup_from_a_newer_version_is_refused(sqlite_url, councils_dir, tmp_path):
    backup = tmp_path / "newer.sqlite3"
    write_backup(sqlite_url, backup)
    with closing(sqlite3.connect(backup)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    before = _everything(sqlite_url)
    lfi = _lfi(tmp_path, sqlite_url, councils_dir)

    refused = lfi("restore", "--replace", str(backup))

    assert refused.returncode == 1
    assert f"{backup} holds schema revision 0099" in refused.stderr
    assert "newer version" in refused.stderr
    assert _everything(sqlite_url) == before


# PostgreSQL's client tools


def test_bak011_the_password_goes_to_the_tools_environment_never_their_command_line():
    url = make_url("postgresql+psycopg://lfi:s3cret%20it's@db.example:5433/kpi?sslmode=require")

    conninfo, env = libpq_connection(url)

    assert conninfo == "host='db.example' port='5433' user='lfi' dbname='kpi' sslmode='require'"
    assert env["PGPASSWORD"] == "s3cret it's"


def test_bak012_without_pg_dump_the_error_names_debians_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    output = tmp_path / "lfi.backup"

    with pytest.raises(ToolMissing, match="pg_dump is not installed") as refused:
        write_backup("postgresql+psycopg://lfi@127.0.0.1:5432/kpi", output)

    assert "postgresql-client" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_bak013_each_engine_refuses_the_others_backup(
    sqlite_url, postgres_server_url, councils_dir, tmp_path
):
    # Given a backup of each engine's database
    pg_engine = create_database_engine(postgres_server_url)
    with pg_engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(pg_engine)
    pg_engine.dispose()
    sqlite_backup, pg_backup = tmp_path / "sqlite.backup", tmp_path / "postgresql.backup"
    write_backup(sqlite_url, sqlite_backup)
    write_backup(postgres_server_url, pg_backup)
    assert MAGIC == {"SQLite": SQLITE_START, "PostgreSQL": PG_DUMP_START}

    # When each is restored into the other engine's database
    into_pg = _lfi(tmp_path, postgres_server_url, councils_dir)("restore", str(sqlite_backup))
    into_sqlite = _lfi(tmp_path, sqlite_url, councils_dir)("restore", "--replace", str(pg_backup))

    # Then each is refused, naming the file and the engine it came from
    assert into_pg.returncode == 1
    assert f"{sqlite_backup} is a backup of a SQLite database" in into_pg.stderr
    assert into_sqlite.returncode == 1
    assert f"{pg_backup} is a backup of a PostgreSQL database" in into_sqlite.stderr


@pytest.mark.postgres
def test_bak014_a_pg_dump_archive_of_another_database_is_refused(
    postgres_server_url, councils_dir, tmp_path
):
    engine = create_database_engine(postgres_server_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text("CREATE TABLE notes (body text)"))
    other = tmp_path / "other.dump"
    write_backup(postgres_server_url, other)
    _empty(postgres_server_url)
    upgrade_database(engine)
    _add_ann(engine)
    engine.dispose()
    before = _everything(postgres_server_url)

    refused = _lfi(tmp_path, postgres_server_url, councils_dir)("restore", "--replace", str(other))

    assert refused.returncode == 1
    assert f"{other} is a pg_dump archive but not a backup of this dashboard" in refused.stderr
    assert _everything(postgres_server_url) == before
