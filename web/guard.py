"""Every request, before anything answers it: who is asking, in which council, may they, and did
this site send it.

- The session cookie names a server-side session (services/web_sessions.py); without one the
  visitor is anonymous.
- The council is in the address (/c/<LA code>/...): a page's and a download's own, the routing
  callback's pathname, or the page's location a callback sends as its state. The visitor's role
  is their role in that council, so an account of one council has none in another and is
  refused there; a council the deployment does not serve is not found.
- The route's, callback's or page's rule (web/access.py) decides; an anonymous visitor is sent to
  the sign-in page, or answered 401; an account without the role, or with no role in the
  council at all, gets 403 and the refusal is in the audit trail.
- A page address outside any council that leads into one (/ and the addresses from before each
  council had its own, such as /plan) is sent on to the visitor's council, or to the comparison
  across councils when they see several (web/addresses.py).
- The load balancer's probes (/healthz, /readyz) and /metrics are let through without reading
  any session: they must answer while the database is down.
- A request that may change anything (any method but GET, HEAD and OPTIONS, Dash's callbacks
  included) must come from this site's own origin and carry the session's token, which Dash's
  renderer sends from the ``_csrf_token`` cookie as X-CSRFToken and forms send as ``csrf_token``.
  Without a session the token must match that cookie (the sign-in form, the public view).
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import dash
from dash._pages import _path_to_page
from flask import Flask, Response, g, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from domain.actors import ANONYMOUS, Actor, SignedIn
from web.access import DASH_ROUTES, Access, allows, declared
from web.addresses import councils_seen, moved_to

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "lfi_session"
SECURE_SESSION_COOKIE = "__Host-lfi_session"
CALLBACK_ENDPOINT = "_dash-update-component"
SIGN_IN_PATH = "/sign-in"


@dataclass(frozen=True)
class GuardSettings:
    public_view: bool


def session_cookie_name() -> str:
    return SECURE_SESSION_COOKIE if request.is_secure else SESSION_COOKIE


def current_actor() -> Actor:
    return g.get("lfi_actor", ANONYMOUS)


def current_council() -> str | None:
    """The council the request is for, as the guard found it; None outside any council."""
    return g.get("lfi_council")


COUNCIL_PATH = re.compile(r"^/c/(E\d{8})(?:/|$)")
PAGES_LOCATION = "_pages_location"  # Dash's page location, which callbacks send as state


def council_in_path(path: object) -> str | None:
    """The LA code of /c/<code>/... ; None for an address outside any council."""
    if not isinstance(path, str):
        return None
    found = COUNCIL_PATH.match(path)
    return found.group(1) if found else None


def _location_sent(body: dict) -> str | None:
    """The page's pathname a callback sends among its inputs or state, if it does."""
    for given in [*(body.get("inputs") or []), *(body.get("state") or [])]:
        if (
            isinstance(given, dict)
            and given.get("id") == PAGES_LOCATION
            and given.get("property") == "pathname"
        ):
            return council_in_path(given.get("value"))
    return None


def request_council() -> str | None:
    """The council the request is for: from its address; for a callback, from the page's
    location it sends (the router's pathname among them); for the frame, from the page that
    asks for it (it holds no figure: only the council's name and the links its role sees)."""
    found = council_in_path(request.path)
    if found is not None:
        return found
    endpoint = request.endpoint or ""
    if endpoint.endswith(CALLBACK_ENDPOINT):
        body = request.get_json(silent=True)
        return _location_sent(body) if isinstance(body, dict) else None
    if endpoint == FRAME_ENDPOINT:
        return council_in_path(urlsplit(request.headers.get("Referer", "")).path)
    return None


FRAME_ENDPOINT = "/_dash-layout"
# Liveness (web/signin.py), readiness (web/health.py) and metrics (web/metrics.py), by endpoint.
PROBES = frozenset({"health", "ready", "metrics"})


def current_signed_in() -> SignedIn | None:
    return g.get("lfi_signed_in")


