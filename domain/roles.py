"""Who may do what. Each role may do everything the one before it may, and more.

- viewer: reads every internal page and download;
- finance officer: also uploads, confirms and corrects returns;
- programme lead: also writes commentary and the DfE return's entries, and prints the pack;
- admin: also manages accounts and reads the audit trail.

An account holds a role in each council it works for, or one in every council.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    FINANCE_OFFICER = "finance_officer"
    PROGRAMME_LEAD = "programme_lead"
    ADMIN = "admin"

    # The title people read. It shadows str.title() (a Role is a str), which the type checker
    # refuses; a name of its own would change its callers in app.py and cli_accounts.py too.
    @property
    def title(self) -> str:  # type: ignore[override]
        return ROLE_TITLES[self]

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def may(self, permission: Permission) -> bool:
        return self.rank >= PERMISSIONS[permission].rank


class Permission(StrEnum):
    READ = "read"
    UPLOAD = "upload"
    WRITE_NOTES = "write_notes"
    ADMINISTER = "administer"


ROLE_TITLES = {
    Role.VIEWER: "Viewer",
    Role.FINANCE_OFFICER: "Finance officer",
    Role.PROGRAMME_LEAD: "Programme lead",
    Role.ADMIN: "Admin",
}

# The least role that holds each permission.
PERMISSIONS = {
    Permission.READ: Role.VIEWER,
    Permission.UPLOAD: Role.FINANCE_OFFICER,
    Permission.WRITE_NOTES: Role.PROGRAMME_LEAD,
    Permission.ADMINISTER: Role.ADMIN,
}


class RoleError(ValueError):
    """A role name that is not one of the four."""


def parse_role(text: str) -> Role:
    """A role from its name as typed ("finance officer", "finance_officer", "Finance-Officer")."""
    key = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return Role(key)
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise RoleError(f"{text!r} is not a role: use one of {names}") from None


@dataclass(frozen=True)
class Roles:
    """An account's roles: one in every council (an administrator of the whole deployment), and
    one in each council it works for. In a council it holds the higher of the two."""

    everywhere: Role | None = None
    councils: Mapping[str, Role] = field(default_factory=dict)

    def in_council(self, council: str) -> Role | None:
        held = [r for r in (self.everywhere, self.councils.get(council)) if r is not None]
        return max(held, key=lambda role: role.rank, default=None)

    def outside_councils(self) -> Role | None:
        """The role where no council is concerned (the list of councils, the accessibility
        statement): the role held everywhere, or a viewer's for anyone who holds a role in
        some council, so that no council's role reaches beyond it."""
        if self.everywhere is not None:
            return self.everywhere
        return Role.VIEWER if self.councils else None

    def councils_held(self, known: Iterable[str]) -> tuple[str, ...]:
        """Of the ``known`` councils, those this account holds a role in, in their order."""
        return tuple(code for code in known if self.in_council(code) is not None)
