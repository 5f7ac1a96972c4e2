"""SQLite's backups: a copy made with SQLite's online backup API, itself a SQLite file, and a
restore written into the database by the same API in one transaction."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from storage.backup_checks import (
    SQLITE,
    BackupError,
    NotABackup,
    Restored,
    check_revision,
    refuse_data,
)
from storage.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_database_engine,
    current_revision,
    upgrade_database,
)


def backup_sqlite(database: Path, partial: Path) -> None:
    """Copy the SQLite ``database`` into the empty file ``partial``."""
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


def restore_sqlite(database: Path, source: Path, *, replace: bool, council: str | None) -> Restored:
    """Replace the SQLite ``database`` with the backup ``source``, upgraded; see
    storage.backup.restore_backup."""
    database.parent.mkdir(parents=True, exist_ok=True)
    # The backup is checked and upgraded in a copy beside the database, then written into the
    # database in one transaction by the backup API: the app's open connections see the old
    # database or the restored one, never a mixture, and a failure before the end leaves the
    # old one as it was.
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".lfi-restore-") as folder:
        copy = Path(folder) / "restoring.sqlite3"
        shutil.copyfile(source, copy)
        backup_revision = check_revision(source, _sqlite_revision(copy, source))
        if database.is_file():
            live = create_database_engine(f"sqlite:///{database}")
            try:
                refuse_data(live, source, replace)
            finally:
                live.dispose()
        staged = create_database_engine(f"sqlite:///{copy}")
        try:
            upgrade_database(staged, council=council)
            revision = current_revision(staged) or backup_revision
        except Exception as error:  # whatever stopped the upgrade is reported
            raise BackupError(
                f"the schema of {source} could not be upgraded, so the database was not "
                f"changed: {error}"
            ) from error
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
