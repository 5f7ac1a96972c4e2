"""Single sign-on with the council's OpenID Connect provider (Microsoft Entra ID or any other).

The authorization code flow with PKCE (S256); Authlib checks the state, the nonce and the ID
token's signature, issuer, audience and expiry. The roles come from the claim
LFI_OIDC_ROLES_CLAIM (Entra ID's app roles arrive as "roles"): values naming one of the four
roles; the highest wins, and someone with none is not let in. While the browser is away at the
provider, the state, nonce and code verifier wait in a signed, HttpOnly cookie of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response as BaseResponse

from domain.actors import SessionStarted
from domain.roles import Role, RoleError, parse_role
from web.access import Access, requires
from web.headers import FORM_TARGETS_KEY
from web.signin import SSO_KEY, render_sign_in, safe_next, start_session

CALLBACK_PATH = "/sign-in/callback"
NEXT_KEY = "lfi_next"
FAILED = "Signing in with your council account did not work. Try again, or ask your administrator"


@dataclass(frozen=True)
class SsoSettings:
    issuer: str
    client_id: str
    client_secret: str
    roles_claim: str
    # The council the provider speaks for (its claimed roles are roles there); None: every council.
    council: str | None = None


def role_from_claims(claims: dict, claim: str) -> Role | None:
    """The highest of the roles the claim names; None if it names none of them."""
    given = claims.get(claim)
    values = [given] if isinstance(given, str) else given if isinstance(given, list) else []
    roles = []
    for value in values:
        try:
            roles.append(parse_role(str(value).rpartition(".")[2]))
        except RoleError:
            continue
    return max(roles, key=lambda role: role.rank, default=None)


def _client():
    return current_app.extensions[SSO_KEY].council


@requires(Access.PUBLIC)
def start() -> Response:
    """POST, with the page's token: a link could be followed by another site's page."""
    session.clear()
    session[NEXT_KEY] = safe_next(request.form.get("next"))
    return _client().authorize_redirect(url_for("sso_callback", _external=True))


@requires(Access.PUBLIC)
def callback() -> BaseResponse:
    settings: SsoSettings = current_app.extensions[SSO_KEY + "-settings"]
    try:
        token = _client().authorize_access_token()
    # refused by the provider, a token that fails its checks, or the provider unreachable or
    # failing (its token endpoint answering 500): the sign-in page says so, never an error page
    except (OAuthError, JoseError, RequestException, KeyError, ValueError):
        session.clear()
        return render_sign_in([("sso", FAILED)], status=400)
    claims = dict(token.get("userinfo") or {})
    email = claims.get("email") or claims.get("preferred_username") or ""
    outcome = current_app.extensions["lfi"].sign_in_sso(
        subject=f"{settings.issuer}|{claims.get('sub', '')}",
        email=str(email),
        role=role_from_claims(claims, settings.roles_claim),
        address=request.remote_addr,
        council=settings.council,
    )
    target = session.pop(NEXT_KEY, "/")
    session.clear()
    if not isinstance(outcome, SessionStarted):
        return render_sign_in([("sso", outcome.message)], status=403)
    return start_session(redirect(safe_next(target), code=303), outcome)


class _SsoCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def register_sso(server: Flask, settings: SsoSettings, secret_key: bytes) -> None:
    server.secret_key = secret_key
    server.config.update(
        SESSION_COOKIE_NAME="lfi_sso",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=600,
    )
    server.session_interface = _SsoCookie()
    oauth = OAuth(server)
    oauth.register(
        "council",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    server.extensions[SSO_KEY] = oauth
    server.extensions[SSO_KEY + "-settings"] = settings
    # The button posts to /sign-in/sso, which sends the browser on to the provider's sign-in
    # page: the page's form-action must allow that origin too (providers such as Entra ID serve
    # it from the issuer's origin), or the browser stops there.
    issuer = urlsplit(settings.issuer)
    server.extensions[FORM_TARGETS_KEY] = (f"{issuer.scheme}://{issuer.netloc}",)
    server.add_url_rule("/sign-in/sso", "sso_start", start, methods=["POST"])
    server.add_url_rule(CALLBACK_PATH, "sso_callback", callback)
