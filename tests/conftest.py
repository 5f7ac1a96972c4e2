"""Shared fixtures: databases (SQLite and the real PostgreSQL server) and the paper's figures."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from domain.periods import financial_years
from kpis.comparators import PUBLIC_DIR
from kpis.council_draft import write_council
from storage.database import create_database_engine, upgrade_database
from tests.councils import COUNCILS_DIR, DEVON, NORFOLK_CODE
from tests.postgres_cluster import PostgresCluster
from tests.redis_server import RedisServer

POSTGRES_URL = os.environ.get(
    "LFI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PLAN_YEARS = financial_years("2022-23", "2028-29")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server for this test session, dropped after it."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lfi_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({exc.orig}). Start the server, or "
            "point LFI_TEST_POSTGRES_URL at one (the tests create and drop their own database).",
            pytrace=False,
        )
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """An empty database of each kind, one test at a time."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lfi.sqlite3'}"
    url = request.getfixturevalue("postgres_server_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on an empty database, upgraded to the newest schema."""
    engine = create_database_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def plan_years() -> tuple[str, ...]:
    return PLAN_YEARS


DEVON_CODE = DEVON  # the second council some tests add


@pytest.fixture
def councils_dir(tmp_path_factory) -> Path:
    """A councils directory (for LFI_COUNCILS_DIR) holding Norfolk's folder alone, its profile,
    catalogue and demo: a council added to the project changes no test that does not ask."""
    root = tmp_path_factory.mktemp("councils")
    shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, root / NORFOLK_CODE)
    return root


@pytest.fixture
def two_councils_dir(councils_dir) -> Path:
    """Norfolk's folder and Devon's, drafted from the DfE's public lists as `lfi council add`
    drafts a council, with Norfolk's measures and plan years."""
    write_council(
        DEVON_CODE,
        councils_dir=councils_dir,
        measures_from=councils_dir / NORFOLK_CODE / "measures.toml",
        public_dir=PUBLIC_DIR,
        first_year=PLAN_YEARS[0],
        last_year=PLAN_YEARS[-1],
        programme="High needs recovery programme",
        contact_email=None,
    )
    return councils_dir


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


# One Chromium for the whole run, shared by the browser tests and the single sign-on tests:
# Playwright's synchronous API allows one running instance a thread.
@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "Debian's chromium is not installed: run scripts/test, which installs it "
            "(apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which the test may stop and start."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL server of the test's own, which the test may restart or stop. Its folder is
    outside pytest's, which only root may enter, since the server runs as the postgres user."""
    folder = Path(tempfile.mkdtemp(prefix="lfi-postgres-"))
    cluster = PostgresCluster(folder).init()
    yield cluster
    if cluster.running():
        cluster.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)
