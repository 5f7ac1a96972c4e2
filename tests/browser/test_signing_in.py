"""Signing in and out in headless Chromium: a stranger gets the sign-in page at every address;
a wrong password is named in the GOV.UK error summary; signing out leaves nothing to go back to."""

import pytest

from domain.roles import Role
from tests.browser.conftest import Server, screenshot, sign_in
from tests.browser.test_pages import PAGES, WCAG_TAGS

pytestmark = pytest.mark.browser
at = Server.at

SIGN_IN_TITLE = "Sign in - Local First Inclusion"


# The accessibility statement is open to anyone: the sign-in page links to it.
OPEN_TO_ANYONE = "/accessibility"


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def _is_sign_in_page(page) -> bool:
    return (
        page.title() == SIGN_IN_TITLE
        and page.locator("h1").all_inner_texts() == ["Sign in"]
        and page.locator("#email").count() == 1
        and page.locator("#password").count() == 1
    )


def test_sgn001_a_stranger_gets_the_sign_in_page_at_every_address(server, page):
    for name, path in PAGES.items():
        if path == OPEN_TO_ANYONE:
            continue
        page.goto(server.url + path)
        page.wait_for_selector("h1")
        # the page asked for, and nothing of it: no navigation, no figures, no tables
        assert page.url.startswith(f"{server.url}/sign-in?next="), (name, page.url)
        assert _is_sign_in_page(page), name
        assert page.locator("nav, table, .js-plotly-plot").count() == 0, name
    screenshot(page, "sign-in")
    assert _axe_violations(page) == []
    assert page.console_errors == []


def test_sgn006_the_accessibility_statement_the_sign_in_page_links_to_opens_for_a_stranger(
    server, page
):
    page.goto(f"{server.url}/sign-in")
    page.get_by_role("link", name="Accessibility statement").click()
    page.wait_for_selector("h1")
    assert page.url == f"{server.url}{OPEN_TO_ANYONE}"
    assert page.locator("h1").all_inner_texts() == [
        "Accessibility statement for the Local First Inclusion KPI dashboard"
    ]
    # the frame offers signing in, and no page a stranger may not open
    assert page.get_by_role("link", name="Sign in").count() == 1
    assert page.locator("nav a").all_inner_texts() == []
    assert page.console_errors == []


def test_sgn002_signing_in_opens_the_page_first_asked_for(server, page):
    page.goto(f"{server.url}{at('/measure/18')}")
    page.wait_for_selector("#email")
    page.fill("#email", server.email(Role.VIEWER))
    page.fill("#password", server.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{server.url}{at('/measure/18')}")
    page.wait_for_selector("#measure-table")
    assert page.locator("main h1").inner_text().startswith("18. ")


def test_sgn003_a_wrong_password_is_named_in_the_error_summary(server, page):
    page.goto(f"{server.url}/sign-in")
    page.fill("#email", server.email(Role.VIEWER))
    page.fill("#password", "not the password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("#error-summary")
    screenshot(page, "sign-in-error")

    assert page.title() == f"Error: {SIGN_IN_TITLE}"
    summary = page.locator("#error-summary")
    assert summary.locator("h2").inner_text() == "There is a problem"
    # one message, which never says whether the account exists, linked to the field
    link = summary.locator("a")
    assert link.count() == 1
    assert link.inner_text() == "Enter a correct e-mail address and password"
    assert link.get_attribute("href") == "#email"
    assert (
        page.locator("#email-error")
        .inner_text()
        .endswith("Enter a correct e-mail address and password")
    )
    assert page.get_attribute("#email", "aria-invalid") == "true"
    # the address is kept, the password is not
    assert page.input_value("#email") == server.email(Role.VIEWER)
    assert page.input_value("#password") == ""
    # the summary has focus, so a screen reader reads it first
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert _axe_violations(page) == []
    # and it is still a sign-in page: nothing is shown
    assert page.locator("nav, table").count() == 0


def test_sgn004_an_empty_form_names_both_fields(server, page):
    page.goto(f"{server.url}/sign-in")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("#error-summary")

    assert page.locator("#error-summary a").all_inner_texts() == [
        "Enter your e-mail address",
        "Enter your password",
    ]
    assert [a.get_attribute("href") for a in page.locator("#error-summary a").all()] == [
        "#email",
        "#password",
    ]


def test_sgn005_signing_out_leaves_nothing_to_go_back_to(server, page):
    sign_in(page, server, Role.VIEWER, at("/plan"))
    page.wait_for_selector("#plan-lines-table")
    assert page.get_by_text(f"Signed in as {server.email(Role.VIEWER)}").count() == 1

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server.url}/sign-in?signed=out")
    assert _is_sign_in_page(page)
    assert "You have signed out." in page.locator("main").inner_text()

    # Back shows the sign-in page again, not the plan from the browser's cache
    page.go_back()
    page.wait_for_selector("h1")
    assert _is_sign_in_page(page), page.url
    assert page.locator("#plan-lines-table, table").count() == 0
    page.reload()
    page.wait_for_selector("h1")
    assert _is_sign_in_page(page), page.url
    assert page.locator("table").count() == 0
    # and the old session cookie, sent again, opens nothing
    page.goto(f"{server.url}{at('/plan')}")
    page.wait_for_selector("h1")
    assert _is_sign_in_page(page)
