"""What backups and restores share: their errors, what a restore did, and the checks made before
a database is touched.

Errors (each names the file or database it is about)::

    BackupError              the backup or restore could not be done; nothing was changed
    ├── NotABackup           the file is not a backup this version can restore
    ├── DatabaseHoldsData    the database holds data and replacing it was not asked for
    └── ToolMissing          PostgreSQL's client tools are not installed
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, literal, select, table

from storage.database import MIGRATIONS_DIR

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"


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


def holds_data(engine: Engine) -> bool:
    """Whether any table but the schema's revision holds a row."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as connection:
        return any(
            connection.execute(select(literal(1)).select_from(table(n)).limit(1)).first()
            for n in names
        )


def check_revision(source: Path, revision: str | None) -> str:
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


def refuse_data(engine: Engine, source: Path, replace: bool) -> None:
    if not replace and holds_data(engine):
        raise DatabaseHoldsData(
            f"the database holds data, and restoring {source} would replace all of it: take a "
            "backup of it first (lfi backup), then run lfi restore again with --replace"
        )


def partial_file(output: Path) -> Path:
    # Beside the output, so the finished file is moved into place in one step; mode 0600.
    handle, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    os.close(handle)
    return Path(name)
