"""Demo accounts: one per role, made with the demo data so a fresh clone can be signed in to.

Made only when the demo data is asked for (LFI_LOAD_DEMO) and the database has no accounts at
all; they share one random password, which the caller shows once and nothing stores in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.roles import Permission, Role
from services.accounts import LOCAL
from services.audit import Action, record
from services.passwords import PasswordRefused, check_password, hash_password
from storage.database import write_session
from storage.models import Account, AccountRole

# Under their own domain, so they never take the address of an account someone adds.
DEMO_EMAILS: dict[Role, str] = {
    Role.VIEWER: "viewer@demo.example.org",
    Role.FINANCE_OFFICER: "finance@demo.example.org",
    Role.PROGRAMME_LEAD: "lead@demo.example.org",
    Role.ADMIN: "admin@demo.example.org",
}
# Letters and digits that cannot be mistaken for one another when read off a screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS = 4
_GROUP_LENGTH = 4


@dataclass(frozen=True)
class DemoAccounts:
    """The accounts just made, by role, and the password they share."""

    emails: dict[Role, str]
    password: str


def demo_password() -> str:
    """Four groups of four random characters (about 79 bits), such as ``k7mq-x2pa-...``; drawn
    again in the rare case the policy refuses it for one of the accounts."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
        )
        try:
            for email in DEMO_EMAILS.values():
                check_password(password, email=email)
        except PasswordRefused:
            continue
        return password


def add_demo_accounts(
    engine: Engine, actor: Actor, councils: tuple[str, ...]
) -> DemoAccounts | None:
    """The four demo accounts, if the database has no account at all; None (nothing made)
    otherwise: the viewer, finance officer and programme lead hold their role in each of the
    demo ``councils``, the admin in every council. The check and the four accounts share one
    write transaction, with an account_add record each, so two servers starting together make
    them once."""
    actor.require(Permission.ADMINISTER)
    if _has_accounts(engine):
        return None
    password = demo_password()
    hashes = {role: hash_password(password) for role in DEMO_EMAILS}
    with write_session(engine) as session:
        if session.scalar(select(func.count(Account.id))):
            return None
        for role, email in DEMO_EMAILS.items():
            everywhere = role is Role.ADMIN
            account = Account(
                email=email,
                role=role.value if everywhere else None,
                password_hash=hashes[role],
                source=LOCAL,
                disabled=False,
                created_at=datetime.now(UTC),
            )
            session.add(account)
            session.flush()
            if not everywhere:
                session.add_all(
                    AccountRole(account_id=account.id, council=code, role=role.value)
                    for code in councils
                )
            record(
                session,
                actor,
                Action.ACCOUNT_ADD,
                target=email,
                detail={"role": role.value, "demo": True},
            )
    return DemoAccounts(dict(DEMO_EMAILS), password)


def _has_accounts(engine: Engine) -> bool:
    with Session(engine) as session:
        return bool(session.scalar(select(func.count(Account.id))))
