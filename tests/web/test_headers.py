"""Headers on every response, the host names answered, the proxies believed and where debug mode
may run (issue 11, point 6)."""

from __future__ import annotations

import re

import pytest

from app import create_app
from domain.audit import Action, AuditFilter
from domain.roles import Role
from services.audit import read_events
from settings import SettingsError, read_settings
from tests.routing import council_address as at
from tests.signin import PASSWORD, add_account, signed_in_client
from tests.web.conftest import engine_of, make_app, routing_body, settings_for

PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def _responses(app) -> dict[str, object]:
    viewer = signed_in_client(app, Role.VIEWER)
    anonymous = app.server.test_client()
    return {
        "page": viewer.get(at("/plan")),
        "callback": viewer.post("/_dash-update-component", json=routing_body(app, "/plan")),
        "download": viewer.get(at("/download/table/measures.csv")),
        "sign-in": anonymous.get("/sign-in"),
        "not found": viewer.get(at("/download/table/no-such-table.csv")),
    }


def test_web040_every_response_has_a_policy_dash_works_under_without_unsafe_scripts(app):
    # given a page, a callback's answer, a download, the sign-in page and a 404
    responses = _responses(app)
    assert {k: r.status_code for k, r in responses.items()} == {
        "page": 200,
        "callback": 200,
        "download": 200,
        "sign-in": 200,
        "not found": 404,
    }
    for name, response in responses.items():
        # when their Content Security Policy is read
        policy = _directives(response.headers.get("Content-Security-Policy", ""))
        scripts = policy.get("script-src", [])
        # then no framing, scripts from this site and by Dash's hashes only, never unsafe ones
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert "'self'" in scripts, name
        assert [s for s in scripts if s.startswith("'sha256-")] != [], name
        assert {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts) == set(), name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "same-origin", name
        # and nothing is cached, over plain HTTP no HSTS
        assert response.headers["Cache-Control"] == "no-store", name
        assert "Strict-Transport-Security" not in response.headers, name


def test_web041_the_policy_names_each_of_dashs_inline_scripts_by_its_hash(app):
    # given the page shell, whose inline scripts Dash writes
    response = signed_in_client(app, Role.VIEWER).get(at("/plan"))
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.get_data(as_text=True))
    # when the policy's hashes are counted
    policy = _directives(response.headers["Content-Security-Policy"])
    hashes = [s for s in policy["script-src"] if s.startswith("'sha256-")]
    # then there is one for each of Dash's own hashes
    assert len(inline) >= 2
    assert hashes == [f"'{h}'" for h in (s.strip("'") for s in app.csp_hashes())]


def test_web049_a_stranger_refused_before_dash_has_set_up_does_not_fix_a_policy_without_its_scripts(
    tmp_path,
):
    # Given a fresh app whose very first request is a stranger's, sent to sign in before Dash
    # has written its clientside callbacks' scripts,
    app = create_app(settings_for(tmp_path))
    first = app.server.test_client().get(at("/plan"))
    assert first.status_code == 302
    # when someone signed in then opens a page,
    response = signed_in_client(app, Role.VIEWER).get(at("/plan"))
    # then its policy names every inline script Dash now has, those scripts included.
    hashes = [
        s
        for s in _directives(response.headers["Content-Security-Policy"])["script-src"]
        if s.startswith("'sha256-")
    ]
    assert hashes == [f"'{h}'" for h in (s.strip("'") for s in app.csp_hashes())]
    assert len(hashes) >= 3


def test_web042_static_scripts_may_be_cached(app):
    # given a script of Dash's components, as the page loads it
    shell = signed_in_client(app, Role.VIEWER).get(at("/plan")).get_data(as_text=True)
    script = re.findall(r'src="(/_dash-component-suites/[^"]+)"', shell)[0]
    # when it is fetched
    with app.server.test_client().get(script) as response:
        # then it is not marked no-store, and still carries nosniff
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_web043_over_https_strict_transport_security_is_sent(app):
    # given the sign-in page over HTTPS
    response = app.server.test_client().get("/sign-in", base_url="https://localhost")
    # then HSTS, for a year, sub-domains included
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_web044_a_host_name_not_allowed_gets_400(app):
    # given the default allowed hosts (localhost, 127.0.0.1, ::1)
    client = app.server.test_client()
    # when a request names another host, then 400; the allowed ones are answered
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8050"}).status_code == 200