def csrf_token() -> str:
    """The token this response's forms must carry back."""
    signed = current_signed_in()
    if signed is not None:
        return signed.csrf_token
    token = g.get("lfi_csrf") or request.cookies.get(CSRF_COOKIE) or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token):
        token = secrets.token_urlsafe(32)
    g.lfi_csrf = token
    return token


def routed_page(app: dash.Dash, pathname: object) -> dict | None:
    """The page Dash's router will render for ``pathname``, found by the router's own matching
    (dash._pages._path_to_page: templates match with fnmatch, where <token> also spans slashes,
    pages in registry order, leading slashes stripped), so that no address can be read one way
    here and another way there. None for a path the router cannot read."""
    if not isinstance(pathname, str) or not pathname.startswith("/"):
        return None
    try:
        page, _variables = _path_to_page(app.strip_relative_path(pathname))
    except (dash.exceptions.UnsupportedRelativePath, TypeError, IndexError):
        return None
    if not page:  # no such page: the router shows the 'not found' page
        page = next(
            (p for m, p in dash.page_registry.items() if m.split(".")[-1] == "not_found_404"),
            {"access": Access.PUBLIC_VIEW},
        )
    return dict(page)


def _page_rule(app: dash.Dash, pathname: object) -> Access | None:
    page = routed_page(app, pathname)
    return page.get("access") if page is not None else None


def _well_formed(inputs: list) -> bool:
    """The router's inputs as Dash's renderer sends them; anything else would fail inside Dash."""
    return len(inputs) > 0 and all(
        isinstance(i, dict) and {"id", "property"} <= i.keys() for i in inputs
    )


def _callback_rule(app: dash.Dash) -> Access | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return None
    if body["output"] == ROUTING_OUTPUT:  # Dash's router: the page's own rule decides
        inputs = body.get("inputs")
        if not isinstance(inputs, list) or not _well_formed(inputs):
            return None
        return _page_rule(app, inputs[0].get("value"))
    entry = app.callback_map.get(body["output"])
    return declared(entry.get("callback")) if entry is not None else None


ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."


def request_rule(app: dash.Dash) -> Access | None:
    endpoint = request.endpoint
    if endpoint is None:
        return Access.PUBLIC  # no route: Flask answers 404
    if endpoint.endswith(CALLBACK_ENDPOINT):
        return _callback_rule(app)
    if endpoint in PAGE_SHELLS:
        # The shell holds no figures, but a page someone may not open is refused at once, not
        # left blank when its content is refused.
        return _page_rule(app, request.path) or DASH_ROUTES.get(endpoint)
    return declared(app.server.view_functions.get(endpoint)) or DASH_ROUTES.get(endpoint)


PAGE_SHELLS = ("/", "/<path:path>")


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        referrer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referrer.scheme}://{referrer.netloc}" if referrer.netloc else None
    return origin is not None and origin == f"{request.scheme}://{request.host}"


def _token_matches(signed: SignedIn | None) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = request.form.get(CSRF_FIELD)
    expected = signed.csrf_token if signed else request.cookies.get(CSRF_COOKIE)
    if not sent or not expected:
        return False
    return hmac.compare_digest(sent, expected)


