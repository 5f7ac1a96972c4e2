"""Norfolk's plan page in headless Chromium, served by the real command on the demo data, to a
viewer (who holds the role in both councils served)."""

import re

import pytest

from domain.roles import Role
from tests.browser.conftest import Server, new_page, screenshot

pytestmark = pytest.mark.browser
PLAN = Server.at("/plan")


@pytest.fixture
def page(browser, signed_in_state):
    page = new_page(browser, storage_state=signed_in_state(Role.VIEWER))
    yield page
    page.context.close()


@pytest.fixture
def server_url(server) -> str:
    return server.url


def test_pln001_the_plan_page_shows_its_charts_and_tables(server_url, page):
    page.goto(f"{server_url}{PLAN}")
    page.wait_for_selector("#plan-cumulative-graph .main-svg", timeout=20_000)
    page.wait_for_selector("#plan-in-year-graph .main-svg", timeout=20_000)
    screenshot(page, "plan")

    assert page.get_attribute("html", "lang") == "en-GB"
    assert page.title() == "DSG recovery plan, Norfolk - Local First Inclusion"
    # Each chart has its one-sentence summary and its data as a table, one row a year.
    # The demo forecast spends £11.8m more than the plan, whose own derived end is £0.003m
    # (the paper's rounding), so the forecast ends at £11.803m, £11.800m worse.
    # The demo's latest forecast is from the latest complete term, whichever that is today.
    summary = page.locator("#plan-cumulative-graph-summary").inner_text()
    # The latest outturn leads, then the forecast's end, in the future tense.
    assert re.fullmatch(
        r"The cumulative deficit after contributions was £[\d.]+m deficit at the end of "
        r"20\d\d-\d\d \(outturn\), £[\d.]+m worse than the plan of £[\d.]+m deficit; on the "
        r"(Autumn|Spring|Summer) 20\d\d forecast, the cumulative deficit after contributions is "
        r"forecast to be £11\.803m deficit at the end of 2028-29, £11\.800m worse than the plan "
        r"of £0\.003m deficit\.",
        summary,
    ), summary
    assert page.locator("#plan-cumulative-table tbody tr").count() == 7
    assert page.locator("#plan-in-year-table tbody tr").count() == 7
    first_row = page.locator("#plan-cumulative-table tbody tr").first.inner_text()
    assert first_row.split("\t")[:3] == ["2022-23", "£45.613m deficit", "£45.613m deficit"]
    # The plan, line by line: 16 lines and 5 derived rows.
    assert page.locator("#plan-lines-table tbody tr").count() == 21
    # The demo data is labelled as such, and the off-track end is stated in words.
    assert "Demo data." in page.locator(".notice--demo").inner_text()
    assert "Red: off track" in page.locator(".headline").inner_text()
    assert (
        "£11.800m worse than the plan of £0.003m deficit" in page.locator(".headline").inner_text()
    )
    # the demo forecast never brings the cumulative deficit to nil
    assert (
        "Projection: the cumulative deficit is not cleared by 2028-29."
        in page.locator(".headline").inner_text()
    )
    assert page.console_errors == []


def test_pln002_the_front_door_compares_the_councils_and_leads_to_each_ones_plan(server_url, page):
    # a viewer of two councils starts at the comparison
    page.goto(server_url)
    page.wait_for_selector("main h1")
    assert page.url == f"{server_url}/compare"
    assert page.locator("main h1").inner_text() == "Compare councils"
    # whose council names lead to each one's overview, and on to its plan
    page.locator("#compare-deficit-table").get_by_role(
        "link", name="Norfolk County Council"
    ).click()
    page.wait_for_url(f"{server_url}{Server.at('/')}")
    page.wait_for_selector("main h1")
    assert (
        page.locator("main h1").inner_text() == "Local First Inclusion: is the programme on plan?"
    )
    assert page.locator("#app-council-name").inner_text() == "Norfolk County Council"
    page.get_by_role("link", name="The financial plan, line by line").click()
    page.wait_for_url(f"**{PLAN}")
    page.wait_for_selector("#plan-lines-table")


def test_pln003_the_skip_link_moves_focus_to_the_main_content(server_url, page):
    page.goto(f"{server_url}{PLAN}")
    page.wait_for_selector("#plan-cumulative-graph .main-svg", timeout=20_000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_pln004_an_unknown_address_says_page_not_found(server_url, page):
    page.goto(f"{server_url}/no-such-page")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Page not found"
