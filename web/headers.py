"""Headers on every response: a Content Security Policy Dash works under, no framing, no
sniffing, a referrer policy, HSTS over HTTPS, and no caching of anything but static files."""

from __future__ import annotations

import dash
from flask import Flask, Response, current_app, request

# Other origins a form of this site may post to, or be redirected to after posting: single
# sign-on's button posts here and is sent on to the provider, which browsers check against
# form-action too (web/oidc.py adds the provider's origin).
FORM_TARGETS_KEY = "lfi-form-targets"
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(app: dash.Dash, form_targets: tuple[str, ...] = ()) -> str:
    # Dash writes its configuration and start-up as inline scripts: allowed by their hashes, not
    # by 'unsafe-inline'. Plotly and Dash set styles inline, which CSP can only allow wholesale.
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(["form-action 'self'", *form_targets]),
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    def __init__(self, app: dash.Dash) -> None:
        self.app = app
        self._policy: str | None = None

    def add(self, response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = self._current_policy()
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        if not request.path.startswith(STATIC_PREFIXES):
            headers["Cache-Control"] = "no-store"
            headers.pop("ETag", None)
        return response

    def _current_policy(self) -> str:
        """Kept once Dash has set itself up: its clientside callbacks' scripts, which the policy
        must hash, are written on the first request it answers. A request refused before that
        (a stranger sent to sign in) must not fix a policy without them."""
        if self._policy is not None:
            return self._policy
        targets = tuple(current_app.extensions.get(FORM_TARGETS_KEY, ()))
        policy = content_security_policy(self.app, targets)
        if self.app._got_first_request.get("setup_server"):
            self._policy = policy
        return policy

    def install(self, server: Flask) -> None:
        server.after_request(self.add)
