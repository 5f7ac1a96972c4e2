"""``lfi backup`` and ``lfi restore``: the whole database, every council's data and every
account, to one file and back.

Both concern every council, so they take an administrator of every council: the
operating-system user, or an ``--as`` account holding the admin role in every council. A backup
copies the database as it is, without upgrading its schema first, so one taken before an
upgrade holds the schema from before it.

Exit codes: 0 done, 1 refused or failed (nothing changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli_accounts import command_actor
from domain.actors import Actor, Forbidden
from domain.audit import Action
from domain.roles import Permission
from kpis.council import home_council, read_councils
from services.audit import record_alone
from settings import read_settings
from storage.backup import BackupError, restore_backup, write_backup
from storage.database import create_database_engine, current_revision, head_revision

KEEP_SAFE = (
    "It holds personal data: keep it encrypted, off this server, and only as long as your "
    "retention schedule allows."
)


def _administrator(engine, args: argparse.Namespace, doing: str) -> Actor:
    """Who the command acts as, if they may act for every council; Forbidden otherwise."""
    actor = command_actor(engine, args.as_email, None)
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(f"{actor.name} may not {doing}: it takes an administrator of every council")
    return actor


def cmd_backup(args: argparse.Namespace) -> int:
    url = read_settings().database_url
    engine = create_database_engine(url)
    args.engine = engine  # disposed by cli.main
    actor = _administrator(engine, args, "back up the database")
    output = Path(args.output)
    try:
        kind = write_backup(url, output)
    except BackupError as error:
        print(f"lfi backup: {error}", file=sys.stderr)
        return 1
    size = output.stat().st_size / 1_000_000
    print(f"Backed up the {kind} database to {output} ({size:,.1f} MB). {KEEP_SAFE}")
    if current_revision(engine) == head_revision():
        record_alone(engine, actor, Action.EXPORT, target=f"database backup {output.name}"[:255])
    else:
        # An older schema has no room for this version's audit record; the backup itself is whole.
        print(
            "The database's schema is not this version's, so the backup is not in its audit "
            "trail; any other lfi command upgrades it.",
            file=sys.stderr,
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = read_settings()
    council = home_council(read_councils(settings.councils_dir), settings.council)
    engine = create_database_engine(settings.database_url)
    args.engine = engine  # disposed by cli.main
    actor = _administrator(engine, args, "restore the database")
    source = Path(args.file)
    try:
        restored = restore_backup(
            settings.database_url, source, replace=args.replace, council=council
        )
    except BackupError as error:
        print(f"lfi restore: {error}", file=sys.stderr)
        return 1
    record_alone(
        engine, actor, Action.RESTORE, target=f"database restored from backup {source.name}"[:255]
    )
    upgraded = (
        f", its schema upgraded from revision {restored.backup_revision} to {restored.revision}"
        if restored.revision != restored.backup_revision
        else ""
    )
    print(
        f"Restored the {restored.kind} database from {source}{upgraded}. Restart the dashboard "
        "so that no worker shows figures it worked out before the restore."
    )
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="copy the whole database to a file, consistent while the app runs "
        "(admins of every council)",
    )
    backup.add_argument("-o", "--output", required=True, metavar="FILE")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser(
        "restore",
        help="replace the whole database with a backup, all or nothing, and upgrade its schema "
        "(admins of every council)",
    )
    restore.add_argument("file", metavar="FILE", help="a file written by lfi backup")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="replace a database that holds data (without it, only an empty one is restored into)",
    )
    restore.set_defaults(run=cmd_restore)
