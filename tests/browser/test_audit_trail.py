"""The audit trail shows every action of a browser session: a failed sign-in, sign-ins and
sign-outs, an upload, its check and confirmation, a download and a commentary, each under the
account that did it, as the command line reads them; an admin reads the council's own on its
audit page (signing in and out belongs to no council)."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from domain.roles import Role
from services.demo import build_council_demo
from tests.browser.conftest import Server, screenshot, sign_in
from tests.councils import NORFOLK, NORFOLK_CODE

pytestmark = pytest.mark.browser
at = Server.at

COMMENTARY = "Requests fell for a second term; the panel's decisions are on time."


@pytest.fixture(scope="module")
def autumn_2026(tmp_path_factory) -> Path:
    files = dict(build_council_demo(NORFOLK, date(2027, 1, 10)))
    path = tmp_path_factory.mktemp("audit") / "ehcp-autumn-2026.xlsx"
    path.write_bytes(files["demo-ehcp-2026-autumn.xlsx"])
    return path


def _trail(server) -> list[dict]:
    """Every event, oldest first, as ``lfi audit --format json`` prints it."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lfi"), "audit", "--all-councils", "--format", "json"],
        env={
            **os.environ,
            "LFI_DATABASE_URL": server.database_url,
            "LFI_COUNCILS_DIR": server.councils_dir,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(json.loads(done.stdout), key=lambda event: event["id"])


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in?signed=out")


def _session(page, server, workbook: Path) -> None:
    """What the test does, as three people, one after another in one browser."""
    finance = server.email(Role.FINANCE_OFFICER)
    # a mistyped password first
    page.goto(f"{server.url}/sign-in")
    page.fill("#email", finance)
    page.fill("#password", "not the password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("#error-summary")
    # (the refused form's answer, 400, is the one error the console may show)
    page.console_errors.clear()
    # the finance officer uploads a workbook, checks it and stores it
    sign_in(page, server, Role.FINANCE_OFFICER, at("/upload"))
    page.wait_for_selector("#upload-workbook input[type=file]", state="attached")
    page.set_input_files("#upload-workbook input[type=file]", str(workbook))
    page.wait_for_url(f"**{at('/upload')}/*")
    page.wait_for_selector("#upload-confirm")
    page.click("#upload-confirm")
    page.wait_for_selector("#stored-banner")
    # downloads a measure's figures
    page.goto(f"{server.url}{at('/measure/1')}")
    page.wait_for_selector("#measure-table")
    with page.expect_download() as download:
        page.locator(f"main a[href='{at('/download/table/measure-1.csv')}']").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    _sign_out(page)
    # the programme lead writes commentary
    sign_in(page, server, Role.PROGRAMME_LEAD, at("/measure/1/commentary"))
    page.fill("#text", COMMENTARY)
    page.get_by_role("button", name="Save the commentary").click()
    page.wait_for_selector("#commentary blockquote")
    _sign_out(page)
    # and the admin reads the trail
    sign_in(page, server, Role.ADMIN, at("/audit"))


def test_aud001_an_admin_sees_every_action_of_the_session_with_who_did_it(
    fresh_server, page, autumn_2026
):
    before = _trail(fresh_server)

    _session(page, fresh_server, autumn_2026)

    finance = fresh_server.email(Role.FINANCE_OFFICER)
    lead = fresh_server.email(Role.PROGRAMME_LEAD)
    admin = fresh_server.email(Role.ADMIN)
    events = [e for e in _trail(fresh_server) if e["id"] > max(e["id"] for e in before)]
    assert [(e["actor"], e["action"], e["outcome"]) for e in events] == [
        (finance, "sign_in", "failed"),
        (finance, "sign_in", "ok"),
        (finance, "upload", "ok"),
        (finance, "check", "ok"),
        (finance, "confirm", "ok"),
        (finance, "export", "ok"),
        (finance, "sign_out", "ok"),
        (lead, "sign_in", "ok"),
        (lead, "commentary", "ok"),
        (lead, "sign_out", "ok"),
        (admin, "sign_in", "ok"),
    ]
    # each from the browser's address, and naming what it was done to
    assert {e["address"] for e in events} == {"127.0.0.1"}
    targets = {e["action"]: e["target"] or "" for e in events}
    assert targets["upload"].startswith("ehcp-autumn-2026.xlsx")
    assert targets["check"] == targets["upload"]
    assert targets["confirm"].startswith("submission ")
    assert targets["export"].endswith("measure-1.csv")
    assert targets["commentary"] == "measure 1 period Autumn 2026"

    # what was done in Norfolk is Norfolk's; signing in and out is no council's
    norfolk = [e for e in events if e["council"] == NORFOLK_CODE]
    assert [e["action"] for e in norfolk] == ["upload", "check", "confirm", "export", "commentary"]
    assert {e["council"] for e in events if e not in norfolk} == {None}
    # the admin's page of Norfolk's trail shows Norfolk's, newest first, as the trail holds them
    page.wait_for_selector("#audit-table tbody tr")
    screenshot(page, "audit-after-a-session")
    rows = [
        tuple(cell.strip() for cell in row.split("\t"))
        for row in page.locator("#audit-table tbody tr").all_inner_texts()
    ]
    assert [row[1:5] for row in rows[: len(norfolk)]] == [
        (e["actor"], e["action"], e["outcome"], e["target"] or "–") for e in reversed(norfolk)
    ]
    assert page.console_errors == []
