"""Uploading as a signed-in account in the page tests: the account, and a request context in
which the pages see it as web.guard would have resolved it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g

from domain.actors import Actor
from domain.roles import Role
from tests.signin import add_account


def account(app, role: Role = Role.FINANCE_OFFICER, email: str | None = None) -> Actor:
    """The actor of an account of ``role`` (the one tests.signin signs in with, unless named),
    made in the app's database if it is not there yet."""
    return Actor(add_account(app, role, email), role)


@contextmanager
def signed_in_as(app, actor: Actor) -> Iterator[None]:
    """A request context in which the pages see ``actor`` signed in."""
    with app.server.test_request_context():
        g.lfi_actor = actor
        yield
