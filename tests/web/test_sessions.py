"""Signed-in sessions (issue 11, point 5): the cookie's attributes over HTTP and HTTPS, a new
session at every sign-in, sign-out ending the session on the server, the idle timeout and the
absolute lifetime, and what the sign-in page says when it refuses."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from domain.roles import Role
from storage.database import write_session
from storage.models import WebSession
from tests.routing import council_address as at
from tests.signin import PASSWORD, add_account, form_token, signed_in_client
from tests.web.conftest import engine_of, make_app

TIMED_OUT = "You were signed out because the dashboard was not used for a while."
WRONG_DETAILS = "Enter a correct e-mail address and password"
TOO_MANY = (
    "There have been too many failed attempts to sign in. Wait 15 minutes and try again, or ask "
    "an administrator to check your account"
)


def _sign_in(app, email: str, password: str = PASSWORD, *, base_url: str = "http://localhost"):
    """A fresh client posting the sign-in form as the browser would: (client, response)."""
    client = app.server.test_client()
    page = client.get("/sign-in", base_url=base_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(
        "/sign-in",
        base_url=base_url,
        data={"email": email, "password": password, "csrf_token": token},
        headers={"Origin": base_url},
    )
    return client, response


def _session_cookie(response, name: str) -> str:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def _attributes(cookie: str) -> set[str]:
    return {part.strip() for part in cookie.split(";")[1:]}


def _error(response) -> str:
    found = re.search(r'id="email-error">([^<]*)<', response.get_data(as_text=True))
    assert found is not None, response.get_data(as_text=True)[:500]
    return found.group(1)


def test_web030_the_session_cookie_is_http_only_same_site_lax_for_the_whole_site(app):
    # given an account
    email = add_account(app, Role.VIEWER)
    # when it signs in over plain HTTP (on loopback)
    _client, response = _sign_in(app, email)
    # then the cookie is lfi_session, HttpOnly, SameSite=Lax, for every path, not Secure
    assert response.status_code == 303
    cookie = _session_cookie(response, "lfi_session")
    assert _attributes(cookie) == {"HttpOnly", "Path=/", "SameSite=Lax"}


def test_web031_over_https_the_cookie_is_secure_with_the_host_prefix(app):
    # given an account
    email = add_account(app, Role.VIEWER)
    # when it signs in over HTTPS
    client, response = _sign_in(app, email, base_url="https://localhost")
    # then the cookie is __Host-lfi_session: Secure, no Domain, Path=/, HttpOnly, SameSite=Lax
    assert response.status_code == 303
    cookie = _session_cookie(response, "__Host-lfi_session")
    assert _attributes(cookie) == {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"}
    # and it signs the browser in there
    assert client.get(at("/plan"), base_url="https://localhost").status_code == 200


def _who(app, token: str) -> str | None:
    signed = app.server.extensions["lfi"].read_session(token, address=None)
    return signed.actor.name if signed else None


def test_web032_a_token_planted_before_sign_in_signs_nobody_in_after_it(app):
    # given a made-up token planted in a browser
    email = add_account(app, Role.VIEWER)
    planted = "p" * 43
    client = app.server.test_client()
    client.set_cookie("lfi_session", planted)
    # when the account signs in there
    token = form_token(client, "/sign-in")
    client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    # then the browser has a new token (session fixation), and the planted one names no session
    assert client.get_cookie("lfi_session").value != planted
    assert _who(app, planted) is None
    assert _who(app, client.get_cookie("lfi_session").value) == email


def test_web033_signing_out_ends_the_session_on_the_server(app):
    # given a signed-in viewer, and a copy of its session cookie
    client = signed_in_client(app, Role.VIEWER)
    kept = client.get_cookie("lfi_session").value
    # when it signs out
    response = client.post("/sign-out")
    # then it is sent to the sign-in page, which says so, and the cookie is cleared
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?signed=out"
    assert "You have signed out." in client.get("/sign-in?signed=out").get_data(as_text=True)
    assert client.get_cookie("lfi_session") is None
    # and the old cookie, sent again, signs nobody in
    replay = app.server.test_client()
    replay.set_cookie("lfi_session", kept)
    answer = replay.get(at("/plan"))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(f"/sign-in?next={at('/plan')}")


def _age(app, *, created: timedelta, last_seen: timedelta) -> None:
    now = datetime.now(UTC)
    with write_session(engine_of(app)) as session:
        session.execute(
            update(WebSession).values(created_at=now - created, last_seen_at=now - last_seen)
        )


def test_web034_a_session_unused_for_31_minutes_has_ended(app):
    # given a signed-in viewer whose last request was 31 minutes ago (the default idle limit 30)
    client = signed_in_client(app, Role.VIEWER)
    assert client.get(at("/plan")).status_code == 200
    _age(app, created=timedelta(minutes=31), last_seen=timedelta(minutes=31))
    # when it asks for a page
    response = client.get(at("/plan"))
    # then it is sent to sign in again, told why, coming back to the page after
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next={at('/plan')}&signed=idle"
    assert TIMED_OUT in client.get(response.headers["Location"]).get_data(as_text=True)
    # once: the dead cookie is gone
    assert client.get_cookie("lfi_session") is None
    assert client.get(at("/plan")).headers["Location"] == f"/sign-in?next={at('/plan')}"


def test_web035_a_session_used_29_minutes_ago_goes_on(app):
    # given a signed-in viewer whose last request was 29 minutes ago
    client = signed_in_client(app, Role.VIEWER)
    _age(app, created=timedelta(minutes=29), last_seen=timedelta(minutes=29))
    # when it asks for a page, then it is shown
    assert client.get(at("/plan")).status_code == 200


def test_web036_a_session_ends_after_its_absolute_lifetime_however_busy(tmp_path):
    # given LFI_SESSION_LIFETIME_HOURS=1 and a session begun 61 minutes ago, used a minute ago
    app = make_app(tmp_path, session_lifetime_hours=1)
    client = signed_in_client(app, Role.VIEWER)
    _age(app, created=timedelta(minutes=61), last_seen=timedelta(minutes=1))
    # when it asks for a page
    response = client.get(at("/plan"))
    # then it is sent to sign in again
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_web037_a_session_within_its_lifetime_goes_on(tmp_path):
    # given LFI_SESSION_LIFETIME_HOURS=1 and a session begun 59 minutes ago, used a minute ago
    app = make_app(tmp_path, session_lifetime_hours=1)
    client = signed_in_client(app, Role.VIEWER)
    _age(app, created=timedelta(minutes=59), last_seen=timedelta(minutes=1))
    # when it asks for a page, then it is shown
    assert client.get(at("/plan")).status_code == 200


def test_web038_the_same_message_for_an_unknown_address_and_a_wrong_password(app):
    # given an account
    email = add_account(app, Role.VIEWER)
    # when someone signs in with an address that has no account, and with a wrong password
    _c1, unknown = _sign_in(app, "nobody@example.org")
    _c2, wrong = _sign_in(app, email, "not the password at all")
    # then both get 400 and the same words, which give nothing away
    assert (unknown.status_code, wrong.status_code) == (400, 400)
    assert _error(unknown) == _error(wrong) == WRONG_DETAILS
    assert unknown.headers.get("Set-Cookie", "").startswith("lfi_session") is False


def test_web039_the_sixth_failed_attempt_says_there_have_been_too_many(app):
    # given an account and five failed attempts at it
    email = add_account(app, Role.VIEWER)
    for _ in range(5):
        _client, response = _sign_in(app, email, "not the password at all")
        assert _error(response) == WRONG_DETAILS
    # when a sixth is made, and then the right password
    _c6, sixth = _sign_in(app, email, "not the password at all")
    right, seventh = _sign_in(app, email)
    # then both are told there have been too many, and no session starts
    assert _error(sixth) == _error(seventh) == TOO_MANY
    assert seventh.status_code == 400
    assert right.get_cookie("lfi_session") is None


def test_web029_sign_in_brings_the_visitor_back_to_the_whole_address_asked_for(app):
    # given an anonymous visitor asking for a download with a query of its own
    email = add_account(app, Role.VIEWER)
    client = app.server.test_client()
    asked = at("/download/table/measures.csv?x=1&next=//evil.example")
    # when it is sent to sign in
    response = client.get(asked)
    # then the address goes with it whole, encoded, none of it read as the sign-in page's own
    location = response.headers["Location"]
    assert (
        location
        == "/sign-in?next=/c/E10000020/download/table/measures.csv%3Fx%3D1%26next%3D//evil.example"
    )
    # and signing in there brings it back to that address
    page = client.get(location).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|next)" value="([^"]*)"', page))
    assert html.unescape(fields["next"]) == asked
    back = client.post(
        location,
        data={
            "email": email,
            "password": PASSWORD,
            **{k: html.unescape(v) for k, v in fields.items()},
        },
        headers={"Origin": "http://localhost"},
    )
    assert back.headers["Location"] == asked
