"""Uploading as a signed-in account in the page tests: the account, Norfolk's service, and a
request context in which the pages see it as web.guard would have resolved it, in Norfolk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g

from domain.actors import Actor
from domain.roles import Role
from tests.councils import NORFOLK_CODE
from tests.signin import add_account


def account(app, role: Role = Role.FINANCE_OFFICER, email: str | None = None) -> Actor:
    """The actor of an account of ``role`` in Norfolk (the one tests.signin signs in with,
    unless named), made in the app's database if it is not there yet."""
    return Actor(add_account(app, role, email), role, None, NORFOLK_CODE)


def norfolk(app):
    """Norfolk's service in the app's deployment."""
    return app.server.extensions["lfi"].service(NORFOLK_CODE)


@contextmanager
def signed_in_as(app, actor: Actor) -> Iterator[None]:
    """A request context in which the pages see ``actor`` signed in, in its council."""
    with app.server.test_request_context():
        g.lfi_actor = actor
        g.lfi_council = actor.council
        yield
