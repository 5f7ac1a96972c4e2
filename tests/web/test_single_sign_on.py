"""Single sign-on with OpenID Connect, through the browser (issue 11, point 2): a real provider on
loopback (tests/web/mock_idp.py, PKCE enforced), the app on a real port, Debian's Chromium.

Three people at the provider: alice, a finance officer; bob, with no role in the dashboard;
carol, whose role arrives as the app role "Dashboard.admin"."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import werkzeug.serving
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from domain.audit import Action, AuditFilter
from domain.roles import Role
from services.audit import read_events
from settings import read_settings
from storage.models import Account
from tests.councils import NORFOLK_CODE
from tests.web.conftest import norfolk_alone
from tests.web.mock_idp import run_provider
from web.oidc import role_from_claims

# The provider, in its thread, calls an Authlib hook that Authlib now warns is deprecated: the
# mock's concern, and a warning there would otherwise be an error answered as a 500.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")
USERS = [
    {"sub": "alice", "email": "alice@example.test", "roles": ["finance_officer"]},
    {"sub": "bob", "email": "bob@example.test"},
    {"sub": "carol", "email": "carol@example.test", "roles": ["Dashboard.admin"]},
]
NO_ROLE = "Your account has no role in this dashboard. Ask your administrator to give you one"
FAILED = "Signing in with your council account did not work. Try again, or ask your administrator"


class _Later:
    """The WSGI app the server passes requests to, set once the app is built: the provider must
    know the app's address, and the app the provider's."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the app's address, the app, the provider), all on loopback."""
    later = _Later()
    server = werkzeug.serving.make_server("127.0.0.1", 0, later, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    folder = tmp_path_factory.mktemp("sso")
    with run_provider(USERS, [f"{base}/sign-in/callback"]) as provider:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("LFI_DATABASE_URL", f"sqlite:///{folder / 'lfi.sqlite3'}")
            env.setenv("LFI_OIDC_ISSUER", provider.issuer)
            env.setenv("LFI_OIDC_CLIENT_ID", provider.client_id)
            env.setenv("LFI_OIDC_CLIENT_SECRET", provider.client_secret)
            env.setenv("LFI_SECRET_KEY", "k" * 40)
            env.setenv("LFI_ALLOWED_HOSTS", "127.0.0.1,localhost")
            env.setenv("LFI_LOAD_DEMO", "false")
            env.setenv("LFI_COUNCILS_DIR", str(norfolk_alone(folder)))
            app = create_app(read_settings())
        later.app = app.server
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
        thread.daemon = True
        thread.start()
        try:
            yield base, app, provider
        finally:
            server.shutdown()
            thread.join(5)
            server.server_close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


def _sign_in_as(context, base: str, sub: str):
    """Through the browser: the sign-in page, the council button, the person at the provider.
    The page where it ends, and the provider's authorize requests the browser made."""
    page = context.new_page()
    asked = []
    page.on(
        "request",
        lambda r: r.method == "GET" and "/oauth2/authorize" in r.url and asked.append(r.url),
    )
    page.goto(f"{base}/sign-in")
    page.set_default_timeout(15_000)
    page.get_by_role("button", name="Sign in with your council account").click()
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_load_state("networkidle")
    return page, asked


def _session_cookies(context) -> list[str]:
    return [c["name"] for c in context.cookies() if c["name"].endswith("lfi_session")]


def _account(app, email: str) -> Account | None:
    with Session(app.server.extensions["lfi"].engine) as session:
        return session.scalar(select(Account).where(Account.email == email))


def test_web050_alice_signs_in_with_her_council_account(site, context):
    base, app, provider = site
    # given alice at the provider, with the app role finance_officer
    # when she signs in through the browser
    page, asked = _sign_in_as(context, base, "alice")
    # then she is back on the dashboard, signed in as herself: on the overview of the one
    # council served, where her role (in every council, as no council's provider speaks) holds
    assert urlsplit(page.url).path == f"/c/{NORFOLK_CODE}"
    page.get_by_text("alice@example.test").first.wait_for(timeout=15_000)
    assert _session_cookies(context) == ["lfi_session"]
    # with an account made for her as a finance officer, and the sign-in in the trail
    account = _account(app, "alice@example.test")
    assert (account.role, account.source) == ("finance_officer", "oidc")
    assert account.oidc_subject == f"{provider.issuer}|alice"
    event = read_events(
        app.server.extensions["lfi"].engine, None, AuditFilter(action=Action.SIGN_IN)
    )[0]
    assert (event.actor, event.outcome) == ("alice@example.test", "ok")
    assert '"via": "oidc"' in event.detail and '"role": "finance_officer"' in event.detail
    # and our client proved its PKCE verifier: S256 asked for, no token request refused
    assert len(asked) == 1
    query = parse_qs(urlsplit(asked[0]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert "nonce" in query and "state" in query
    assert provider.pkce_refusals == []


def test_web051_bob_with_no_role_is_refused_and_gets_no_session(site, context):
    base, app, provider = site
    # given bob, whom the provider vouches for but who has no role in the dashboard
    # when he signs in through the browser
    page, _asked = _sign_in_as(context, base, "bob")
    # then the sign-in page says he has no role, and he has no session nor account
    assert urlsplit(page.url).path == "/sign-in/callback"
    assert page.get_by_text(NO_ROLE).first.is_visible()
    assert _session_cookies(context) == []
    assert _account(app, "bob@example.test") is None
    assert provider.pkce_refusals == []


def test_web052_an_app_role_with_the_apps_prefix_is_understood(site, context):
    base, app, _provider = site
    # given carol, whose roles claim says "Dashboard.admin"
    assert role_from_claims({"roles": ["Dashboard.admin"]}, "roles") is Role.ADMIN
    # when she signs in through the browser
    page, _asked = _sign_in_as(context, base, "carol")
    # then she is an admin here
    page.get_by_text("carol@example.test").first.wait_for(timeout=15_000)
    assert _account(app, "carol@example.test").role == "admin"


def test_web053_a_callback_with_a_forged_state_signs_nobody_in(site, context):
    base, app, _provider = site
    # given a browser that started no sign-in
    page = context.new_page()
    # when it comes to the callback with a made-up code and state
    response = page.goto(f"{base}/sign-in/callback?code=x&state=forged")
    # then the sign-in page says it did not work, and there is no session
    assert response.status == 400
    assert page.get_by_text(FAILED).first.is_visible()
    assert _session_cookies(context) == []


def test_web054_a_callback_whose_state_is_not_the_one_sent_signs_nobody_in(site, context):
    base, app, _provider = site
    # given a sign-in begun in this browser: the provider's page is showing
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.get_by_role("button", name="alice", exact=True).wait_for()
    # when the callback arrives with another state than the one this browser was sent with
    response = page.goto(f"{base}/sign-in/callback?code=x&state=forged")
    # then it is refused, and there is no session
    assert response.status == 400
    assert page.get_by_text(FAILED).first.is_visible()
    assert _session_cookies(context) == []
