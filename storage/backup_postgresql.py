"""PostgreSQL's backups: ``pg_dump --format=custom`` (one snapshot of the whole database), and a
restore by ``pg_restore`` and ``psql`` that empties the schema and fills it from the archive in
one transaction. The tools come from Debian's postgresql-client; they reach the database with
a libpq connection string, the password in the child's environment, never on a command line,
and are run without a shell."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from sqlalchemy import URL, make_url

from storage.backup_checks import (
    POSTGRESQL,
    BackupError,
    NotABackup,
    Restored,
    ToolMissing,
    check_revision,
    refuse_data,
)
from storage.database import create_database_engine, current_revision, upgrade_database

CLIENT_PACKAGE = "postgresql-client"  # Debian's package with pg_dump, pg_restore and psql
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
SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - public|(COMMENT|ACL) - SCHEMA public) ")
ALEMBIC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ alembic_version ", re.MULTILINE)
ALEMBIC_DATA = re.compile(
    r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(\S+)\n", re.MULTILINE
)


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
    if "sslpassword" in query:  # libpq reads it from no variable: it would be on a command line
        raise BackupError(
            "LFI_DATABASE_URL gives sslpassword: pg_dump and pg_restore would show it on their "
            "command line to every user of the server. Use a client key without a passphrase, "
            "readable by this user alone, for backups."
        )
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    fields.update(query)
    conninfo = " ".join(f"{k}={_quote(str(v))}" for k, v in fields.items() if v not in (None, ""))
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return conninfo, env


@dataclass(frozen=True)
class _Client:
    """PostgreSQL's client tools, and how they reach the database."""

    conninfo: str
    env: dict[str, str]

    @classmethod
    def of(cls, url: URL, *tools: str) -> _Client:
        for tool in tools:  # a missing tool is said before anything is done
            _tool(tool)
        return cls(*libpq_connection(url))

    def run(
        self, tool: str, *arguments: str, failed: str, error: type[BackupError] = BackupError
    ) -> str:
        """Run ``tool`` (no shell); its output, or ``error`` saying what ``failed``."""
        done = subprocess.run(
            [_tool(tool), *arguments], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise error(f"{failed}: {done.stderr.strip() or f'exit {done.returncode}'}")
        return done.stdout

    def dump(self, output: Path, failed: str) -> None:
        self.run(
            "pg_dump",
            "--format=custom",
            f"--file={output}",
            f"--dbname={self.conninfo}",
            failed=failed,
        )


def backup_postgresql(url: URL, partial: Path) -> None:
    """Copy the PostgreSQL database ``url`` names into ``partial``, a pg_dump custom archive."""
    client = _Client.of(url, "pg_dump")
    client.dump(partial, f"pg_dump could not back up the database {url.database}")


def restore_postgresql(url: str, source: Path, *, replace: bool, council: str | None) -> Restored:
    """Replace the PostgreSQL database ``url`` names with the archive ``source``, upgraded; see
    storage.backup.restore_backup."""
    client = _Client.of(make_url(url), "pg_dump", "pg_restore", "psql")
    listing = _archive_listing(client, source)
    backup_revision = _archive_revision(client, source)
    engine = create_database_engine(url)
    try:
        refuse_data(engine, source, replace)
        with tempfile.TemporaryDirectory(prefix="lfi-restore-") as name:
            folder = Path(name)
            # The upgrade after the restore is a transaction of its own: should it fail, the
            # database is put back from this copy.
            before = folder / "before-restore.dump"
            client.dump(
                before, "the database could not be copied before the restore; it was not changed"
            )
            _replace_contents(client, source, listing, folder)
            try:
                upgrade_database(engine, council=council)
            except Exception as error:  # whatever stopped the upgrade is reported
                engine.dispose()
                _put_back(client, before, source, folder, error)
            revision = current_revision(engine) or backup_revision
    finally:
        engine.dispose()
    return Restored(POSTGRESQL, backup_revision, revision)


def _listing(client: _Client, source: Path) -> str:
    """The archive's table of contents."""
    return client.run(
        "pg_restore", "--list", str(source), failed=_unreadable(source), error=NotABackup
    )


def _archive_listing(client: _Client, source: Path) -> str:
    """The archive's table of contents, if it is a backup of this dashboard."""
    listing = _listing(client, source)
    if not ALEMBIC_TABLE.search(listing):
        raise NotABackup(
            f"{source} is a pg_dump archive but not a backup of this dashboard: "
            "it has no alembic_version table"
        )
    return listing


def _archive_revision(client: _Client, source: Path) -> str:
    data = client.run(
        "pg_restore",
        "--data-only",
        "--table=alembic_version",
        "--file=-",
        str(source),
        failed=_unreadable(source),
        error=NotABackup,
    )
    found = ALEMBIC_DATA.search(data)
    return check_revision(source, found.group(1) if found else None)


def _unreadable(source: Path) -> str:
    return f"{source} cannot be read as a pg_dump archive; the database was not changed"


def _replace_contents(client: _Client, source: Path, listing: str, folder: Path) -> None:
    """Empty the schema and restore the archive into it in one transaction. The archive is
    first written out whole as SQL, so a damaged archive stops before the database is touched
    (psql would take a script cut short as complete)."""
    entries = folder / "entries.list"
    entries.write_text(
        "".join(line for line in listing.splitlines(True) if not SCHEMA_ENTRY.match(line))
    )
    script = folder / "restore.sql"
    try:
        client.run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            f"--use-list={entries}",
            f"--file={script}",
            str(source),
            failed=f"{source} cannot be restored (it may be damaged or cut short); "
            "the database was not changed",
        )
        client.run(
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--dbname={client.conninfo}",
            f"--command={EMPTY_SCHEMA}",
            f"--file={script}",
            failed=f"restoring {source} failed, and the database was left as it was",
        )
    finally:
        script.unlink(missing_ok=True)  # the whole database in plain text


def _put_back(
    client: _Client, before: Path, source: Path, folder: Path, error: Exception
) -> NoReturn:
    """Restore the copy taken before the restore, after the upgrade failed; always raises."""
    try:
        _replace_contents(client, before, _listing(client, before), folder)
    except BackupError as undo:
        kept = source.with_name(f"{source.name}.before-restore")
        shutil.move(before, kept)
        kept.chmod(0o600)  # the whole database, as a backup is: its owner's alone
        raise BackupError(
            f"{source} was restored but its schema could not be upgraded ({error}), and putting "
            f"the database back failed too ({undo}): the database as it was is in {kept}; "
            f"restore it with lfi restore --replace {kept}"
        ) from error
    raise BackupError(
        f"{source} was restored but its schema could not be upgraded, so the database was put "
        f"back as it was: {error}"
    ) from error
