"""Every setting the product reads from its environment, read once, each with its default.

The README's configuration table lists the same variables; keep the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kpis.comparators import ComparatorError, check_council
from storage.periods import PeriodError, financial_years, parse_financial_year

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_FILE = PROJECT_DIR / "data" / "lfi.sqlite3"
# The council the product serves, as its new-style LA code; its statistical neighbours, England and
# its quartile are read for it from data/public. Norfolk, the first user.
DEFAULT_COUNCIL_LA_CODE = "E10000020"


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
    # First and last financial years of the DSG recovery plan.
    plan_first_year: str
    plan_last_year: str
    # Keep computed measures in memory until a submission is stored; off only to measure the cost.
    cache: bool = True
    # Web server worker processes (gunicorn) for lfi serve.
    workers: int = 2
    # Published outputs withhold counts from 1 up to this number.
    suppress_threshold: int = 4
    # The council's new-style LA code (E10000020): whose published figures and neighbours are shown.
    council_la_code: str = DEFAULT_COUNCIL_LA_CODE

    @property
    def plan_years(self) -> tuple[str, ...]:
        return financial_years(self.plan_first_year, self.plan_last_year)

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


def _read_year(name: str, default: str) -> str:
    raw = os.environ.get(name) or default
    try:
        return parse_financial_year(raw)
    except PeriodError as exc:
        raise SettingsError(f"{name}: {exc}") from None


def _read_council(name: str, default: str) -> str:
    code = (os.environ.get(name) or default).strip()
    try:
        return check_council(code)
    except ComparatorError as exc:
        raise SettingsError(f"{name}: {exc}") from None


def read_settings() -> Settings:
    """Read the settings from the environment as it is now; SettingsError names a bad value."""
    settings = Settings(
        database_url=os.environ.get("LFI_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_FILE}",
        host=os.environ.get("LFI_HOST") or "127.0.0.1",
        port=_read_int("LFI_PORT", 8050),
        debug=_read_bool("LFI_DEBUG", False),
        load_demo=_read_bool("LFI_LOAD_DEMO", False),
        max_upload_mb=_read_int("LFI_MAX_UPLOAD_MB", 20),
        plan_first_year=_read_year("LFI_PLAN_FIRST_YEAR", "2022-23"),
        plan_last_year=_read_year("LFI_PLAN_LAST_YEAR", "2028-29"),
        cache=_read_bool("LFI_CACHE", True),
        workers=_read_int("LFI_WORKERS", 2),
        suppress_threshold=_read_int("LFI_SUPPRESS_THRESHOLD", 4),
        council_la_code=_read_council("LFI_COUNCIL_LA_CODE", DEFAULT_COUNCIL_LA_CODE),
    )
    try:
        financial_years(settings.plan_first_year, settings.plan_last_year)
    except PeriodError as exc:
        raise SettingsError(f"LFI_PLAN_FIRST_YEAR and LFI_PLAN_LAST_YEAR: {exc}") from None
    return settings
