"""Signing a Flask test client in, as the browser would: an account of the given role (in Norfolk,
unless other councils are named), the sign-in form posted with its token from this site's origin,
and every later post sent with the session's token and Origin, as Dash's renderer and the forms
send them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask.testing import FlaskClient

from domain.actors import command_line_actor
from domain.roles import Role
from services import accounts
from tests.councils import NORFOLK_CODE

PASSWORD = "plaid marble kettle orbit"
ORIGIN = "http://localhost"


def email_for(role: Role) -> str:
    return f"{role.value.replace('_', '.')}@example.org"


def add_account(
    app, role: Role, email: str | None = None, *, council: str | None = NORFOLK_CODE
) -> str:
    """An account with ``role`` in ``council`` (None: in every council), made once per database;
    its e-mail."""
    engine = app.server.extensions["lfi"].engine
    email = email or email_for(role)
    if accounts.find_account(engine, email) is None:
        operator = command_line_actor("tests")
        accounts.add_account(
            engine,
            operator.in_council(council, Role.ADMIN) if council else operator,
            email=email,
            role=role,
            password=PASSWORD,
            council=council,
        )
    return email


def add_roles(app, email: str, roles: Mapping[str, Role]) -> str:
    """An account holding each council's role in ``roles`` (LA code -> role); its e-mail."""
    engine = app.server.extensions["lfi"].engine
    (first, role), *others = roles.items()
    add_account(app, role, email, council=first)
    operator = command_line_actor("tests")
    for council, held in others:
        accounts.set_role(
            engine,
            operator.in_council(council, Role.ADMIN),
            email=email,
            role=held,
            council=council,
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


def sign_in(client: FlaskClient, email: str) -> None:
    response = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": form_token(client, "/sign-in")},
    )
    if response.status_code != 303:
        raise AssertionError(f"signing in as {email} gave {response.status_code}")


def signed_in_client(
    app,
    role: Role | None,
    email: str | None = None,
    *,
    council: str | None = NORFOLK_CODE,
    roles: Mapping[str, Role] | None = None,
) -> SiteClient:
    """A client signed in with an account of ``role`` in ``council`` (Norfolk unless named; None:
    in every council), or holding each of ``roles`` (LA code -> role); anonymous for neither."""
    server = app.server
    previous = server.test_client_class
    server.test_client_class = SiteClient
    try:
        client = server.test_client()
    finally:
        server.test_client_class = previous
    if roles:
        sign_in(client, add_roles(app, email or "several@example.org", roles))
    elif role is not None:
        sign_in(client, add_account(app, role, email, council=council))
    return client
