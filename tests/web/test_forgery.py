"""A request that changes anything must come from this site's own page, with the session's token
(issue 11, point 5): posted cross-site, without an origin, with a forged token or without the
token Dash's renderer sends, it is refused with 403 and nothing is stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.roles import Role
from storage.models import WebSession
from tests.routing import council_address as at
from tests.signin import ORIGIN, add_account, form_token, signed_in_client
from tests.web.conftest import (
    callback_body,
    callback_key,
    data_url,
    ehcp_workbook,
    engine_of,
    stored_counts,
)

COMMENTARY = at("/measure/1/commentary?period=Summer%202026")
EVIL = "https://evil.example"
TEXT = "Caseload rose with new requests."


@pytest.fixture
def lead(app):
    return signed_in_client(app, Role.PROGRAMME_LEAD)


def _form(client) -> dict[str, str]:
    """What the commentary form sends: its hidden fields as the page gave them, the text typed."""
    page = client.get(COMMENTARY)
    assert page.status_code == 200, page.status_code
    hidden = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.get_data(as_text=True)
    )
    return {**dict(hidden), "text": TEXT, "written_by": "Test Lead"}


def _bare(app, signed):
    """A client holding the signed-in client's cookies that adds no Origin and no token."""
    bare = app.server.test_client()
    for name in ("lfi_session", "_csrf_token"):
        cookie = signed.get_cookie(name)
        assert cookie is not None, name
        bare.set_cookie(name, cookie.value)
    return bare


def test_web020_a_post_from_another_site_is_refused(app, lead):
    # given a programme lead's filled-in commentary form
    fields, before = _form(lead), stored_counts(app)
    # when it is posted from another site's page
    response = lead.post(COMMENTARY, data=fields, headers={"Origin": EVIL})
    # then 403, and nothing is stored
    assert response.status_code == 403
    assert stored_counts(app) == before


def test_web021_a_post_with_neither_origin_nor_referrer_is_refused(app, lead):
    # given the form's fields and token, posted by a client that names no origin
    fields, before = _form(lead), stored_counts(app)
    token = lead.get_cookie("_csrf_token").value
    # when it is posted
    response = _bare(app, lead).post(COMMENTARY, data=fields, headers={"X-CSRFToken": token})
    # then 403, and nothing is stored
    assert response.status_code == 403
    assert stored_counts(app) == before


def test_web022_a_post_with_a_forged_token_is_refused(app, lead):
    # given the form's fields from this site's origin, with a token of the right shape but made up
    fields, before = _form(lead), stored_counts(app)
    forged = "f" * 43
    fields["csrf_token"] = forged
    # when it is posted
    response = lead.post(COMMENTARY, data=fields, headers={"X-CSRFToken": forged})
    # then 403, and nothing is stored
    assert response.status_code == 403
    assert stored_counts(app) == before


def test_web023_a_callback_without_the_renderers_token_is_refused(app):
    # given a finance officer's upload, posted from this site's origin without X-CSRFToken
    officer = signed_in_client(app, Role.FINANCE_OFFICER)
    key = callback_key(app, "upload-workbook", "contents")
    body = callback_body(
        app,
        key,
        {
            "upload-workbook.contents": data_url(ehcp_workbook("Summer 2026", 12_345)),
            "upload-workbook.filename": "ehcp.xlsx",
        },
    )
    before = stored_counts(app)
    # when it is posted
    response = _bare(app, officer).post(
        "/_dash-update-component", json=body, headers={"Origin": ORIGIN}
    )
    # then 403, and nothing is kept
    assert response.status_code == 403
    assert stored_counts(app) == before
    # and with the token, as the renderer sends it, the same upload is kept
    kept = officer.post("/_dash-update-component", json=body)
    assert kept.status_code == 200, kept.get_data(as_text=True)[:300]
    assert stored_counts(app) == {**before, "pending_uploads": before["pending_uploads"] + 1}


def test_web024_the_right_token_and_origin_store_the_commentary(app, lead):
    # given the form as the page gave it
    fields, before = _form(lead), stored_counts(app)
    # when it is posted from this site with the session's token
    response = lead.post(COMMENTARY, data=fields)
    # then it is stored
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert stored_counts(app) == {**before, "commentary": before["commentary"] + 1}


def _sessions(app) -> int:
    with Session(engine_of(app)) as session:
        return session.scalar(select(func.count()).select_from(WebSession))


def test_web025_a_sign_in_posted_from_another_site_starts_no_session(app):
    # given an account, and the sign-in form's token
    email = add_account(app, Role.VIEWER)
    client = signed_in_client(app, None)
    token = form_token(client, "/sign-in")
    # when its right password is posted from another site's page
    response = client.post(
        "/sign-in",
        data={"email": email, "password": "plaid marble kettle orbit", "csrf_token": token},
        headers={"Origin": EVIL},
    )
    # then 403, no session on the server and no session cookie
    assert response.status_code == 403
    assert _sessions(app) == 0
    assert client.get_cookie("lfi_session") is None


@pytest.mark.parametrize(
    "inputs",
    [[{"value": "/"}], [], "/", [{"id": "_pages_location", "value": "/"}], [["/"]]],
)
def test_web026_a_routing_request_not_shaped_as_dash_sends_it_is_refused_not_failed(app, inputs):
    # Given a signed-in viewer with the session's token and this site's origin,
    client = signed_in_client(app, Role.VIEWER)
    # when they post the router a body whose inputs Dash itself could not read,
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [],
        "inputs": inputs,
    }
    response = client.post("/_dash-update-component", json=body)
    # then it is refused, not an error inside Dash.
    assert response.status_code == 403
