"""A real server (lfi serve) on a free loopback port, and Debian's Chromium, headless."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(tmp_path_factory, name: str):
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
    log = (tmp_path_factory.mktemp(f"{name}-log") / "server.log").open("w")
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
            urllib.request.urlopen(f"{url}/plan", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"lfi serve did not start; its log is in {log.name}")
            time.sleep(0.3)
    return process, url, log


def _stop_server(process, log) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """The app as the README's run command starts it, on the demo data; tests here only read."""
    process, url, log = _start_server(tmp_path_factory, "server")
    yield url
    _stop_server(process, log)


@pytest.fixture
def fresh_server_url(tmp_path_factory):
    """A server of its own, for a test that stores files."""
    process, url, log = _start_server(tmp_path_factory, "fresh-server")
    yield url
    _stop_server(process, log)


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
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
