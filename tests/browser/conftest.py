"""A real server (lfi serve) on a free loopback port, and Debian's Chromium, headless.

Each server starts as the README's run command starts it, on the demo data, and the tests sign
in as its demo accounts with the password it prints once on its console, just as a person would.
It serves two councils: Norfolk, with its demo data, and Devon, drafted from the national lists
with Norfolk's measures, whose own EHCP returns and DSG plan are loaded once the server is up
(tests/web/conftest.py works its plan by hand). The demo accounts hold their roles in both.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from domain.roles import Role
from kpis.council import read_council
from services.demo_accounts import DEMO_EMAILS
from services.submissions import load_workbook
from storage.database import create_database_engine
from tests.councils import NORFOLK_CODE
from tests.web.conftest import (
    DEVON_CODE,
    councils_with_devon,
    devon_dsg_workbook,
    ehcp_workbook,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    # The demo accounts' password, as the server printed it on its console.
    password: str
    # The councils it serves (LFI_COUNCILS_DIR), for the command line run beside it.
    councils_dir: str = ""

    @staticmethod
    def email(role: Role) -> str:
        return DEMO_EMAILS[role]

    @staticmethod
    def at(path: str = "/", council: str = NORFOLK_CODE) -> str:
        """A council's address: Norfolk's unless another is named; '/' is its overview."""
        return f"/c/{council}" + ("" if path == "/" else path)


# Devon's own returns: a year of EHCP returns (so that its yearly measures have an outturn) and
# its DSG plan and forecast.
DEVON_TERMS = {"Summer 2025": 66_500, "Autumn 2025": 66_900, "Spring 2026": 67_200}


def _load_devon(database_url: str, councils: Path) -> None:
    devon = read_council(councils / DEVON_CODE)
    engine = create_database_engine(database_url)
    files = [
        *(
            (f"devon-ehcp-{t.lower().replace(' ', '-')}.xlsx", ehcp_workbook(t, n))
            for t, n in DEVON_TERMS.items()
        ),
        ("devon-ehcp-summer-2026.xlsx", ehcp_workbook("Summer 2026", 67_891)),
        ("devon-dsg-summer-2026.xlsx", devon_dsg_workbook(devon)),
    ]
    try:
        for name, data in files:
            outcome = load_workbook(
                engine, data, file_name=name, council=devon, max_bytes=20_000_000
            )
            assert outcome.stored_id is not None, outcome.report.issues
    finally:
        engine.dispose()


def _start_server(tmp_path_factory, name: str) -> tuple[subprocess.Popen, Server, object]:
    """lfi serve (gunicorn, two workers) on an empty SQLite file, so the demo data is loaded."""
    port = _free_port()
    folder = tmp_path_factory.mktemp(name)
    database = folder / "lfi.sqlite3"
    councils = councils_with_devon(folder)
    env = {
        **os.environ,
        "LFI_DATABASE_URL": f"sqlite:///{database}",
        "LFI_COUNCILS_DIR": str(councils),
        "LFI_PORT": str(port),
        "LFI_LOAD_DEMO": "true",
        "LFI_DEBUG": "false",
    }
    env.pop("LFI_COUNCIL", None)
    log_path = tmp_path_factory.mktemp(f"{name}-log") / "server.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "lfi"), "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"lfi serve did not start; its log is in {log.name}")
            time.sleep(0.3)
    printed = re.search(r"Password for all four: (\S+)", log_path.read_text())
    if printed is None:
        process.kill()
        pytest.fail(f"lfi serve printed no demo accounts' password; its log is in {log.name}")
    _load_devon(env["LFI_DATABASE_URL"], councils)
    started = Server(url, env["LFI_DATABASE_URL"], printed.group(1), str(councils))
    return process, started, log


def _stop_server(process, log) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app as the README's run command starts it, on the demo data; tests here only read."""
    process, started, log = _start_server(tmp_path_factory, "server")
    yield started
    _stop_server(process, log)


@pytest.fixture
def fresh_server(tmp_path_factory):
    """A server of its own, for a test that stores files or reads the whole audit trail."""
    process, started, log = _start_server(tmp_path_factory, "fresh-server")
    yield started
    _stop_server(process, log)


def new_page(browser, *, storage_state=None, width: int = 1280, height: int = 900):
    """A page in a context of its own, collecting the console's errors."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, storage_state=storage_state
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


@pytest.fixture
def page(browser):
    """A browser no one has signed in to yet."""
    page = new_page(browser)
    yield page
    page.context.close()


def sign_in(page, server: Server, role: Role, path: str = Server.at("/")) -> None:
    """Through the sign-in page, as a person would: the e-mail and password typed, the button
    pressed, and the page asked for (Norfolk's overview unless named) opened."""
    page.goto(f"{server.url}/sign-in?next={quote(path)}")
    page.fill("#email", server.email(role))
    page.fill("#password", server.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wanted = f"{server.url}{path}"
    page.wait_for_url(lambda url: url == wanted)


@pytest.fixture(scope="session")
def signed_in_state(browser, server):
    """Each role's signed-in cookies on the shared server: signed in once through the form, then
    given to each test's new browser context."""
    states: dict[Role, dict] = {}

    def state(role: Role) -> dict:
        if role not in states:
            page = new_page(browser)
            sign_in(page, server, role)
            states[role] = page.context.storage_state()
            page.context.close()
        return states[role]

    return state


@pytest.fixture
def admin_page(browser, signed_in_state):
    """A browser signed in as the demo admin, who may open every page."""
    page = new_page(browser, storage_state=signed_in_state(Role.ADMIN))
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