def test_web045_lfi_allowed_hosts_names_the_servers_own_host(tmp_path, monkeypatch):
    # given LFI_ALLOWED_HOSTS=dash.council.gov.uk
    monkeypatch.setenv("LFI_ALLOWED_HOSTS", "dash.council.gov.uk")
    settings = read_settings()
    assert settings.allowed_hosts == ("dash.council.gov.uk",)
    client = make_app(tmp_path, allowed_hosts=settings.allowed_hosts).server.test_client()
    # when requests name that host and localhost
    council = client.get("/healthz", headers={"Host": "dash.council.gov.uk"})
    local = client.get("/healthz", headers={"Host": "localhost"})
    # then the council's host is answered and localhost no longer is
    assert (council.status_code, local.status_code) == (200, 400)


def _sign_in(app, email: str, *, remote: str, headers: dict[str, str], scheme: str = "http"):
    client = app.server.test_client()
    environ = {"REMOTE_ADDR": remote}
    page = client.get("/sign-in", headers=headers, environ_base=environ)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    client.set_cookie("_csrf_token", token)
    return client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={**headers, "Origin": f"{scheme}://localhost"},
        environ_base=environ,
    )


def _sign_in_addresses(app) -> list[str | None]:
    events = read_events(engine_of(app), None, AuditFilter(action=Action.SIGN_IN))
    return [event.address for event in events]


def test_web046_x_forwarded_for_from_an_untrusted_peer_is_ignored(app):
    # given no trusted proxies, and a client claiming another address
    email = add_account(app, Role.VIEWER)
    # when it signs in from 10.0.0.5 saying X-Forwarded-For: 203.0.113.9
    response = _sign_in(app, email, remote=PROXY, headers={"X-Forwarded-For": CLIENT})
    # then the trail records the peer's own address
    assert response.status_code == 303
    assert _sign_in_addresses(app) == [PROXY]


def test_web047_a_trusted_proxys_forwarded_address_and_scheme_are_believed(tmp_path):
    # given LFI_TRUSTED_PROXIES=10.0.0.0/8
    app = make_app(tmp_path, trusted_proxies=("10.0.0.0/8",))
    email = add_account(app, Role.VIEWER)
    # when the proxy at 10.0.0.5 forwards a sign-in from 203.0.113.9 that came over HTTPS
    forwarded = {"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"}
    response = _sign_in(app, email, remote=PROXY, headers=forwarded, scheme="https")
    # then the trail records the client's address, and the cookie is the HTTPS one
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert _sign_in_addresses(app) == [CLIENT]
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("__Host-lfi_session=")]
    assert len(session) == 1 and "Secure" in session[0], cookies
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_web048_an_untrusted_peer_cannot_claim_https(app):
    # given no trusted proxies
    email = add_account(app, Role.VIEWER)
    # when a client over plain HTTP says X-Forwarded-Proto: https
    response = _sign_in(app, email, remote=PROXY, headers={"X-Forwarded-Proto": "https"})
    # then it is still plain HTTP: the plain cookie, no HSTS
    assert response.status_code == 303
    assert response.headers["Set-Cookie"].startswith("lfi_session=")
    assert "Strict-Transport-Security" not in response.headers


def test_web049_debug_mode_refuses_to_listen_beyond_loopback(monkeypatch):
    # given LFI_DEBUG=true
    monkeypatch.setenv("LFI_DEBUG", "true")
    # when the host is 0.0.0.0, then the settings are refused, naming loopback
    monkeypatch.setenv("LFI_HOST", "0.0.0.0")
    with pytest.raises(SettingsError, match="loopback"):
        read_settings()
    # and on 127.0.0.1 they are read
    monkeypatch.setenv("LFI_HOST", "127.0.0.1")
    settings = read_settings()
    assert (settings.debug, settings.host) == (True, "127.0.0.1")
