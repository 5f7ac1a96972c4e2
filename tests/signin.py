"""Signing a Flask test client in, as the browser would: an account of the given role, the
sign-in form posted with its token from this site's origin, and every later post sent with the
session's token and Origin, as Dash's renderer and the forms send them."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from domain.actors import command_line_actor
from domain.roles import Role
from services import accounts

PASSWORD = "plaid marble kettle orbit"
ORIGIN = "http://localhost"


def email_for(role: Role) -> str:
    return f"{role.value.replace('_', '.')}@example.org"


def add_account(app, role: Role, email: str | None = None) -> str:
    """An account of ``role`` (made once per database); its e-mail."""
    engine = app.server.extensions["lfi"].engine
    email = email or email_for(role)
    if accounts.find_account(engine, email) is None:
        accounts.add_account(
            engine, command_line_actor("tests"), email=email, role=role, password=PASSWORD
        )
    return email


class SiteClient(FlaskClient):
    """A test client whose posts carry the Origin and token the site's own pages send."""

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if method not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("Origin", ORIGIN)
            token = self.get_cookie("_csrf_token")
            if token is not None:
                headers.setdefault("X-CSRFToken", token.value)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def form_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    if found is None:
        raise AssertionError(f"{url} has no form token (status {page.status_code})")
    return found.group(1)


def signed_in_client(app, role: Role | None, email: str | None = None) -> SiteClient:
    """A client signed in with an account of ``role``; anonymous for None."""
    server = app.server
    previous = server.test_client_class
    server.test_client_class = SiteClient
    try:
        client = server.test_client()
    finally:
        server.test_client_class = previous
    if role is None:
        return client
    email = add_account(app, role, email)
    response = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": form_token(client, "/sign-in")},
    )
    if response.status_code != 303:
        raise AssertionError(f"signing in as {email} gave {response.status_code}")
    return client
