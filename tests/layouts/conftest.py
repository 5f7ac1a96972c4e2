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
from tests.councils import NORFOLK_CODE
from tests.signin import email_for
from tests.web.conftest import norfolk_alone


def app_on(folder: Path, *, load_demo: bool, database_url: str | None = None, **settings):
    settings = Settings(
        database_url=database_url or f"sqlite:///{folder / 'lfi.sqlite3'}",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=load_demo,
        max_upload_mb=20,
        **{"councils_dir": norfolk_alone(folder), **settings},
    )
    return create_app(settings)


@contextmanager
def request_as(
    app, role: Role | None, *, council: str | None = NORFOLK_CODE, **request
) -> Iterator[None]:
    """A request in which pages are built for an account of ``role`` in ``council`` (Norfolk
    unless named; None: outside any), as the guard would have signed it in and found the
    council (role None: an anonymous visitor of the public view)."""
    with app.server.test_request_context(**request):
        g.lfi_council = council
        if role is not None:
            g.lfi_actor = Actor(email_for(role), role, "127.0.0.1", council)
        yield
