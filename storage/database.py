"""Engines, sessions and schema upgrades for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from domain.storage_full import StorageFull

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "lfi_write"
# Any fixed number: every writer takes the same PostgreSQL advisory lock, so loads run one at a time.
WRITE_LOCK_KEY = 7_251_023


# How each engine says its disk is full: SQLite's SQLITE_FULL, PostgreSQL's SQLSTATE 53100.
SQLITE_FULL = "database or disk is full"
POSTGRES_DISK_FULL = "53100"


def _is_disk_full(error: OperationalError) -> bool:
    return SQLITE_FULL in str(error.orig) or getattr(error.orig, "sqlstate", None) == (
        POSTGRES_DISK_FULL
    )


def _prepare_sqlite(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is switched off so that _begin_sqlite decides how
    # each transaction starts. WAL lets readers carry on while a load writes; foreign keys are
    # off by default in SQLite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A writer takes the write lock at BEGIN, waiting up to the busy timeout, instead of failing
    # half-way through when another writer got there first. Readers begin as usual.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def create_database_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if it is missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _prepare_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def as_utc(moment: datetime) -> datetime:
    """A stored time in UTC: SQLite gives it back naive, PostgreSQL in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _alembic_config(engine: Engine, council: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    config.attributes["council"] = council
    return config


def upgrade_database(engine: Engine, revision: str = "head", *, council: str | None = None) -> None:
    """Bring the schema to the newest revision (or ``revision``), in place; data is kept.

    ``council`` is the LA code of the council a database from before councils were kept apart
    belongs to: its rows are moved into it (migration 0010). An empty database needs none."""
    command.upgrade(_alembic_config(engine, council), revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision``, in place, where the data allows it."""
    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("the migrations folder holds no revision")
    return head


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction for one load: committed whole at the end, or rolled back whole.

    Writers are serialised: SQLite by BEGIN IMMEDIATE, PostgreSQL by an advisory lock held
    until the transaction ends.
    """
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                    )
                with Session(bind=connection, expire_on_commit=False) as session:
                    yield session
                    session.flush()
    except OperationalError as error:
        if _is_disk_full(error):
            raise StorageFull from error
        raise
