"""Backups of the whole database to one file, and restores from them, all or nothing.

A SQLite database is copied with SQLite's online backup API, so a copy taken while the app
writes is one consistent moment, and the backup is itself a SQLite file. A PostgreSQL database
is copied by ``pg_dump --format=custom`` (one snapshot) and restored with ``pg_restore`` and
``psql`` in one transaction; the backup is a pg_dump archive. Each file is recognised by its
first bytes, so a restore refuses another engine's backup, or a file that is no backup at all,
before it changes anything.

Errors (every one names the file it is about)::

    BackupError              the backup or restore failed; nothing was changed
    ├── NotABackup           the file is not a backup this version can restore
    ├── DatabaseHoldsData    the database holds data and replacing it was not asked for
    └── ToolMissing          PostgreSQL's client tools are not installed
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, inspect, literal, make_url, select, table

from storage.database import (
    MIGRATIONS_DIR,
    SQLITE_BUSY_TIMEOUT_MS,
    create_database_engine,
    current_revision,
    upgrade_database,
)

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"
# The first bytes of each kind of backup file.
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
CLIENT_PACKAGE = "postgresql-client"  # Debian's package with pg_dump, pg_restore and psql


class BackupError(Exception):
    """The backup or restore could not be done; nothing was changed."""


class NotABackup(BackupError):
    """The file is not a backup this version of the dashboard can restore."""


class DatabaseHoldsData(BackupError):
    """The database holds data, and replacing it was not asked for."""


class ToolMissing(BackupError):
    """A PostgreSQL client tool is not on the PATH."""


@dataclass(frozen=True)
class Restored:
    """What a restore did: the schema revision the backup held, and the one it holds now."""

    kind: str
    backup_revision: str
    revision: str


def database_kind(url: str) -> str:
    """SQLite or PostgreSQL, for the database ``url`` names."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return SQLITE
    if backend == "postgresql":
        return POSTGRESQL
    raise BackupError(f"lfi backs up SQLite and PostgreSQL databases, not {backend}")


def backup_kind(path: Path) -> str | None:
    """The engine a backup file was made from, by its first bytes; None for any other file."""
    with path.open("rb") as file:
        start = file.read(len(MAGIC[SQLITE]))
    return next((kind for kind, magic in MAGIC.items() if start.startswith(magic)), None)


def write_backup(url: str, output: Path) -> str:
    """Copy the whole database ``url`` names to ``output``, which appears only when complete
    and is readable by its owner alone (it holds personal data); the engine's name."""
    name = database_kind(url)
    if output.is_dir():
        raise BackupError(f"{output} is a folder: name the backup file to write")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    partial = _partial_file(output)
    try:
        if name == SQLITE:
            _backup_sqlite(_sqlite_file(url), partial)
        else:
            _backup_postgresql(make_url(url), partial)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return name


def restore_backup(url: str, source: Path, *, replace: bool, council: str | None) -> Restored:
    """Replace the whole database ``url`` names with the backup ``source``, then upgrade its
    schema to this version's; ``council`` is the council a backup from before councils were
    kept apart belongs to (storage.database.upgrade_database). A database holding data is
    refused unless ``replace``. On any failure the database is left as it was."""
    name = database_kind(url)
    _check_kind(source, name)
    if name == SQLITE:
        return _restore_sqlite(_sqlite_file(url), source, replace=replace, council=council)
    return _restore_postgresql(url, source, replace=replace, council=council)


