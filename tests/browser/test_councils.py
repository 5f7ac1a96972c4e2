"""Two councils in headless Chromium: the demo admin (a role in every council) switches between
them from the header with the keyboard, each council's pages name it, and the comparison sets
them side by side. Screenshots of each."""

import pytest

from tests.browser.conftest import Server, screenshot
from tests.web.conftest import DEVON_CODE

pytestmark = pytest.mark.browser

NORFOLK_HOME, DEVON_HOME = Server.at("/"), Server.at("/", DEVON_CODE)


@pytest.fixture
def page(admin_page):
    return admin_page


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("main h1", timeout=20_000)
    page.wait_for_load_state("networkidle")


def test_cou001_the_switcher_names_each_council_and_works_from_the_keyboard(server, page):
    # given Norfolk's overview
    _open(page, server.url + NORFOLK_HOME)
    switcher = page.get_by_role("navigation", name="Your councils")
    assert switcher.get_by_role("link").all_inner_texts() == ["Devon"]
    assert page.locator("#app-council-name").inner_text() == "Norfolk County Council"
    screenshot(page, "councils-switcher-norfolk")
    # when Devon's link is reached with Tab and followed with Enter
    link = switcher.get_by_role("link", name="Devon")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the switcher's link")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + DEVON_HOME)
    page.wait_for_selector("main h1")
    # then the whole page is Devon's: its header, its navigation and its programme
    assert page.locator("#app-council-name").inner_text() == "Devon"
    assert page.locator("main h1").inner_text() == (
        "Devon High Needs Recovery: is the programme on plan?"
    )
    hrefs = page.locator('header nav[aria-label="Main"] a').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs and all(h.startswith(f"/c/{DEVON_CODE}") for h in hrefs), hrefs
    assert "Norfolk" not in page.locator("main").inner_text()
    screenshot(page, "councils-devon-overview")
    assert page.console_errors == []


def test_cou002_the_comparison_sets_both_councils_side_by_side(server, page):
    _open(page, server.url + "/compare")
    screenshot(page, "councils-compare")
    rows = page.locator("#compare-deficit-table tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in rows] == ["Devon", "Norfolk County Council"]
    assert "£85.000m deficit" in rows[0] and "£11.803m deficit" in rows[1]
    # outside any council the header offers no council's pages, and links to each council
    assert page.get_by_role("navigation", name="Main").count() == 0
    page.locator("#compare-status-table").get_by_role("link", name="Devon").click()
    page.wait_for_url(server.url + DEVON_HOME)
    assert page.console_errors == []
