"""``lfi user ...`` and ``lfi audit``: accounts and the audit trail from a terminal.

Who the command line acts as: the operating-system user ("os:jsmith"), or with ``--as EMAIL``
an existing account, whose role then limits what the command may do.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from domain.actors import Actor, Forbidden, command_line_actor
from domain.roles import Permission, Role, RoleError, Roles, parse_role
from services import accounts
from services.audit import ACTIONS, OUTCOMES, AuditFilter, read_events
from services.passwords import PasswordRefused

AUDIT_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "outcome",
    "target",
    "detail",
    "address",
    "council",
)


class UsageError(ValueError):
    """The command was given something it cannot use; exit code 2."""


def command_actor(engine, as_email: str | None, council: str | None) -> Actor:
    """Who the command acts as, acting in ``council`` (None: outside any, for what concerns
    every council): the operating-system user, with every permission, or the --as account with
    its role there."""
    if not as_email:
        return command_line_actor(getpass.getuser()).in_council(council, Role.ADMIN)
    found = accounts.find_account(engine, as_email)
    if found is None or found.disabled:
        raise UsageError(f"--as {as_email}: there is no enabled account for that address")
    return found.as_actor(council=council)


NO_ROLE = "none"  # set-role's word for taking a role away


def _role_or_none(text: str) -> Role | None:
    return None if text.strip().lower() == NO_ROLE else _role(text)


def _where(council: str | None) -> str:
    return f"in {council}" if council else "in every council"


def _roles_text(roles: Roles) -> str:
    held = [f"every council: {roles.everywhere.value}"] if roles.everywhere else []
    held += [f"{code}: {role.value}" for code, role in sorted(roles.councils.items())]
    return "; ".join(held) or "no role"


def _role(text: str) -> Role:
    try:
        return parse_role(text)
    except RoleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("The same password again: ") != first:
        raise UsageError("the two passwords were not the same")
    return first


def cmd_user(args: argparse.Namespace, engine, actor: Actor) -> int:
    try:
        if args.user_command == "add":
            found = accounts.add_account(
                engine,
                actor,
                email=args.email,
                role=args.role,
                password=_read_password(args),
                council=actor.council,
            )
            print(f"Added {found.email} as {args.role.title.lower()} {_where(actor.council)}.")
        elif args.user_command == "list":
            for found in accounts.list_accounts(engine, actor):
                state = "disabled" if found.disabled else "enabled"
                print(f"{found.email}\t{_roles_text(found.roles)}\t{found.source}\t{state}")
        elif args.user_command == "set-role":
            found = accounts.set_role(
                engine, actor, email=args.email, role=args.role, council=actor.council
            )
            now = args.role.title.lower() if args.role else "without a role"
            print(f"{found.email} is now {now} {_where(actor.council)}.")
        elif args.user_command == "set-password":
            accounts.set_password(engine, actor, email=args.email, password=_read_password(args))
            print(f"Changed the password of {args.email.strip().lower()}.")
        else:
            disabled = args.user_command == "disable"
            found = accounts.set_disabled(engine, actor, email=args.email, disabled=disabled)
            print(f"{found.email} is {'disabled' if disabled else 'enabled'}.")
    except (accounts.AccountError, PasswordRefused, UsageError) as error:
        print(f"lfi user {args.user_command}: {error}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1
    except Forbidden as error:
        print(f"lfi user {args.user_command}: {error}", file=sys.stderr)
        return 1
    return 0


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date like 2026-11-30") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def cmd_audit(args: argparse.Namespace, engine, actor: Actor) -> int:
    if not actor.may(Permission.ADMINISTER):
        where = _where(actor.council)
        print(f"lfi audit: {actor.name} may not read the audit trail {where}", file=sys.stderr)
        return 1
    wanted = AuditFilter(
        actor=args.actor,
        action=args.action,
        outcome=args.outcome,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )
    events = read_events(engine, actor.council, wanted)
    rows = [{**asdict(e), "at": e.at.isoformat()} for e in events]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=AUDIT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return 0


def add_commands(commands) -> None:
    user = commands.add_parser("user", help="add and manage accounts")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="add a local account")
    add.add_argument("email")
    add.add_argument(
        "--role", type=_role, required=True, help="viewer, finance_officer, programme_lead or admin"
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    listing = actions.add_parser("list", help="the accounts with a role in the council")
    set_role = actions.add_parser(
        "set-role", help="change an account's role in the council ('none' takes it away)"
    )
    set_role.add_argument("email")
    set_role.add_argument("role", type=_role_or_none)
    password = actions.add_parser("set-password", help="set a local account's password")
    password.add_argument("email")
    password.add_argument("--password-stdin", action="store_true")
    switches = []
    for name, text in (("disable", "stop an account signing in"), ("enable", "let it again")):
        switch = actions.add_parser(name, help=text)
        switch.add_argument("email")
        switches.append(switch)
    audit = commands.add_parser("audit", help="print the council's audit trail (admins)")
    for command in (add, listing, set_role, password, *switches, audit):
        command.add_argument(
            "--all-councils",
            action="store_true",
            help="act for every council (an administrator of every council): a role in every "
            "council, every account, the whole audit trail",
        )
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.add_argument("--action", choices=ACTIONS)
    audit.add_argument("--outcome", choices=OUTCOMES)
    audit.add_argument("--actor", help="part of the e-mail or name of who did it")
    audit.add_argument("--since", type=_moment, help="from this date or time (UTC)")
    audit.add_argument("--until", type=_moment, help="before this date or time (UTC)")
    audit.add_argument("--limit", type=int)
