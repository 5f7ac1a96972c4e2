"""The sign-in and sign-out pages: plain HTML forms, in the GOV.UK pattern, that work without
JavaScript. With single sign-on configured, a button starts it (web/oidc.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template_string,
    request,
)
from werkzeug.wrappers import Response as BaseResponse

from domain.actors import SessionStarted
from web.access import Access, requires
from web.guard import (
    CSRF_FIELD,
    SIGN_IN_PATH,
    csrf_token,
    current_actor,
    current_signed_in,
    session_cookie_name,
)

SERVICE_KEY = "lfi"
SIGN_OUT_PATH = "/sign-out"
SSO_KEY = "lfi-sso"

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if errors %}Error: {% endif %}{{ title }} - Local First Inclusion</title>
<link rel="stylesheet" href="/assets/lfi.css">
</head>
<body>
<div class="app">
<a href="#main-content" class="skip-link">Skip to main content</a>
<header class="app-header"><div class="app-header__inner">
<span class="app-header__title">Local First Inclusion KPI dashboard</span>
</div></header>
<main id="main-content" class="app-main" tabindex="-1">
{% if errors %}
<div class="error-summary" id="error-summary" role="alert" tabindex="-1"
 aria-labelledby="error-summary-title" data-autofocus>
<h2 class="error-summary__title" id="error-summary-title">There is a problem</h2>
<ul class="error-summary__list">
{% for field, message in errors %}<li><a href="#{{ field }}">{{ message }}</a></li>{% endfor %}
</ul></div>
{% endif %}
<h1>{{ title }}</h1>
{{ body|safe }}
</main>
<footer class="app-footer"><p><a href="/accessibility">Accessibility statement</a></p></footer>
</div>
<script src="/assets/focus-errors.js"></script>
</body>
</html>"""

SIGN_IN = """
{% if notice %}<p class="lede">{{ notice }}</p>{% endif %}
{% if sso %}
<form method="post" action="/sign-in/sso" novalidate>
<input type="hidden" name="csrf_token" value="{{ csrf }}">
<input type="hidden" name="next" value="{{ next }}">
<button class="button" type="submit">Sign in with your council account</button>
</form>
<h2>Or sign in with a dashboard account</h2>
{% endif %}
<form method="post" action="/sign-in" novalidate>
<input type="hidden" name="csrf_token" value="{{ csrf }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="form-group{% if error_for.email %} form-group--error{% endif %}">
<label class="form-label" for="email">E-mail address</label>
{% if error_for.email %}<span class="error-message" id="email-error">{{ error_for.email }}</span>{% endif %}
<input class="form-input" id="email" name="email" type="email" autocomplete="username"
 spellcheck="false" value="{{ email }}"
{% if error_for.email %} aria-describedby="email-error" aria-invalid="true"{% endif %}>
</div>
<div class="form-group{% if error_for.password %} form-group--error{% endif %}">
<label class="form-label" for="password">Password</label>
{% if error_for.password %}<span class="error-message" id="password-error">{{ error_for.password }}</span>{% endif %}
<input class="form-input" id="password" name="password" type="password"
 autocomplete="current-password"
{% if error_for.password %} aria-describedby="password-error" aria-invalid="true"{% endif %}>
</div>
<button class="button" type="submit">Sign in</button>
</form>
<p>If you have forgotten your password or need an account, ask your dashboard administrator.</p>
"""

SIGNED_OUT = "You have signed out."
TIMED_OUT = "You were signed out because the dashboard was not used for a while."


def _service():
    return current_app.extensions[SERVICE_KEY]


def safe_next(target: str | None) -> str:
    """Only a path on this site: a sign-in must never send anyone elsewhere."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in target:
        return "/"
    if parts.path.startswith(("//", SIGN_IN_PATH, SIGN_OUT_PATH)):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def render_sign_in(
    errors: list[tuple[str, str]], *, email: str = "", status: int = 200, notice: str | None = None
) -> Response:
    body = render_template_string(
        SIGN_IN,
        csrf=csrf_token(),
        next=safe_next(request.values.get("next")),
        email=email,
        error_for=dict(errors),
        notice=notice,
        sso=current_app.extensions.get(SSO_KEY) is not None,
    )
    page = render_template_string(PAGE, title="Sign in", body=body, errors=errors)
    return make_response(page, status)


def start_session(response: BaseResponse, started: SessionStarted) -> BaseResponse:
    g.lfi_csrf = started.csrf_token  # the cookie Dash's renderer sends back starts right away
    response.set_cookie(
        session_cookie_name(),
        started.token,
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
        path="/",
    )
    return response


@requires(Access.PUBLIC)
def sign_in() -> BaseResponse:
    if request.method == "GET":
        if current_signed_in() is not None:
            return redirect(safe_next(request.args.get("next")), code=303)
        notice = {"out": SIGNED_OUT, "idle": TIMED_OUT}.get(request.args.get("signed", ""))
        return render_sign_in([], notice=notice)
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    errors = []
    if not email:
        errors.append(("email", "Enter your e-mail address"))
    if not password:
        errors.append(("password", "Enter your password"))
    if errors:
        return render_sign_in(errors, email=email, status=400)
    outcome = _service().sign_in(email=email, password=password, address=request.remote_addr)
    if not isinstance(outcome, SessionStarted):
        return render_sign_in([("email", outcome.message)], email=email, status=400)
    response = redirect(safe_next(request.form.get("next")), code=303)
    return start_session(response, outcome)


@requires(Access.PUBLIC)
def sign_out() -> BaseResponse:
    """POST only (a link could be followed by another site): ends the session on the server."""
    token = request.cookies.get(session_cookie_name(), "")
    if token:
        _service().sign_out(token, current_actor())
    response = redirect(f"{SIGN_IN_PATH}?signed=out", code=303)
    response.delete_cookie(
        session_cookie_name(), path="/", secure=request.is_secure, httponly=True, samesite="Lax"
    )
    return response


@requires(Access.PUBLIC)
def health() -> Response:
    return Response("ok\n", mimetype="text/plain")


def register_sign_in_routes(server: Flask) -> None:
    server.add_url_rule(SIGN_IN_PATH, "sign_in", sign_in, methods=["GET", "POST"])
    server.add_url_rule(SIGN_OUT_PATH, "sign_out", sign_out, methods=["POST"])
    server.add_url_rule("/healthz", "health", health)


__all__ = ["CSRF_FIELD", "register_sign_in_routes", "render_sign_in", "safe_next"]
