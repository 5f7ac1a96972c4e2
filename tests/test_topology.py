"""The production set-up of the README, started on this machine (issue 13, point 7): two app
servers (lfi serve, two gunicorn workers each) behind a load balancer that sends each request to
the next server in turn, one job worker (lfi worker), PostgreSQL and Redis. A finance officer
signs in and uploads a return, and the programme lead asks for the Schools Forum pack, which the
worker prints: every step crosses both servers, so nothing may live in one of them alone."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.demo import build_council_demo
from settings import Settings
from tests.app_servers import AppServer
from tests.browser.conftest import new_page, screenshot
from tests.cli import lfi_runner
from tests.conftest import _reset_postgres
from tests.councils import COUNCILS_DIR, NORFOLK, NORFOLK_CODE
from tests.round_robin import RoundRobin
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "plaid marble kettle orbit"
OFFICER, LEAD = "officer@example.org", "lead@example.org"
HOME = f"/c/{NORFOLK_CODE}"


@pytest.fixture
def deployment(tmp_path, postgres_server_url, own_redis):
    """Norfolk's demo data on PostgreSQL, two app servers and a worker on Redis, and the load
    balancer in front; its address."""
    _reset_postgres(postgres_server_url)
    councils = tmp_path / "councils"
    shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, councils / NORFOLK_CODE)
    settings = {
        "LFI_DATABASE_URL": postgres_server_url,
        "LFI_COUNCILS_DIR": str(councils),
        "LFI_REDIS_URL": own_redis.url,
        "LFI_WORKERS": "2",
    }
    lfi = lfi_runner(tmp_path, **settings)
    for command in (
        ("demo",),
        ("user", "add", OFFICER, "--role", "finance_officer", "--password-stdin"),
        ("user", "add", LEAD, "--role", "programme_lead", "--password-stdin"),
    ):
        done = lfi(*command, stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    servers = [AppServer(tmp_path, **settings).start() for _ in range(2)]
    worker = WorkerProcess(
        Settings(
            database_url=postgres_server_url,
            host="127.0.0.1",
            port=0,
            debug=False,
            load_demo=False,
            max_upload_mb=20,
            councils_dir=councils,
            redis_url=own_redis.url,
        ),
        tmp_path,
    )
    balancer = RoundRobin([s.port for s in servers]).start()
    yield balancer
    balancer.stop()
    worker.stop()
    for server in servers:
        server.stop()


def _sign_in(page, url: str, email: str, path: str) -> None:
    page.goto(f"{url}/sign-in?next={path}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{url}{path}")


def test_top001_sign_in_upload_and_pack_across_two_servers_a_worker_postgres_and_redis(
    deployment, browser, tmp_path
):
    url = deployment.url
    autumn = tmp_path / "ehcp-autumn-2026.xlsx"
    autumn.write_bytes(
        dict(build_council_demo(NORFOLK, date(2027, 1, 10)))["demo-ehcp-2026-autumn.xlsx"]
    )
    # the finance officer signs in and uploads the Autumn 2026 return, then confirms it
    page = new_page(browser)
    _sign_in(page, url, OFFICER, f"{HOME}/upload")
    page.wait_for_selector("#upload-workbook input[type=file]", state="attached")
    page.set_input_files("#upload-workbook input[type=file]", str(autumn))
    page.wait_for_url(f"**{HOME}/upload/*")
    expect(page.locator("#upload-changes")).to_contain_text("Autumn 2026")
    page.click("#upload-confirm")
    page.wait_for_url(f"**{HOME}/submissions?stored=*")
    expect(page.locator("#stored-banner")).to_contain_text("ehcp-autumn-2026.xlsx")
    newest = page.locator("#submissions-table tbody tr").first
    expect(newest).to_contain_text(OFFICER)
    assert page.console_errors == []
    page.context.close()
    # the programme lead asks for the pack, which the worker prints, and downloads it
    page = new_page(browser)
    _sign_in(page, url, LEAD, f"{HOME}/schools-forum")
    page.fill("#sf-pack-meeting", "Schools Forum")
    page.get_by_role("button", name="Download the pack (PDF)").click()
    page.wait_for_url(re.compile(r".*/c/E\d{8}/jobs/[A-Za-z0-9_-]{32}$"))
    link = page.get_by_role("link", name=re.compile(r"^Download lfi-schools-forum-pack-"))
    expect(link).to_be_visible(timeout=240_000)
    screenshot(page, "topology-pack-ready")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "lfi-schools-forum-pack-autumn-2026.pdf"  # the term just uploaded
    text = subprocess.run(
        ["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Autumn 2026" in text and "Schools Forum" in text
    assert page.console_errors == []
    page.context.close()
    # every step crossed both servers
    assert len(deployment.served) == 2 and min(deployment.served.values()) >= 10


def test_top002_the_readme_describes_this_set_up():
    """The README's production set-up names what this test starts, with its settings."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Production set-up", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "lfi serve",
        "lfi worker",
        "LFI_REDIS_URL",
        "LFI_DATABASE_URL",
        "LFI_TRUSTED_PROXIES",
        "/readyz",
        "PostgreSQL",
        "Redis",
    ):
        assert needed in section, needed
