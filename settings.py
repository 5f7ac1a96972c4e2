"""Every setting the product reads from its environment, read once, each with its default.

The README's configuration table lists the same variables; keep the two in step.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from domain.council import NEW_LA_CODE

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_FILE = PROJECT_DIR / "data" / "lfi.sqlite3"
# One folder a council, named by its new-style LA code, holding its profile and measure catalogue.
DEFAULT_COUNCILS_DIR = PROJECT_DIR / "councils"


class SettingsError(ValueError):
    """An environment variable holds a value the product cannot use."""


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL of the database: a SQLite file by default, PostgreSQL by URL.
    database_url: str
    # Address and port the web app listens on.
    host: str
    port: int
    # Dash debug mode (hot reload, error pages): never on a shared server.
    debug: bool
    # Load the synthetic demo data set when the app starts on an empty database: off unless asked
    # for (scripts/run asks), so a production start never shows made-up figures.
    load_demo: bool
    # Largest workbook accepted, in megabytes.
    max_upload_mb: int
    # Keep computed measures in memory until a submission is stored; off only to measure the cost.
    cache: bool = True
    # Web server worker processes (gunicorn) for lfi serve.
    workers: int = 2
    # Published outputs withhold counts from 1 up to this number.
    suppress_threshold: int = 4
    # The council profiles: one folder a council (councils/<LA code>/council.toml and its
    # measure catalogue); lfi council add writes a new one.
    councils_dir: Path = DEFAULT_COUNCILS_DIR
    # The council commands act on when --council is not given, as its new-style LA code; with
    # one council in councils_dir it need not be set.
    council: str | None = None
    # Anonymous visitors may read the publication-safe pages (disclosure control applied).
    public_view: bool = False
    # Host names the server answers to; any other Host header gets 400.
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # Addresses or networks of reverse proxies whose X-Forwarded-* headers are believed.
    trusted_proxies: tuple[str, ...] = ()
    # A signed-in session ends after this long unused, and after this long whatever happens.
    session_idle_minutes: int = 30
    session_lifetime_hours: int = 12
    # Single sign-on with OpenID Connect: the issuer's URL (its discovery document is read from
    # ISSUER/.well-known/openid-configuration), the client registered there, and the ID token
    # claim that carries the app roles (Entra ID: "roles").
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_roles_claim: str = "roles"
    # The council whose identity provider this is: the roles it claims are roles in that council
    # only. Unset, they are roles in every council the deployment serves.
    oidc_council: str | None = None
    # Signs the cookie that holds a single sign-on's state while the browser is at the provider;
    # the same on every server. Needed only with single sign-on.
    secret_key: str | None = field(default=None, repr=False)
    # Uploads waiting for confirmation: per account and in all; uploads per account per hour.
    pending_per_user: int = 5
    pending_total: int = 50
    uploads_per_hour: int = 30
    # Redis, shared by every worker and server: caches, locks, and the job queue. Unset, each
    # process keeps its own caches and long work runs inside the request (the embedded default).
    redis_url: str | None = field(default=None, repr=False)
    # Request logs: "text" (the server's own lines) or "json" (one JSON line a request).
    log_format: str = "text"
    # With Redis, an uploaded workbook larger than this many megabytes is checked by a worker
    # (lfi worker) while its page shows the progress; a smaller one, or any without Redis,
    # within the request.
    background_check_mb: int = 2
    # Networks besides loopback that may read /metrics (the monitoring server's); from anywhere
    # else it is not found.
    metrics_allow: tuple[str, ...] = ()

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1_000_000


def _read_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r}: expected true or false")


def _read_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected a whole number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r}: expected a number above zero")
    return value


def _read_council(name: str) -> str | None:
    code = (os.environ.get(name) or "").strip().upper()
    if code and not NEW_LA_CODE.match(code):
        raise SettingsError(f"{name}={code!r}: expected a new-style LA code, E and eight digits")
    return code or None


def _read_dir(name: str, default: Path) -> Path:
    raw = (os.environ.get(name) or "").strip()
    return Path(raw).expanduser().resolve() if raw else default


def _read_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _read_networks(name: str) -> tuple[str, ...]:
    networks = _read_list(name, ())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise SettingsError(f"{name}: {network!r} is not an address or network") from None
    return networks


def _read_url(name: str) -> str | None:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    if not raw.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SettingsError(f"{name}={raw!r}: expected an https:// address")
    return raw.rstrip("/")


def _read_redis_url(name: str) -> str | None:
    raw = (os.environ.get(name) or "").strip()
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"{name}: expected a redis://, rediss:// or unix:// address")
    return raw or None


def _read_choice(name: str, choices: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw and raw not in choices:
        raise SettingsError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return raw or choices[0]


def _check_debug(settings: Settings) -> None:
    if settings.debug and not _is_loopback(settings.host):
        raise SettingsError(
            f"LFI_DEBUG is on and LFI_HOST={settings.host!r}: debug mode runs only on a loopback "
            "address (127.0.0.1 or ::1), since its error pages show the code"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_oidc(settings: Settings) -> None:
    given = [settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret]
    if any(given) and not all(given):
        raise SettingsError(
            "Single sign-on needs LFI_OIDC_ISSUER, LFI_OIDC_CLIENT_ID and LFI_OIDC_CLIENT_SECRET "
            "together"
        )
    if all(given) and len(settings.secret_key or "") < 32:
        raise SettingsError(
            "Single sign-on needs LFI_SECRET_KEY: 32 characters or more, the same on every server"
        )


def read_settings() -> Settings:
    """Read the settings from the environment as it is now; SettingsError names a bad value."""
    settings = Settings(
        database_url=os.environ.get("LFI_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_FILE}",
        host=os.environ.get("LFI_HOST") or "127.0.0.1",
        port=_read_int("LFI_PORT", 8050),
        debug=_read_bool("LFI_DEBUG", False),
        load_demo=_read_bool("LFI_LOAD_DEMO", False),
        max_upload_mb=_read_int("LFI_MAX_UPLOAD_MB", 20),
        cache=_read_bool("LFI_CACHE", True),
        workers=_read_int("LFI_WORKERS", 2),
        suppress_threshold=_read_int("LFI_SUPPRESS_THRESHOLD", 4),
        councils_dir=_read_dir("LFI_COUNCILS_DIR", DEFAULT_COUNCILS_DIR),
        council=_read_council("LFI_COUNCIL"),
        public_view=_read_bool("LFI_PUBLIC_VIEW", False),
        allowed_hosts=_read_list("LFI_ALLOWED_HOSTS", ("localhost", "127.0.0.1", "::1")),
        trusted_proxies=_read_networks("LFI_TRUSTED_PROXIES"),
        session_idle_minutes=_read_int("LFI_SESSION_IDLE_MINUTES", 30),
        session_lifetime_hours=_read_int("LFI_SESSION_LIFETIME_HOURS", 12),
        oidc_issuer=_read_url("LFI_OIDC_ISSUER"),
        oidc_client_id=os.environ.get("LFI_OIDC_CLIENT_ID") or None,
        oidc_client_secret=os.environ.get("LFI_OIDC_CLIENT_SECRET") or None,
        oidc_roles_claim=os.environ.get("LFI_OIDC_ROLES_CLAIM") or "roles",
        oidc_council=_read_council("LFI_OIDC_COUNCIL"),
        secret_key=os.environ.get("LFI_SECRET_KEY") or None,
        pending_per_user=_read_int("LFI_PENDING_PER_USER", 5),
        pending_total=_read_int("LFI_PENDING_TOTAL", 50),
        uploads_per_hour=_read_int("LFI_UPLOADS_PER_HOUR", 30),
        redis_url=_read_redis_url("LFI_REDIS_URL"),
        log_format=_read_choice("LFI_LOG_FORMAT", ("text", "json")),
        background_check_mb=_read_int("LFI_BACKGROUND_CHECK_MB", 2),
        metrics_allow=_read_networks("LFI_METRICS_ALLOW"),
    )
    _check_debug(settings)
    _check_oidc(settings)
    return settings