def holds_data(engine: Engine) -> bool:
    """Whether any table but the schema's revision holds a row."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as connection:
        return any(
            connection.execute(select(literal(1)).select_from(table(n)).limit(1)).first()
            for n in names
        )


def _check_kind(source: Path, wanted: str) -> None:
    if not source.is_file():
        raise NotABackup(f"{source}: no such file")
    kind = backup_kind(source)
    if kind is None:
        raise NotABackup(
            f"{source} is not a backup made by lfi backup: it is neither a SQLite database "
            "nor a pg_dump archive"
        )
    if kind != wanted:
        raise NotABackup(
            f"{source} is a backup of a {kind} database, and this deployment's database "
            f"(LFI_DATABASE_URL) is {wanted}: restore it into a {kind} database"
        )


def _check_revision(source: Path, revision: str | None) -> str:
    """The backup's schema revision, if this version knows it: a backup from a newer version
    of the dashboard cannot be taken back to this one's schema."""
    if not revision:
        raise NotABackup(f"{source} is not a backup of this dashboard: it holds no schema revision")
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if revision not in known:
        raise NotABackup(
            f"{source} holds schema revision {revision}, which this version of the dashboard "
            "does not know: it was made by a newer version; restore it with that version"
        )
    return revision


def _refuse_data(engine: Engine, source: Path, replace: bool) -> None:
    if not replace and holds_data(engine):
        raise DatabaseHoldsData(
            f"the database holds data, and restoring {source} would replace all of it: take a "
            "backup of it first (lfi backup), then run lfi restore again with --replace"
        )


def _partial_file(output: Path) -> Path:
    # Beside the output, so the finished file is moved into place in one step; mode 0600.
    handle, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    os.close(handle)
    return Path(name)


# SQLite


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the database is in memory: there is no file to back up or restore")
    return Path(database)


def _backup_sqlite(database: Path, partial: Path) -> None:
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    # Read-only, so a file that vanished is not made anew; one step (pages=-1) reads the whole
    # file inside one read transaction, so the copy is one moment however others write.
    uri = f"{database.resolve().as_uri()}?mode=ro"
    try:
        with (
            closing(sqlite3.connect(uri, uri=True)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            live.backup(copy)
            # One self-contained file, with no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"the backup of {database} failed: {error}") from error


def _restore_sqlite(
    database: Path, source: Path, *, replace: bool, council: str | None
) -> Restored:
    if database.is_file():
        live = create_database_engine(f"sqlite:///{database}")
        try:
            _refuse_data(live, source, replace)
        finally:
            live.dispose()
    database.parent.mkdir(parents=True, exist_ok=True)
    # The backup is checked and upgraded in a copy beside the database, then written into the
    # database in one transaction by the backup API: the app's open connections see the old
    # database or the restored one, never a mixture, and a failure before the end leaves the
    # old one as it was.
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".lfi-restore-") as folder:
        copy = Path(folder) / "restoring.sqlite3"
        shutil.copyfile(source, copy)
        backup_revision = _check_revision(source, _sqlite_revision(copy, source))
        staged = create_database_engine(f"sqlite:///{copy}")
        try:
            upgrade_database(staged, council=council)
            revision = current_revision(staged) or backup_revision
        finally:
            staged.dispose()
        _copy_into(copy, database)
    return Restored(SQLITE, backup_revision, revision)


def _sqlite_revision(copy: Path, source: Path) -> str | None:
    """The schema revision of a SQLite backup, once the whole file has been found sound."""
    try:
        with closing(sqlite3.connect(copy)) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise NotABackup(f"{source} is damaged: {'; '.join(problems[:3])}")
            tables = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchall()
            if not tables:
                raise NotABackup(
                    f"{source} is a SQLite database but not a backup of this dashboard: "
                    "it has no alembic_version table"
                )
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise NotABackup(f"{source} is damaged: {error}") from error
    return row[0] if row else None


def _copy_into(copy: Path, database: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(copy)) as restored,
            closing(sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as live,
        ):
            restored.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"writing the backup into {database} failed: {error}") from error


# PostgreSQL

