"""The app on a SQLite file of its own, for tests that build pages or post forms without a
browser; and a request to build a page in as someone in particular."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import g

from app import create_app
from domain.actors import Actor
from domain.roles import Role
from settings import Settings
from tests.signin import email_for


def app_on(folder: Path, *, load_demo: bool, database_url: str | None = None, **settings):
    settings = Settings(
        database_url=database_url or f"sqlite:///{folder / 'lfi.sqlite3'}",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=load_demo,
        max_upload_mb=20,
        plan_first_year="2022-23",
        plan_last_year="2028-29",
        **settings,
    )
    return create_app(settings)


@contextmanager
def request_as(app, role: Role | None, **request) -> Iterator[None]:
    """A request in which pages are built for an account of ``role``, as the guard would have
    signed it in (None: an anonymous visitor of the public view)."""
    with app.server.test_request_context(**request):
        if role is not None:
            g.lfi_actor = Actor(email_for(role), role, "127.0.0.1")
        yield
