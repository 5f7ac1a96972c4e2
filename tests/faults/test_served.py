"""Faults under the running product (issue 13, point 4), on real gunicorn servers: an app worker
killed in the middle of a request, and Redis stopped and started again under a server that
shares its caches there."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import redis
import requests

from tests.app_servers import AppServer, Browser
from tests.cli import lfi_runner
from tests.councils import COUNCILS_DIR, NORFOLK_CODE

LEAD = "lead@example.org"
PASSWORD = "plaid marble kettle orbit"
OVERVIEW = f"/c/{NORFOLK_CODE}/"
PACK = f"/c/{NORFOLK_CODE}/download/pack.pdf"
OVERVIEW_H1 = "Local First Inclusion: is the programme on plan?"  # Norfolk's programme


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """Norfolk's demo data and a programme lead's account, in a SQLite file made once."""
    folder = tmp_path_factory.mktemp("demo")
    councils = folder / "councils"
    shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, councils / NORFOLK_CODE)
    path = folder / "lfi.sqlite3"
    lfi = lfi_runner(folder, LFI_DATABASE_URL=f"sqlite:///{path}", LFI_COUNCILS_DIR=str(councils))
    for args in (("demo",), ("user", "add", LEAD, "--role", "programme_lead", "--password-stdin")):
        done = lfi(*args, stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    return path


def _server(demo_database: Path, tmp_path: Path, **settings: str) -> AppServer:
    path = tmp_path / "lfi.sqlite3"
    shutil.copy(demo_database, path)
    return AppServer(
        tmp_path,
        LFI_DATABASE_URL=f"sqlite:///{path}",
        LFI_COUNCILS_DIR=str(demo_database.parent / "councils"),
        **settings,
    )


def _rows(path: Path) -> dict[str, list]:
    """Every row of every table but the sessions (each request marks its session as used)."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr)
            for t in tables
            if t != "web_sessions"
        }


def test_flt005_a_worker_killed_mid_request_loses_nothing(demo_database, tmp_path):
    server = _server(demo_database, tmp_path, LFI_WORKERS="1").start()
    try:
        browser = Browser(server).sign_in(LEAD, PASSWORD)
        before = _rows(tmp_path / "lfi.sqlite3")
        answered: list[object] = []
        asking = threading.Thread(target=lambda: answered.append(_ask(browser, PACK)))
        asking.start()
        time.sleep(1.5)  # the pack is being drawn: it takes seconds
        (worker,) = server.workers()
        os.kill(worker, signal.SIGKILL)
        asking.join(timeout=120)
        # the client is told: its connection closes with no answer, or an error status
        (answer,) = answered
        assert isinstance(answer, requests.ConnectionError) or answer >= 500, answer
        # gunicorn starts another worker; the next request is served, the data untouched
        deadline = time.monotonic() + 60
        while server.workers() in ([], [worker]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert OVERVIEW_H1 in browser.page(OVERVIEW).text
        assert _rows(tmp_path / "lfi.sqlite3") == before  # no pack recorded as sent
        with sqlite3.connect(tmp_path / "lfi.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        server.stop()


def _ask(browser: Browser, path: str) -> int | requests.ConnectionError:
    try:
        return browser.get(path).status_code
    except requests.ConnectionError as error:
        return error


def test_flt006_with_redis_stopped_pages_are_served_and_shared_again_after(
    demo_database, tmp_path, own_redis
):
    server = _server(demo_database, tmp_path, LFI_REDIS_URL=own_redis.url).start()
    try:
        browser = Browser(server).sign_in(LEAD, PASSWORD)
        client = redis.Redis.from_url(own_redis.url)
        assert OVERVIEW_H1 in browser.page(OVERVIEW).text
        assert client.keys("lfi:*:page:*") and client.keys("lfi:*:snapshot:*")  # shared there
        own_redis.stop()
        for path in (OVERVIEW, f"/c/{NORFOLK_CODE}/plan", f"/c/{NORFOLK_CODE}/measure/1"):
            started = time.monotonic()
            answer = browser.page(path)
            assert answer.status_code == 200, (path, answer.status_code)
            assert time.monotonic() - started < 15  # slower, computed here, but served
        own_redis.start()  # empty: it kept nothing
        time.sleep(6)  # past the five seconds the app leaves a failed Redis alone
        deadline = time.monotonic() + 30
        while not client.keys("lfi:*:page:*") and time.monotonic() < deadline:
            assert browser.page(OVERVIEW, search="?status=red").status_code == 200
            time.sleep(0.5)
        assert client.keys("lfi:*:page:*"), "the app did not use Redis again once it was back"
    finally:
        server.stop()
