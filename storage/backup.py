"""Backups of the whole database to one file, and restores from them, all or nothing.

A SQLite database is copied with SQLite's online backup API, so a copy taken while the app
writes is one consistent moment, and the backup is itself a SQLite file. A PostgreSQL database
is copied by ``pg_dump --format=custom`` (one snapshot) and restored with ``pg_restore`` and
``psql`` in one transaction; the backup is a pg_dump archive. Each file is recognised by its
first bytes, so a restore refuses another engine's backup, or a file that is no backup at all,
before it changes anything.

Errors: storage.backup_checks.BackupError and the kinds below it, each naming its file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import make_url

from storage.backup_checks import (
    POSTGRESQL,
    SQLITE,
    BackupError,
    DatabaseHoldsData,
    NotABackup,
    Restored,
    ToolMissing,
    partial_file,
)
from storage.backup_postgresql import backup_postgresql, restore_postgresql
from storage.backup_sqlite import backup_sqlite, restore_sqlite

__all__ = [
    "BackupError",
    "DatabaseHoldsData",
    "NotABackup",
    "Restored",
    "ToolMissing",
    "backup_kind",
    "database_kind",
    "restore_backup",
    "write_backup",
]

# The first bytes of each kind of backup file.
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}


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
    partial = partial_file(output)
    try:
        if name == SQLITE:
            backup_sqlite(_sqlite_file(url), partial)
        else:
            backup_postgresql(make_url(url), partial)
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
        return restore_sqlite(_sqlite_file(url), source, replace=replace, council=council)
    return restore_postgresql(url, source, replace=replace, council=council)


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


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the database is in memory: there is no file to back up or restore")
    return Path(database)
