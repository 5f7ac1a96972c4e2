"""Every page in headless Chromium on the demo data, signed in as the admin who may open them
all: no console errors, no axe-core violations (WCAG 2.0 A and AA, 2.1 AA, 2.2 AA), reflow at
320 px, and a screenshot of each. Norfolk's pages, Devon's overview, and the comparison of both."""

import pytest
from playwright.sync_api import expect

from domain.roles import Role
from tests.browser.conftest import Server, new_page, screenshot
from tests.web.conftest import DEVON_CODE

pytestmark = pytest.mark.browser


@pytest.fixture
def page(admin_page):
    return admin_page


@pytest.fixture
def server_url(server) -> str:
    return server.url


at = Server.at
PAGES = {
    "overview": at("/"),
    "overview-filtered": at("/?category=EHCP&status=amber&sort=status"),
    "workstream-1": at("/workstream/1"),
    "workstream-2": at("/workstream/2"),
    "workstream-3": at("/workstream/3"),
    "workstream-4": at("/workstream/4"),
    "workstream-5": at("/workstream/5"),
    "schools-forum": at("/schools-forum"),
    "measure-1": at("/measure/1"),
    "measure-18": at("/measure/18"),
    "measure-1-superseded": at("/measure/1?superseded=show"),
    "plan": at("/plan"),
    "upload": at("/upload"),
    "submissions": at("/submissions"),
    "return": at("/return"),
    "return-june-2026": at("/return?round=june-2026"),
    "return-form": at("/return/september-2026/edit"),
    "commentary-form": at("/measure/1/commentary"),
    "audit": at("/audit"),
    "about": at("/about"),
    "accessibility": "/accessibility",
    "compare": "/compare",
    "devon-overview": at("/", DEVON_CODE),
    "devon-plan": at("/plan", DEVON_CODE),
    "devon-measure-4": at("/measure/4", DEVON_CODE),
    "not-found": "/no-such-page",
    "not-found-in-a-council": at("/no-such-page"),
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("main h1", timeout=20_000)
    # charts draw after the layout arrives
    page.wait_for_load_state("networkidle")
    if page.locator(".js-plotly-plot").count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("name", PAGES)
def test_pag001_every_page_opens_without_errors_and_passes_axe(server_url, page, name):
    _open(page, server_url + PAGES[name])
    screenshot(page, f"page-{name}")
    assert page.get_attribute("html", "lang") == "en-GB"
    assert page.title().endswith("Local First Inclusion")
    assert page.locator("main h1").count() == 1
    assert page.console_errors == []
    assert _axe_violations(page) == []


def _heading_levels(page) -> list[int]:
    return page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4", "hs => hs.map(h => Number(h.tagName[1]))"
    )


@pytest.mark.parametrize("name", ["overview", "workstream-4", "measure-1", "schools-forum"])
def test_pag002_headings_go_down_one_level_at_a_time(server_url, page, name):
    _open(page, server_url + PAGES[name])
    levels = _heading_levels(page)
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize(
    "name",
    ["overview", "measure-1", "upload", "submissions", "plan", "return", "return-form", "audit"],
)
def test_pag003_pages_reflow_at_320_pixels(server_url, browser, signed_in_state, name):
    page = new_page(browser, storage_state=signed_in_state(Role.ADMIN), width=320, height=640)
    context = page.context
    _open(page, server_url + PAGES[name])
    screenshot(page, f"reflow-320-{name}")
    # Nothing but the tables (which scroll in their own region) is wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert overflow <= 320


def test_pag004_every_chart_has_a_summary_and_its_figures_as_a_table(server_url, page):
    _open(page, server_url + at("/workstream/5"))
    charts = page.locator("figure.chart")
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("figcaption").inner_text().endswith(".")
        assert chart.locator("details table tbody tr").count() >= 1
    assert page.locator(".modebar").count() == 0


