"""Uploading through the browser, signed in as the demo finance officer: a good workbook is
stored, loaded by their account, and shows on the overview; a bad one shows its errors and
changes nothing; the whole journey works from the keyboard."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from domain.roles import Role
from services.demo import build_council_demo
from tests.browser.conftest import Server, screenshot, sign_in
from tests.councils import NORFOLK

pytestmark = pytest.mark.browser
at = Server.at

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def autumn_2026(tmp_path_factory) -> Path:
    """An EHCP return for Autumn 2026, a term the demo data (up to Summer 2026) lacks."""
    files = dict(build_council_demo(NORFOLK, date(2027, 1, 10)))
    path = tmp_path_factory.mktemp("upload") / "ehcp-autumn-2026.xlsx"
    path.write_bytes(files["demo-ehcp-2026-autumn.xlsx"])
    return path


def _caseload(path: Path) -> int:
    sheet = openpyxl.load_workbook(path)["Activity"]
    row = next(
        r for r in sheet.iter_rows() if r[0].value == "EHC plans maintained at the end of the term"
    )
    return row[1].value


def _figures_typed(path: Path) -> int:
    """The Activity sheet's counts that are filled in."""
    sheet = openpyxl.load_workbook(path)["Activity"]
    return sum(1 for row in sheet.iter_rows(min_row=5) if row[0].value and row[1].value is not None)


def _submission_count(page, url: str) -> int:
    page.goto(f"{url}{at('/submissions')}")
    page.wait_for_selector("#submissions-table")
    return page.locator("#submissions-table tbody tr").count()


def test_upl001_a_good_workbook_is_stored_and_shows_on_the_overview(
    fresh_server, page, autumn_2026
):
    url = fresh_server.url
    sign_in(page, fresh_server, Role.FINANCE_OFFICER)
    before = _submission_count(page, url)
    page.goto(f"{url}{at('/upload')}")
    page.wait_for_selector("#upload-workbook input[type=file]", state="attached")
    page.set_input_files("#upload-workbook input[type=file]", str(autumn_2026))
    page.wait_for_url(f"**{at('/upload')}/*")
    page.wait_for_selector("#upload-changes")
    screenshot(page, "upload-check-good")
    assert page.title() == "Check your workbook - Local First Inclusion"
    changes = page.locator("#upload-changes tbody").inner_text()
    caseload = f"{_caseload(autumn_2026):,}"
    assert "1. Actual EHCPs" in changes and "Autumn 2026" in changes and caseload in changes
    # the caseload now is the previous term's, labelled with its term; every figure its basis
    first = page.locator("#upload-changes tbody tr").first.inner_text()
    assert "Summer 2026, outturn" in first and "Autumn 2026, outturn" in first
    assert (
        f"Activity: {_figures_typed(autumn_2026)} figures"
        in page.locator(".summary-list").inner_text()
    )
    # the yearly sums wait for Spring 2027, the year's last term
    waiting = page.locator("#upload-waiting tbody").inner_text()
    assert "4. New EHCPs" in waiting and "Spring 2027" in waiting
    # nothing is stored before the confirmation
    assert _submission_count(page, url) == before
    page.go_back()
    page.wait_for_selector("#upload-confirm")
    # no one types who they are: the file is loaded by the account signed in
    assert page.locator("#upload-name").count() == 0
    page.click("#upload-confirm")
    page.wait_for_url(f"**{at('/submissions')}?stored=*")
    page.wait_for_selector("#stored-banner")
    screenshot(page, "upload-stored")
    assert "ehcp-autumn-2026.xlsx" in page.locator("#stored-banner").inner_text()
    assert page.locator("#submissions-table tbody tr").count() == before + 1
    newest = page.locator("#submissions-table tbody tr").first.inner_text()
    assert "finance@demo.example.org" in newest
    page.goto(f"{url}{at('/')}")
    page.wait_for_selector("#overview-table")
    first = page.locator("#overview-table tbody tr").first.inner_text().split("\t")
    # the overview leads with the latest outturn, now this term's
    assert first[:3] == ["1. Actual EHCPs", caseload, "Autumn 2026 (outturn)"]
    assert page.console_errors == []


def test_upl002_a_bad_workbook_shows_its_errors_and_changes_nothing(fresh_server, page):
    url = fresh_server.url
    sign_in(page, fresh_server, Role.FINANCE_OFFICER)
    before = _submission_count(page, url)
    page.goto(f"{url}{at('/upload')}")
    page.wait_for_selector("#upload-workbook input[type=file]", state="attached")
    page.set_input_files(
        "#upload-workbook input[type=file]", str(FIXTURES / "ehcp-negative-count.xlsx")
    )
    page.wait_for_url(f"**{at('/upload')}/*")
    page.wait_for_selector("#error-summary")
    screenshot(page, "upload-check-bad")
    assert page.title().startswith("Error: ")
    summary = page.locator("#error-summary")
    assert summary.locator("h2").inner_text() == "There is a problem"
    links = summary.locator("a")
    assert links.count() >= 1
    # the summary has focus, and each error links to its row in the report
    assert page.evaluate("document.activeElement.id") == "error-summary"
    target = links.first.get_attribute("href")
    assert page.locator(target).count() == 1
    assert "Error" in page.locator(target).inner_text()
    assert "negative" in page.locator(target).inner_text().lower()
    assert _submission_count(page, url) == before
    assert page.console_errors == []


def test_upl003_the_upload_journey_works_from_the_keyboard(fresh_server, page, autumn_2026):
    url = fresh_server.url
    sign_in(page, fresh_server, Role.FINANCE_OFFICER)
    # Listen for the file chooser from the start: Chromium hands it to the test only once the
    # listener is in place, and setting one up at the key press can lose the race.
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(f"{url}{at('/upload')}")
    page.wait_for_selector("#upload-workbook input[type=file][aria-labelledby]", state="attached")
    page.wait_for_load_state("networkidle")
    # Tab through the page until the file picker has focus, then open it with Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "file":
            break
    else:
        pytest.fail("the file picker cannot be reached with the Tab key")
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == "upload-label"
    page.keyboard.press("Enter")
    for _ in range(100):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Enter on the file picker opened no file chooser"
    choosers[0].set_files(str(autumn_2026))
    page.wait_for_url(f"**{at('/upload')}/*")
    page.wait_for_selector("#upload-confirm")
    _tab_to(page, "upload-confirm")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{at('/submissions')}?stored=*")
    page.wait_for_selector("#stored-banner")
    newest = page.locator("#submissions-table tbody tr").first.inner_text()
    assert "ehcp-autumn-2026.xlsx" in newest and "finance@demo.example.org" in newest


def _tab_to(page, element_id: str) -> None:
    for _ in range(60):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")
