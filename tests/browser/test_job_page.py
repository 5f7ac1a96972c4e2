"""The Schools Forum pack made by a worker, in headless Chromium: lfi serve and lfi worker on
Redis, the demo programme lead asks for the pack from the Schools Forum page and follows it on
the job's page (its steps, read out as they change) to the link that downloads the PDF; the page
passes axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from domain.roles import Role
from settings import Settings
from tests.browser.conftest import (
    Server,
    _start_server,
    _stop_server,
    new_page,
    screenshot,
    sign_in,
)
from tests.browser.test_pages import _axe_violations
from tests.worker import JOBS_REDIS_URL, WorkerProcess, redis_database

pytestmark = pytest.mark.browser


@pytest.fixture
def jobs_server(tmp_path_factory, monkeypatch):
    """lfi serve on the demo data with Redis, and one lfi worker beside it."""
    database = redis_database()
    next(database)
    monkeypatch.setenv("LFI_REDIS_URL", JOBS_REDIS_URL)
    process, started, log = _start_server(tmp_path_factory, "jobs-server")
    settings = Settings(
        database_url=started.database_url,
        host="127.0.0.1",
        port=0,
        debug=False,
        load_demo=False,
        max_upload_mb=20,
        councils_dir=Path(started.councils_dir),
        redis_url=JOBS_REDIS_URL,
    )
    worker = WorkerProcess(settings, tmp_path_factory.mktemp("jobs-worker"))
    yield started
    worker.stop()
    _stop_server(process, log)
    next(database, None)


def test_job101_the_pack_is_followed_on_its_page_to_its_download(jobs_server, browser, tmp_path):
    # given the demo programme lead on the Schools Forum page
    page = new_page(browser)
    sign_in(page, jobs_server, Role.PROGRAMME_LEAD, Server.at("/schools-forum"))
    # when they name the meeting and ask for the pack
    page.fill("#sf-pack-meeting", "Schools Forum")
    page.get_by_role("button", name="Download the pack (PDF)").click()
    # then they are on the job's page, which shows the steps as the worker takes them
    page.wait_for_url(re.compile(r".*/c/E\d{8}/jobs/[A-Za-z0-9_-]{32}$"))
    expect(page.locator("main h1")).to_have_text(re.compile(r"^The Schools Forum pack for "))
    state = page.locator("#job-state")
    expect(state).to_have_attribute("role", "status")
    expect(state).to_contain_text(
        re.compile(r"Drawing chart \d+ of 15|Printing the PDF"), timeout=120_000
    )
    # and, when it is made, the link to download it, and how long it is kept
    link = page.get_by_role("link", name=re.compile(r"^Download lfi-schools-forum-pack-"))
    expect(link).to_be_visible(timeout=180_000)
    expect(state).to_contain_text("an hour after it was made")
    screenshot(page, "page-job-finished")
    assert _axe_violations(page) == []
    assert page.console_errors == []
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("lfi-schools-forum-pack-") and saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    page.context.close()
