"""A real OpenID Connect provider on loopback for the single sign-on tests: oidc-provider-mock
(built on Authlib's server parts), with PKCE made mandatory and checked, which the mock itself
does not do: a client that sent no challenge, or the wrong verifier, would otherwise pass."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http, on loopback only

import flask  # noqa: E402
import requests  # noqa: E402
import werkzeug.serving  # noqa: E402

try:
    # The mock still imports authlib.jose and Authlib's httpx client, which Authlib now warns
    # are deprecated: its concern, not ours (the app's client uses joserfc and requests).
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        import oidc_provider_mock  # noqa: E402
except ImportError as error:  # pragma: no cover - says what to install
    raise ImportError(
        "The single sign-on tests need oidc-provider-mock: scripts/test installs it from "
        "requirements-test.lock"
    ) from error


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    # How many token requests were refused for a missing or wrong PKCE verifier.
    pkce_refusals: list


def _require_pkce(app: flask.Flask, refusals: list) -> None:
    challenges: dict[str, str] = {}

    def refuse(error: str, description: str):
        refusals.append(description)
        return flask.jsonify(error=error, error_description=description), 400

    @app.before_request
    def check():
        request = flask.request
        if request.path == "/oauth2/authorize":
            if request.args.get("code_challenge_method") != "S256" or not request.args.get(
                "code_challenge"
            ):
                return refuse("invalid_request", "PKCE with S256 is required")
        elif request.path == "/oauth2/token" and request.form.get("grant_type") == (
            "authorization_code"
        ):
            expected = challenges.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            got = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if expected is None or not verifier or not hmac.compare_digest(got, expected):
                return refuse("invalid_grant", "code_verifier does not match code_challenge")
        return None

    @app.after_request
    def remember(response):
        request = flask.request
        if request.path == "/oauth2/authorize" and request.method == "POST":
            code = parse_qs(urlparse(response.headers.get("Location", "")).query).get("code")
            if code:
                challenges[code[0]] = request.args["code_challenge"]
        elif request.path == "/.well-known/openid-configuration":
            document = response.get_json()
            document["code_challenge_methods_supported"] = ["S256"]
            response.set_data(flask.json.dumps(document))
        return response


@contextlib.contextmanager
def run_provider(users: list[dict], redirect_uris: list[str]) -> Iterator[Provider]:
    """The provider on a free loopback port, one client registered for ``redirect_uris``.
    Each user is a dict of claims with "sub"; they appear as buttons on its sign-in page."""
    app = oidc_provider_mock.app(
        require_client_registration=True,
        require_nonce=True,
        user_claims=[
            oidc_provider_mock.User(sub=u["sub"], claims={k: v for k, v in u.items() if k != "sub"})
            for u in users
        ],
    )
    refusals: list = []
    _require_pkce(app, refusals)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    issuer = f"http://127.0.0.1:{server.server_port}"
    try:
        registered = requests.post(
            f"{issuer}/oauth2/clients",
            json={
                "redirect_uris": redirect_uris,
                "token_endpoint_auth_method": "client_secret_basic",
            },
            timeout=10,
        )
        registered.raise_for_status()
        client = registered.json()
        yield Provider(issuer, client["client_id"], client["client_secret"], refusals)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
