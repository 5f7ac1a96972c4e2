"""A real server (lfi serve) on a free loopback port, and Debian's Chromium, headless.

Each server starts as the README's run command starts it, on the demo data, and the tests sign
in as its demo accounts with the password it prints once on its console, just as a person would.
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
from services.demo_accounts import DEMO_EMAILS

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

    @staticmethod
    def email(role: Role) -> str:
        return DEMO_EMAILS[role]


def _start_server(tmp_path_factory, name: str) -> tuple[subprocess.Popen, Server, object]:
    """lfi serve (gunicorn, two workers) on an empty SQLite file, so the demo data is loaded."""
    port = _free_port()
    database = tmp_path_factory.mktemp(name) / "lfi.sqlite3"
    env = {
        **os.environ,
        "LFI_DATABASE_URL": f"sqlite:///{database}",
        "LFI_PORT": str(port),
        "LFI_LOAD_DEMO": "true",
        "LFI_DEBUG": "false",
    }
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
    return process, Server(url, env["LFI_DATABASE_URL"], printed.group(1)), log


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


def sign_in(page, server: Server, role: Role, path: str = "/") -> None:
    """Through the sign-in page, as a person would: the e-mail and password typed, the button
    pressed, and the page asked for opened."""
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
