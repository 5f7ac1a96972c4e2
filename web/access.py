"""Who may call each route, callback and page: declared beside each one, decided here.

A Flask view or a Dash callback declares its rule with ``@requires(...)`` (put it under Dash's
``@callback`` so that Dash's wrapper carries it); a page declares it in ``register_page(...,
access=...)``; Dash's own routes are listed below. Anything without a rule is refused, and
tests/web/test_access_rules.py lists the running app's routes, callbacks and pages and fails for
any without one.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from domain.actors import Actor
from domain.roles import Permission

ATTRIBUTE = "lfi_access"
F = TypeVar("F", bound=Callable)


class Access(StrEnum):
    # Anyone at all: the sign-in pages, static assets and the health check.
    PUBLIC = "public"
    # Anyone when LFI_PUBLIC_VIEW is on (figures with disclosure control), else any account.
    PUBLIC_VIEW = "public_view"
    READ = Permission.READ.value
    UPLOAD = Permission.UPLOAD.value
    WRITE_NOTES = Permission.WRITE_NOTES.value
    ADMINISTER = Permission.ADMINISTER.value


def requires(access: Access) -> Callable[[F], F]:
    def declare(function: F) -> F:
        setattr(function, ATTRIBUTE, access)
        return function

    return declare


def declared(function: object) -> Access | None:
    """The rule a view or callback declared, through any wrapper that copied its attributes."""
    return getattr(function, ATTRIBUTE, None)


# Dash's own routes, by Flask endpoint: its scripts and styles are static; the layout and the
# callback list hold no figures but are served only to those who may read some page.
DASH_ROUTES = {
    "static": Access.PUBLIC,
    "_dash_assets.static": Access.PUBLIC,
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": Access.PUBLIC,
    "/_favicon.ico": Access.PUBLIC,
    # The frame and the list of callbacks: the app's structure, no figure, and needed by the
    # pages anyone may open (the accessibility statement, which the sign-in page links to).
    "/_dash-layout": Access.PUBLIC,
    "/_dash-dependencies": Access.PUBLIC,
    "/_reload-hash": Access.PUBLIC,
    # Each callback is decided by its own rule (web.guard's callback rule).
    "/_dash-update-component": Access.PUBLIC,
    # The page shell; the page's content comes through its routing callback.
    "/": Access.PUBLIC_VIEW,
    "/<path:path>": Access.PUBLIC_VIEW,
}


def allows(access: Access, actor: Actor, *, public_view: bool) -> bool:
    if access is Access.PUBLIC:
        return True
    if access is Access.PUBLIC_VIEW:
        return public_view or actor.may(Permission.READ)
    return actor.may(Permission(access.value))