# Empties the schema the app's tables live in (its objects, not the schema itself, which may
# belong to another role), so that a backup made before a newer table existed restores cleanly
# and the upgrade afterwards can make that table. Extension members are left to their extension.
EMPTY_SCHEMA = """
DO $$
DECLARE
    statement text;
BEGIN
    FOR statement IN
        SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                     ELSE 'TABLE' END,
                      n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
    FOR statement IN
        SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
    FOR statement IN
        SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
END $$
"""
# Entries about the schema itself: the restore changes what the schema holds, never the schema.
SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - \S+|(COMMENT|ACL) - SCHEMA \S+) ")
ALEMBIC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ alembic_version ", re.MULTILINE)
ALEMBIC_DATA = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(\S+)\n", re.M)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"{name} is not installed: install PostgreSQL's client tools, Debian's "
            f"{CLIENT_PACKAGE} package (apt-get install {CLIENT_PACKAGE})"
        )
    return found


def _quote(value: str) -> str:
    """A value in libpq's connection-string syntax."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """How the client tools reach the database ``url`` names: a libpq connection string for
    --dbname, with no password in it (a command line is visible to every user of the server),
    and the environment for the child, with the password in PGPASSWORD."""
    query = {k: v if isinstance(v, str) else ",".join(v) for k, v in url.query.items()}
    password = query.pop("password", None) if url.password is None else url.password
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    fields.update(query)
    conninfo = " ".join(f"{k}={_quote(str(v))}" for k, v in fields.items() if v not in (None, ""))
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return conninfo, env


def _run(
    arguments: list[str], env: dict[str, str], failed: str, error: type[BackupError] = BackupError
) -> str:
    """Run a client tool (no shell); its output, or ``error`` saying what ``failed``."""
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise error(f"{failed}: {done.stderr.strip() or f'exit {done.returncode}'}")
    return done.stdout


def _backup_postgresql(url: URL, partial: Path) -> None:
    conninfo, env = libpq_connection(url)
    arguments = [_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={conninfo}"]
    _run(arguments, env, f"pg_dump could not back up the database {url.database}")


def _restore_postgresql(url: str, source: Path, *, replace: bool, council: str | None) -> Restored:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    conninfo, env = libpq_connection(make_url(url))
    unreadable = f"{source} cannot be read as a pg_dump archive; the database was not changed"
    listing = _run([pg_restore, "--list", str(source)], env, unreadable, NotABackup)
    if not ALEMBIC_TABLE.search(listing):
        raise NotABackup(
            f"{source} is a pg_dump archive but not a backup of this dashboard: "
            "it has no alembic_version table"
        )
    data = _run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(source)],
        env,
        unreadable,
        NotABackup,
    )
    found = ALEMBIC_DATA.search(data)
    backup_revision = _check_revision(source, found.group(1) if found else None)
    engine = create_database_engine(url)
    try:
        _refuse_data(engine, source, replace)
        _replace_contents(pg_restore, psql, source, listing, conninfo, env)
        upgrade_database(engine, council=council)
        revision = current_revision(engine) or backup_revision
    finally:
        engine.dispose()
    return Restored(POSTGRESQL, backup_revision, revision)


def _replace_contents(
    pg_restore: str, psql: str, source: Path, listing: str, conninfo: str, env: dict[str, str]
) -> None:
    """Empty the schema and restore the archive into it in one transaction. The archive is
    first written out whole as SQL, so a damaged archive stops before the database is touched
    (psql would take a script cut short as complete)."""
    with tempfile.TemporaryDirectory(prefix="lfi-restore-") as folder:
        entries = Path(folder) / "entries.list"
        entries.write_text(
            "".join(line for line in listing.splitlines(True) if not SCHEMA_ENTRY.match(line))
        )
        script = Path(folder) / "restore.sql"
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                f"--use-list={entries}",
                f"--file={script}",
                str(source),
            ],
            env,
            f"{source} cannot be restored (it may be damaged or cut short); "
            "the database was not changed",
        )
        _run(
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--dbname={conninfo}",
                f"--command={EMPTY_SCHEMA}",
                f"--file={script}",
            ],
            env,
            f"restoring {source} failed, and the database was left as it was",
        )
