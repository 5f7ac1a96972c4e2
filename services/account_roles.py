"""An account's roles as stored: in every council (accounts.role) and in each (account_roles)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.roles import Role, Roles
from storage.models import Account, AccountRole


def read_roles(session: Session, account: Account) -> Roles:
    held = session.execute(
        select(AccountRole.council, AccountRole.role).where(AccountRole.account_id == account.id)
    ).all()
    return Roles(
        everywhere=Role(account.role) if account.role else None,
        councils={council: Role(role) for council, role in held},
    )
