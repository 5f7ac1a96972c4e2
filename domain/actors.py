"""Who is doing something: a signed-in account, an anonymous reader of the public view, or the
command line's operator. Every service call that changes anything is given one."""

from __future__ import annotations

from dataclasses import dataclass

from domain.roles import Permission, Role

ANONYMOUS_NAME = "anonymous"
OS_USER_PREFIX = "os:"


class Forbidden(PermissionError):
    """The actor's role does not allow what was asked; nothing was done."""


@dataclass(frozen=True)
class Actor:
    # An account's e-mail, "anonymous", or "os:<user>" for the command line without --as.
    name: str
    role: Role | None
    # The client's address, as trusted proxies report it; None on the command line.
    address: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    def may(self, permission: Permission) -> bool:
        return self.role is not None and self.role.may(permission)

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise Forbidden(f"{self.name} may not {permission.value.replace('_', ' ')}")


ANONYMOUS = Actor(ANONYMOUS_NAME, None)


@dataclass(frozen=True)
class SignedIn:
    """A live session: who it is, and the token its forms and callbacks must send back."""

    actor: Actor
    csrf_token: str
    account_id: int


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
