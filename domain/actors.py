"""Who is doing something: a signed-in account, an anonymous reader of the public view, or the
command line's operator. Every service call that changes anything is given one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.roles import Permission, Role, Roles

ANONYMOUS_NAME = "anonymous"
OS_USER_PREFIX = "os:"


class Forbidden(PermissionError):
    """The actor's role does not allow what was asked; nothing was done."""


@dataclass(frozen=True)
class Actor:
    # An account's e-mail, "anonymous", or "os:<user>" for the command line without --as.
    name: str
    # The role in ``council``: what the actor may do there.
    role: Role | None
    # The client's address, as trusted proxies report it; None on the command line.
    address: str | None = None
    # The council acted in, by its new-style LA code; None outside any council (signing in,
    # the list of councils, the accounts).
    council: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    def may(self, permission: Permission) -> bool:
        return self.role is not None and self.role.may(permission)

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise Forbidden(f"{self.name} may not {permission.value.replace('_', ' ')}")

    def require_in(self, council: str) -> None:
        """Refuse an actor acting in another council (or in none) than ``council``."""
        if self.council != council:
            raise Forbidden(f"{self.name} is not acting in council {council}")

    def in_council(self, council: str | None, role: Role | None) -> Actor:
        """The same person acting in ``council`` with ``role`` there."""
        return replace(self, council=council, role=role)


ANONYMOUS = Actor(ANONYMOUS_NAME, None)


@dataclass(frozen=True)
class SignedIn:
    """A live session: who it is (acting outside any council), the token its forms and
    callbacks must send back, and the account's roles in each council."""

    actor: Actor
    csrf_token: str
    account_id: int
    roles: Roles = Roles()

    def in_council(self, council: str) -> Actor:
        """The account acting in ``council``, with its role there (None: it has none)."""
        return self.actor.in_council(council, self.roles.in_council(council))


def command_line_actor(os_user: str) -> Actor:
    """The operator of the command line: they hold the database itself, so every permission."""
    return Actor(f"{OS_USER_PREFIX}{os_user}", Role.ADMIN)


@dataclass(frozen=True)
class SessionStarted:
    """A sign-in that succeeded: the new session's cookie token and its CSRF token."""

    actor: Actor
    token: str
    csrf_token: str


@dataclass(frozen=True)
class SignInRefused:
    """Why a sign-in failed, in words the sign-in page shows as they are."""

    message: str
