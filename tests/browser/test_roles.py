"""Each role through the browser, signed in through the sign-in page: a viewer reads but may not
upload; a finance officer uploads and confirms, the file loaded by their account; a programme
lead's commentary shows on the measure's page under their name. Each in Norfolk's pages."""

import re
from datetime import date
from pathlib import Path

import pytest

from domain.roles import Role
from services.demo import build_council_demo
from tests.browser.conftest import Server, screenshot, sign_in
from tests.councils import NORFOLK

pytestmark = pytest.mark.browser
at = Server.at

NOT_ALLOWED = re.compile(r"not allowed|permission|do not have access|does not allow", re.I)


@pytest.fixture(scope="module")
def autumn_2026(tmp_path_factory) -> Path:
    """An EHCP return for Autumn 2026, a term the demo data (up to Summer 2026) lacks."""
    files = dict(build_council_demo(NORFOLK, date(2027, 1, 10)))
    path = tmp_path_factory.mktemp("roles") / "ehcp-autumn-2026.xlsx"
    path.write_bytes(files["demo-ehcp-2026-autumn.xlsx"])
    return path


def _navigation(page) -> list[str]:
    return [
        text.strip() for text in page.locator('header nav[aria-label="Main"] a').all_inner_texts()
    ]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("main h1", timeout=20_000)
    page.wait_for_load_state("networkidle")


def test_rol001_a_viewer_reads_every_page_but_may_not_upload(server, page):
    sign_in(page, server, Role.VIEWER)
    page.wait_for_selector("#overview-table")
    header = page.locator("header").inner_text()
    assert f"Signed in as {server.email(Role.VIEWER)}" in header
    # the pages a viewer reads are in the navigation; uploading is not offered
    navigation = _navigation(page)
    assert "Overview" in navigation and "Submissions" in navigation
    assert not any(name.startswith("Upload") for name in navigation), navigation
    for path, selector in (
        ("/plan", "#plan-lines-table"),
        ("/measure/1", "#measure-table"),
        ("/submissions", "#submissions-table"),
    ):
        _open(page, server.url + at(path))
        assert page.locator(selector).count() == 1, path

    # the upload page, asked for by its address, says so and offers no file picker
    page.goto(server.url + at("/upload"))
    page.locator("h1", has_text=NOT_ALLOWED).first.wait_for(timeout=20_000)
    screenshot(page, "viewer-upload-not-allowed")
    assert NOT_ALLOWED.search(" ".join(page.locator("h1").all_inner_texts()))
    assert page.locator("input[type=file]").count() == 0
    # nor may a viewer write commentary: the form answers 403
    response = page.goto(f"{server.url}{at('/measure/1/commentary')}")
    assert response.status == 403
    assert page.locator("textarea").count() == 0


def test_rol002_a_finance_officer_uploads_and_the_file_is_loaded_by_their_account(
    fresh_server, page, autumn_2026
):
    email = fresh_server.email(Role.FINANCE_OFFICER)
    sign_in(page, fresh_server, Role.FINANCE_OFFICER, at("/upload"))
    page.wait_for_selector("#upload-workbook input[type=file]", state="attached")
    assert any(name.startswith("Upload") for name in _navigation(page))
    page.set_input_files("#upload-workbook input[type=file]", str(autumn_2026))
    page.wait_for_url(f"**{at('/upload')}/*")
    page.wait_for_selector("#upload-confirm")
    page.click("#upload-confirm")
    page.wait_for_url(f"**{at('/submissions')}?stored=*")
    page.wait_for_selector("#stored-banner")

    newest = page.locator("#submissions-table tbody tr").first.inner_text()
    assert "ehcp-autumn-2026.xlsx" in newest
    assert email in newest
    assert page.console_errors == []


def test_rol003_a_programme_leads_commentary_shows_on_the_measure_under_their_name(
    fresh_server, page
):
    url, email = fresh_server.url, fresh_server.email(Role.PROGRAMME_LEAD)
    sign_in(page, fresh_server, Role.PROGRAMME_LEAD, at("/measure/1"))
    page.wait_for_selector("#commentary")
    page.locator("#commentary").get_by_role("link", name=re.compile("Write or change")).click()
    page.wait_for_selector("#text")
    # no one types who they are: the commentary is written by the account signed in
    assert page.locator("#written_by").count() == 0
    page.fill("#text", "Caseload growth slowed this term as the new panel took effect.")
    page.get_by_role("button", name="Save the commentary").click()
    page.wait_for_url(f"{url}{at('/measure/1')}#commentary")
    page.wait_for_selector("#commentary blockquote")

    section = page.locator("#commentary")
    assert section.locator("blockquote").inner_text() == (
        "Caseload growth slowed this term as the new panel took effect."
    )
    assert section.locator(".source").inner_text().startswith(f"{email}, ")
    assert page.console_errors == []