REFUSED_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{message} - Local First Inclusion</title><link rel="stylesheet" href="/assets/lfi.css">
</head>
<body><div class="app">
<header class="app-header"><div class="app-header__inner">
<a href="/" class="app-header__title">Local First Inclusion KPI dashboard</a></div></header>
<main id="main-content" class="app-main">
<h1>{message}</h1>
<p>If you need it for your work, ask your dashboard administrator for a role that allows it.</p>
<p><a href="/">Go to the overview</a></p>
</main></div></body></html>"""


def _refuse(status: int, message: str) -> Response:
    if request.method == "GET" and request.accept_mimetypes.accept_html:
        return Response(REFUSED_PAGE.format(message=message), status=status, mimetype="text/html")
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _to_sign_in(*, ended: bool) -> BaseResponse:
    """To the sign-in page, and back here after. The address comes back whole, its own query
    included (encoded, so that none of it is read as the sign-in page's own); a browser whose
    session cookie names a session that has ended is told why it must sign in again."""
    target = request.full_path if request.query_string else request.path
    notice = "&signed=idle" if ended else ""
    response = redirect(f"{SIGN_IN_PATH}?next={quote(target, safe='/')}{notice}", code=302)
    if ended:  # said once: the dead cookie goes
        response.delete_cookie(
            session_cookie_name(), path="/", secure=request.is_secure, httponly=True, samesite="Lax"
        )
    return response


def _actor(signed: SignedIn | None, council: str | None) -> Actor:
    if signed is None:
        return Actor(ANONYMOUS.name, None, request.remote_addr, council)
    return signed.in_council(council) if council else signed.actor


class Guard:
    def __init__(self, app: dash.Dash, *, settings: GuardSettings, service) -> None:
        self.app, self.settings, self.service = app, settings, service

    def check(self) -> BaseResponse | None:
        if request.endpoint in PROBES and request.method in ("GET", "HEAD"):
            # The load balancer's and the monitoring server's: no session is read, so they cost
            # the database nothing and answer while it is down. /metrics decides itself who may
            # read it (web/metrics.py).
            return None
        signed = self.service.read_session(
            request.cookies.get(session_cookie_name(), ""), address=request.remote_addr
        )
        council = request_council()
        if council is not None and self.service.service(council) is None:
            g.lfi_actor, g.lfi_signed_in = _actor(signed, None), signed
            return _refuse(404, "There is no such council here")
        actor = _actor(signed, council)
        g.lfi_actor, g.lfi_signed_in, g.lfi_council = actor, signed, council
        if request.method not in SAFE_METHODS and not (_same_origin() and _token_matches(signed)):
            self._record(actor, "cross-site or missing token")
            return _refuse(403, "This request did not come from this site's own pages")
        rule = request_rule(self.app)
        if rule is None:
            self._record(actor, "no access rule")
            return _refuse(403, "You do not have access to this")
        if allows(rule, actor, public_view=self.settings.public_view):
            return self._moved(signed, council)
        if signed is not None and not actor.signed_in:
            # an account, at the address of a council it holds no role in: refused, not asked
            # to sign in again, and the refusal is in that council's trail
            self.service.record_refusal(actor, "no role in this council", request.path)
            return _refuse(403, "Your account has no role in this council")
        if not actor.signed_in:
            if request.method == "GET" and request.endpoint not in (None, CALLBACK_ENDPOINT):
                return _to_sign_in(ended=bool(request.cookies.get(session_cookie_name())))
            return _refuse(401, "Sign in to use this")
        self._record(actor, f"needs {rule.value}")
        return _refuse(403, "Your role does not allow this")

    def _moved(self, signed: SignedIn | None, council: str | None) -> BaseResponse | None:
        """A page address outside any council that leads into one (web/addresses.py): / and
        the addresses from before councils had their own, sent on with 302."""
        if council is not None or request.method != "GET" or request.endpoint not in PAGE_SHELLS:
            return None
        served = tuple(c.la_code for c in self.service.councils)
        seen = councils_seen(signed, served, public_view=self.settings.public_view)
        target = moved_to(request.path, request.query_string.decode("latin-1"), seen)
        return redirect(target, code=302) if target is not None else None

    def _record(self, actor: Actor, why: str) -> None:
        # Only an account's refusals: anonymous ones are anyone's, and recording each would let
        # a stranger fill the trail (and the disk) at will.
        if actor.signed_in:
            self.service.record_refusal(actor, why, request.path)

    def finish(self, response: Response) -> Response:
        token = csrf_token()
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(
                CSRF_COOKIE, token, secure=request.is_secure, samesite="Lax", httponly=False
            )
        return response

    def install(self, server: Flask) -> None:
        # First of every hook: nothing, not even the page cache, answers before it.
        server.before_request_funcs.setdefault(None, []).insert(0, self.check)
        server.after_request(self.finish)