def test_pag005_filters_change_the_table_and_the_address(server_url, page):
    _open(page, server_url + at("/"))
    table = page.locator("#overview-table tbody tr")
    assert table.count() == 46
    page.get_by_role("group", name="Category").get_by_role("link", name="DSG").click()
    # waited for by locator: a predicate in a string would be evaluated, which the page's
    # content security policy refuses
    expect(page.locator("#overview-table tbody tr")).to_have_count(7)
    assert "category=DSG" in page.url
    labels = page.locator("#overview-table tbody th").all_inner_texts()
    assert labels[0].startswith("16. ") and labels[-1].startswith("22. ")
    page.get_by_role("group", name="Sort by").get_by_role(
        "link", name="Status, worst first"
    ).click()
    page.wait_for_url("**sort=status**")
    statuses = page.locator("#overview-table tbody tr td:nth-child(6)").all_inner_texts()
    rank = {"Red": 0, "Amber": 1, "Green": 2, "No status": 3}
    order = [rank[s.split(":")[0].lstrip("✕!✓– ").strip()] for s in statuses]
    assert order == sorted(order)
    # a shared link opens the same view
    page.goto(page.url)
    page.wait_for_selector("#overview-table")
    assert page.locator("#overview-table tbody tr").count() == 7
    assert page.console_errors == []


def test_pag006_status_counts_add_up_to_46_and_link_to_their_measures(server_url, page):
    _open(page, server_url + at("/"))
    numbers = [int(n) for n in page.locator(".count__number").all_inner_texts()]
    assert sum(numbers) == 46
    red = numbers[0]
    page.locator(".count--red").click()
    page.wait_for_url("**status=red**")
    # the address changes before the filtered table replaces the whole one: wait for it
    expect(page.locator("#overview-table tbody tr")).to_have_count(red)


def test_pag007_a_measure_leads_to_the_file_its_figures_came_from(server_url, page):
    _open(page, server_url + at("/"))
    page.get_by_role("link", name="1. Actual EHCPs").click()
    page.wait_for_url(f"**{at('/measure/1')}")
    page.wait_for_selector("#measure-table")
    last_row = page.locator("#measure-table tbody tr").last
    source = last_row.locator("a")
    file_name = source.inner_text()
    assert file_name.startswith("demo-ehcp-") and file_name.endswith(".xlsx")
    source.click()
    page.wait_for_url(f"**{at('/submissions')}#submission-*")
    page.wait_for_selector("#submissions-table")
    row = page.locator(f"#submissions-table tr:has(th:text-is('{file_name}'))")
    assert row.count() == 1
    assert "Current" in row.inner_text()


def _columns(page) -> dict:
    """The left and right edges of the header's, the main column's and the footer's content,
    and the tables wider than the region they scroll in."""
    return page.evaluate(
        """() => {
          const edges = s => { const e = document.querySelector(s), r = e.getBoundingClientRect(),
            c = getComputedStyle(e);
            return [Math.round(r.left + parseFloat(c.paddingLeft)),
                    Math.round(r.right - parseFloat(c.paddingRight))]; };
          const wide = [...document.querySelectorAll('main table')]
            .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
            .map(t => t.id || (t.caption ? t.caption.innerText.slice(0, 40) : '?'));
          return {header: edges('.app-header__inner'), main: edges('.app-main'),
                  footer: edges('.app-footer'), wide};
        }"""
    )


@pytest.mark.parametrize("name", ["overview", "plan", "measure-1", "devon-overview"])
def test_pag008_at_1366_pixels_the_page_lines_up_with_its_header_and_no_table_runs_off(
    server_url, browser, signed_in_state, name
):
    # the overview ran the full width of the screen under a centred header; the plan's measures
    # table ran 350 pixels past its column, hiding the forecast's status
    page = new_page(browser, storage_state=signed_in_state(Role.ADMIN), width=1366, height=900)
    _open(page, server_url + PAGES[name])
    found = _columns(page)
    page.context.close()
    assert found["main"] == found["header"] == found["footer"], found
    assert found["wide"] == [], found
