"""Create the Dash app, wire its configuration and data, and nothing else."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

from dash import Dash
from flask import Flask

from domain.actors import command_line_actor
from domain.roles import Role
from kpis.council import Council, CouncilError, home_council, read_councils
from layouts._shared.context import EXTENSION_KEY, SETTINGS_KEY
from layouts._shared.frame import INDEX_STRING, build_frame
from layouts._shared.page_cache import PageCache
from layouts.download_routes import register_download_routes
from layouts.forms import register_form_routes
from layouts.upload_routes import register_upload_routes
from services.accounts import count_accounts
from services.demo import load_demo_data
from services.demo_accounts import DemoAccounts, add_demo_accounts
from services.deployment import Deployment
from services.health import Dependencies
from services.interface import Deployment as DeploymentService
from settings import Settings, read_settings
from storage.database import create_database_engine, upgrade_database
from web import collector
from web.guard import Guard, GuardSettings
from web.headers import SecurityHeaders
from web.health import register_health_routes
from web.metrics import MULTIPROCESS_DIR, Metrics
from web.oidc import SsoSettings, register_sso
from web.proxies import TrustedProxies
from web.request_log import RequestLog
from web.signin import register_sign_in_routes
from web.storage_errors import register_storage_errors


def served_councils(settings: Settings) -> dict[str, Council]:
    """Every council the deployment serves. Every problem of every council's files stops the
    start, listed."""
    return read_councils(settings.councils_dir)


def prepare_database(settings: Settings, councils: dict[str, Council]) -> None:
    """Create or upgrade the schema and load the demo data into each council that has none; on a
    database with no accounts, make the demo accounts and show their password, this once."""
    engine = create_database_engine(settings.database_url)
    upgrade_database(engine, council=home_council(councils, settings.council))
    if settings.load_demo:
        operator = command_line_actor(getpass.getuser())
        for council in councils.values():
            load_demo_data(
                engine,
                council=council,
                max_bytes=settings.max_upload_bytes,
                actor=operator.in_council(council.la_code, Role.ADMIN),
            )
        made = add_demo_accounts(engine, operator, tuple(councils))
        if made is not None:
            _print_box(_demo_accounts_lines(made))
    engine.dispose()


def _demo_accounts_lines(made: DemoAccounts) -> list[str]:
    width = max(len(email) for email in made.emails.values())
    return [
        "Demo accounts, one for each role:",
        "",
        *(f"  {email:<{width}}  {role.title.lower()}" for role, email in made.emails.items()),
        "",
        f"Password for all four: {made.password}",
        "",
        "It is shown this once and stored only as a hash. To choose another:",
        "  lfi user set-password EMAIL",
    ]


def _first_admin_lines() -> list[str]:
    return [
        "No one can sign in yet: there are no accounts. Add the first administrator with",
        "  lfi user add EMAIL --role admin --all-councils",
        "(it asks for a password of 12 characters or more), then sign in with that address.",
    ]


def _print_box(lines: list[str]) -> None:
    """Lines in a box on the console, flushed at once: gunicorn replaces this process next."""
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    print("\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule]), flush=True)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or read_settings()
    councils = served_councils(settings)
    prepare_database(settings, councils)
    engine = create_database_engine(settings.database_url)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="layouts",
        title="Local First Inclusion KPI dashboard",
        # Dash documents None as "leave the tab's title alone" but annotates the parameter str
        update_title=None,  # type: ignore[arg-type]
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    service = Deployment.build(engine, settings, councils)
    app.server.extensions[EXTENSION_KEY] = service
    app.server.extensions[SETTINGS_KEY] = settings
    _secure(app, settings, service)
    _observe(app, settings)
    if settings.cache:
        PageCache(app, service).install(app.server)
    # dcc.Upload sends the file base64-encoded, a third larger, inside a JSON body: no body may
    # be longer than the largest file's encoding and the rest of the request. The file itself is
    # measured exactly before anything reads it (layouts/upload_routes.py); both answer 413.
    app.server.config["MAX_CONTENT_LENGTH"] = -(-settings.max_upload_bytes // 3) * 4 + 100_000
    register_sign_in_routes(app.server)
    register_upload_routes(app.server)
    register_download_routes(app.server)
    register_form_routes(app.server)
    register_storage_errors(app.server)
    app.layout = build_frame
    return app


def _secure(app: Dash, settings: Settings, service: DeploymentService) -> None:
    """Sign-in, the access rules, the origin and token checks and the headers, on every request;
    the guard first of all, so that nothing answers before it."""
    server = app.server
    server.config["TRUSTED_HOSTS"] = list(settings.allowed_hosts)
    server.wsgi_app = TrustedProxies(server.wsgi_app, settings.trusted_proxies)
    Guard(app, settings=GuardSettings(public_view=settings.public_view), service=service).install(
        server
    )
    SecurityHeaders(app).install(server)
    if settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret:
        register_sso(
            server,
            SsoSettings(
                issuer=settings.oidc_issuer,
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret,
                roles_claim=settings.oidc_roles_claim,
                council=settings.oidc_council,
            ),
            secret_key=(settings.secret_key or "").encode(),
        )


def _observe(app: Dash, settings: Settings) -> None:
    """Request ids and logs, metrics, and the readiness check; after the guard is installed, so
    that their timers start ahead of it."""
    probes = Dependencies.connect(settings.database_url, settings.redis_url)
    collector.install(app)
    RequestLog(log_format=settings.log_format).install(app.server)
    Metrics(app, allow=settings.metrics_allow, dependencies=probes).install(app.server)
    register_health_routes(app.server, probes)


def _has_accounts(settings: Settings) -> bool:
    engine = create_database_engine(settings.database_url)
    try:
        return count_accounts(engine) > 0
    finally:
        engine.dispose()


def wsgi() -> Flask:
    """The WSGI application for gunicorn: ``gunicorn 'app:wsgi()'``."""
    return create_app().server


def serve() -> None:
    """Run under gunicorn (LFI_WORKERS processes), or Dash's debug server when LFI_DEBUG is on."""
    settings = read_settings()
    try:
        councils = served_councils(settings)
    except CouncilError as exc:
        # Said once, before any worker starts, rather than by every worker as it fails.
        print("The councils' files have problems; nothing was started:", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in exc.problems), file=sys.stderr)
        raise SystemExit(2) from None
    prepare_database(settings, councils)
    if not settings.load_demo and not _has_accounts(settings):
        _print_box(_first_admin_lines())
    if settings.debug:
        create_app(settings).run(host=settings.host, port=settings.port, debug=True)
        return
    # Each worker counts its metrics in files here, which /metrics adds up (web/metrics.py); a
    # fresh folder, readable by this user alone, so no earlier server's counts are added in.
    os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="lfi-metrics-")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    os.chdir(Path(__file__).resolve().parent)
    os.execv(str(gunicorn), [str(gunicorn), *gunicorn_arguments(settings)])


def gunicorn_arguments(settings: Settings) -> list[str]:
    # With JSON logs the app writes one line a request (web/request_log.py): gunicorn's access
    # log would be a second.
    access_log = ["--access-logfile", "-"] if settings.log_format == "text" else []
    return [
        "--workers",
        str(settings.workers),
        "--bind",
        f"{settings.host}:{settings.port}",
        *access_log,
        # Tidies a dead worker's metrics, and makes gunicorn's own lines JSON with JSON logs.
        "--config",
        "python:web.server_hooks",
        # Without Redis the pack and the DfE report print in Chromium within the request; with
        # it they are jobs (lfi worker), printed in the request only while no worker answers.
        "--timeout",
        "60" if settings.redis_url else "120",
        # gunicorn's control socket sits at one path per user: two servers would clash.
        "--no-control-socket",
        # gunicorn believes X-Forwarded-Proto from loopback by default; only LFI_TRUSTED_PROXIES
        # decides what is believed (web/proxies.py), so gunicorn believes no one.
        "--forwarded-allow-ips=",
        "app:wsgi()",
    ]


if __name__ == "__main__":
    serve()
