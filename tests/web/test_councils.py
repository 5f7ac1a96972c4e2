"""One deployment, two councils (issue 12, point 3): the council is in the address, / and the old
addresses lead to the visitor's council, the frame switches between an account's councils, the
comparison sets side by side the councils a visitor may see, and no page of Devon's names
Norfolk.

Norfolk has its demo data: the demo forecast spends £11.8m more than the plan, whose own end is
£0.003m (the paper's rounding), so the balance after contributions ends 2028-29 at £11.803m,
£11.800m worse than plan (tests/browser/test_plan_page.py works it through). Devon, drafted from
the national lists with Norfolk's measures, has its own EHCP return and a plan worked by hand in
tests/web/conftest.py: £85.000m in 2028-29 against a plan of £64.000m."""

from __future__ import annotations

import json
import re

import pytest

from domain.roles import Role
from tests.councils import NORFOLK_CODE
from tests.routing import routing_request
from tests.signin import signed_in_client
from tests.web.conftest import (
    DEVON_CODE,
    DEVON_EMAIL,
    ehcp_workbook,
    load_into,
    make_app,
    norfolk_alone,
    two_council_app,
)

NORFOLK = f"/c/{NORFOLK_CODE}"
DEVON = f"/c/{DEVON_CODE}"
NORFOLK_ONLY = "norfolk.viewer@example.org"
DEVON_ADMIN = "devon.admin@example.org"
BOTH = "both.councils@example.org"
EVERYWHERE = "admin.everywhere@example.org"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    app = two_council_app(tmp_path_factory.mktemp("councils"), load_demo=True)
    # the rest of Devon's year 2025-26, so that its yearly new plans have an outturn, which the
    # published comparator goes with
    for term in ("Summer 2025", "Autumn 2025", "Spring 2026"):
        load_into(app, DEVON_CODE, ehcp_workbook(term, 67_000), f"devon-ehcp-{term}.xlsx")
    return app


@pytest.fixture(scope="module")
def clients(two):
    return {
        "norfolk": signed_in_client(two, Role.VIEWER, NORFOLK_ONLY),
        "devon": signed_in_client(two, Role.ADMIN, DEVON_ADMIN, council=DEVON_CODE),
        "both": signed_in_client(
            two, None, BOTH, roles={NORFOLK_CODE: Role.VIEWER, DEVON_CODE: Role.FINANCE_OFFICER}
        ),
        "everywhere": signed_in_client(two, Role.ADMIN, EVERYWHERE, council=None),
        "anonymous": signed_in_client(two, None),
    }


def _location(response) -> str | None:
    return response.headers.get("Location") if response.status_code == 302 else None


# ---- / and the old addresses --------------------------------------------------------------------


def test_cnc001_the_start_leads_to_the_visitors_council_or_to_the_comparison(clients):
    # one council each: its overview; several (or every one): the comparison; no one: sign in
    assert _location(clients["norfolk"].get("/")) == NORFOLK
    assert _location(clients["devon"].get("/")) == DEVON
    assert _location(clients["both"].get("/")) == "/compare"
    assert _location(clients["everywhere"].get("/")) == "/compare"
    assert _location(clients["anonymous"].get("/")) == "/sign-in?next=/"


def test_cnc002_old_addresses_lead_to_the_same_page_of_the_visitors_one_council(clients):
    norfolk, both = clients["norfolk"], clients["both"]
    assert _location(norfolk.get("/plan")) == f"{NORFOLK}/plan"
    assert _location(clients["devon"].get("/audit")) == f"{DEVON}/audit"
    assert _location(norfolk.get("/measure/3?superseded=show")) == (
        f"{NORFOLK}/measure/3?superseded=show"
    )
    assert _location(norfolk.get("/?status=red")) == f"{NORFOLK}?status=red"
    # with several councils there is no one page to go to: the comparison
    assert _location(both.get("/plan")) == "/compare"
    # an address that is no council's page, and the pages outside any council, stay
    for address in ("/no-such-page", "/compare", "/accessibility", "/404"):
        assert norfolk.get(address).status_code == 200, address


def test_cnc003_with_the_public_view_an_anonymous_visitor_starts_at_the_comparison(tmp_path):
    # given the public view, two councils, and then one
    two = make_app(tmp_path / "two", public_view=True, councils_dir=_with_devon(tmp_path))
    one = make_app(tmp_path / "one", public_view=True, councils_dir=norfolk_alone(tmp_path / "one"))
    # then / leads an anonymous visitor to the comparison of both, or the one council
    assert _location(two.server.test_client().get("/")) == "/compare"
    assert _location(one.server.test_client().get("/")) == NORFOLK
    assert _location(one.server.test_client().get("/plan")) == f"{NORFOLK}/plan"


def _with_devon(folder):
    from tests.web.conftest import councils_with_devon

    return councils_with_devon(folder)


# ---- the frame ------------------------------------------------------------------------------------


def _frame(client, page: str) -> dict:
    response = client.get("/_dash-layout", headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 200
    return response.get_json()


def _nodes(tree):
    if isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from _nodes(tree["props"].get("children"))


def _text(tree) -> str:
    if isinstance(tree, list):
        return "".join(_text(t) for t in tree)
    if isinstance(tree, dict):
        return _text(tree.get("props", {}).get("children"))
    return "" if tree is None else str(tree)


def _by_class(tree, name: str) -> list[dict]:
    return [n for n in _nodes(tree) if n["props"].get("className") == name]


def test_cnc004_an_account_of_two_councils_switches_with_plain_links(clients):
    # given the account with a role in each, on Devon's plan page
    frame = _frame(clients["both"], f"{DEVON}/plan")
    # then the header names Devon, its navigation is Devon's, with Devon's finance officer's
    # upload page, and the switcher is a labelled list: Devon marked as the page's council,
    # Norfolk a plain link to its overview; and the comparison is a plain link too
    name = next(n for n in _nodes(frame) if n["props"].get("id") == "app-council-name")
    assert _text(name) == "Devon"
    main = next(n for n in _nodes(frame) if n["props"].get("aria-label") == "Main")
    hrefs = [n["props"]["href"] for n in _nodes(main) if "href" in n["props"]]
    assert f"{DEVON}/upload" in hrefs and all(h.startswith(DEVON) for h in hrefs)
    (switcher,) = _by_class(frame, "app-councils")
    assert (switcher["type"], switcher["props"]["aria-label"]) == ("Nav", "Your councils")
    items = [n for n in _nodes(switcher) if n["type"] == "Li"]
    assert [_text(i) for i in items] == ["Devon (this council)", "Norfolk County Council"]
    current = next(n for n in _nodes(items[0]) if "aria-current" in n["props"])
    assert current["type"] == "Span" and current["props"]["aria-current"] == "page"
    link = next(n for n in _nodes(items[1]) if "href" in n["props"])
    assert (link["type"], link["props"]["href"]) == ("A", NORFOLK)
    compare = next(n for n in _nodes(frame) if n["props"].get("id") == "app-compare-link")
    assert (compare["type"], compare["props"]["href"]) == ("A", "/compare")
    # on Norfolk's pages the same account is Norfolk's viewer: no upload page there
    norfolk = _frame(clients["both"], f"{NORFOLK}/plan")
    assert f"{NORFOLK}/upload" not in json.dumps(norfolk)
    assert "Signed in as both.councils@example.org (Viewer)" in _text(
        _by_class(norfolk, "app-account")
    )


def test_cnc005_an_account_of_one_council_has_no_switcher_and_no_comparison_link(clients):
    frame = _frame(clients["norfolk"], f"{NORFOLK}/plan")
    assert _by_class(frame, "app-councils") == []
    assert "/compare" not in json.dumps(frame)
    # an administrator of every council switches among them all
    everywhere = _frame(clients["everywhere"], "/compare")
    (switcher,) = _by_class(everywhere, "app-councils")
    assert [_text(n) for n in _nodes(switcher) if n["type"] == "Li"] == [
        "Devon",
        "Norfolk County Council",
    ]


# ---- the comparison -------------------------------------------------------------------------------


def _compare(client) -> dict:
    response = client.post("/_dash-update-component", json=routing_request("/compare", None))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["_pages_content"]["children"]


def _table(page, table_id: str) -> tuple[list[str], list[list[str]]]:
    table = next(n for n in _nodes(page) if n["props"].get("id") == table_id)
    head = next(n for n in _nodes(table) if n["type"] == "Thead")
    body = next(n for n in _nodes(table) if n["type"] == "Tbody")
    headers = [_text(n) for n in _nodes(head) if n["type"] == "Th"]
    rows = [[_text(cell) for cell in row["props"]["children"]] for row in body["props"]["children"]]
    return headers, rows


def _caption(page, table_id: str) -> str:
    table = next(n for n in _nodes(page) if n["props"].get("id") == table_id)
    return _text(next(n for n in _nodes(table) if n["type"] == "Caption"))


def test_cnc006_the_comparison_sets_each_councils_deficit_against_its_plan(clients):
    page = _compare(clients["both"])
    headers, rows = _table(page, "compare-deficit-table")
    assert headers == [
        "Council",
        "Year and basis",
        "Balance",
        "Plan for that year",
        "Difference from plan",
        "Status",
    ]
    assert [row[0] for row in rows] == ["Devon", "Norfolk County Council"]
    devon, norfolk = rows
    assert devon[2:6] == [
        "£85.000m deficit",
        "£64.000m deficit",
        "£21.000m worse",
        "✕Red: off track",
    ]
    assert devon[1].startswith("2028-29 (forecast")
    assert norfolk[2:6] == [
        "£11.803m deficit",
        "£0.003m deficit",
        "£11.800m worse",
        "✕Red: off track",
    ]
    assert _caption(page, "compare-deficit-table") == (
        "Cumulative DSG balance after contributions, latest outturn or forecast against the plan "
        "for the same year"
    )
    # each council's name is a plain link to its overview, a whole page load
    links = {
        _text(n): n["props"]["href"]
        for n in _nodes(page)
        if n["type"] == "A" and "href" in n["props"]
    }
    assert links["Devon"] == DEVON and links["Norfolk County Council"] == NORFOLK


def _overview_counts(client, page: str) -> dict[str, int]:
    """The overview's status counts, as its page shows them: {status class: number}."""
    response = client.post("/_dash-update-component", json=routing_request(page, None))
    content = response.get_json()["response"]["_pages_content"]["children"]
    counts = next(n for n in _nodes(content) if n["props"].get("id") == "overview-counts")
    found = {}
    for item in _nodes(counts):
        if item["type"] == "Link":
            number = next(n for n in _nodes(item) if n["props"].get("className") == "count__number")
            word = next(
                n
                for n in _nodes(item)
                if str(n["props"].get("className", "")).startswith("status ")
            )
            found[_text(word).split(":")[0].lstrip("✓!✕–")] = int(_text(number))
    return found


def test_cnc007_the_comparison_counts_statuses_as_each_overview_does(clients):
    client = clients["both"]
    headers, rows = _table(_compare(client), "compare-status-table")
    assert headers[:5] == [
        "Council",
        "Measures",
        "Red (off track)",
        "Amber (at risk)",
        "Green (on track)",
    ]
    for row, page in zip(rows, (DEVON, NORFOLK), strict=True):
        counts = dict(zip([h.split(" (")[0] for h in headers[2:]], map(int, row[2:]), strict=True))
        # both councils track Norfolk's 46 measures, every one counted once
        assert row[1] == "46" and sum(counts.values()) == 46
        shown = _overview_counts(client, page)
        assert {k: v for k, v in counts.items() if k in shown or v} == shown


def test_cnc008_the_comparison_sets_the_published_figures_and_quartiles_side_by_side(clients):
    page = _compare(clients["both"])
    headers, rows = _table(page, "compare-published-table")
    # the published figures the councils' measures 4, 3 and 2 are compared on, one column each,
    # whatever each council calls its measure
    assert headers == [
        "Council",
        "New EHC plans per 1,000 plans",
        "Net growth in EHC plans per 1,000 plans",
        "Net growth in EHC plans as a share",
    ]
    devon, norfolk = rows
    # new plans in 2024 per 1,000 plans maintained in January 2025, as SEN2 publishes them:
    # Devon 1,399 / 9,848 = 142.06, quartile 2; Norfolk 2,031 / 12,147 = 167.20, quartile 3
    # (tests/kpis/test_comparators.py counts the councils below each), both on measure 4
    assert devon[1] == "142.1 per 1,000 plans maintained; quartile 2 of 4 (measure 4)"
    assert norfolk[1] == "167.2 per 1,000 plans maintained; quartile 3 of 4 (measure 4)"
    # what the figure is, and when, said once beneath the table
    bases = next(n for n in _nodes(page) if n["props"].get("id") == "compare-published-bases")
    assert (
        "New EHC plans per 1,000 plans: new EHC plans issued in 2024 per 1,000 plans maintained "
        "at January 2025; calendar year 2024; plans maintained at January 2025."
    ) in [_text(n) for n in _nodes(bases) if n["type"] == "Li"]


def test_cnc009_the_comparison_shows_only_the_councils_a_visitor_may_see(clients):
    # Norfolk's viewer: Norfolk alone, and nothing of Devon's
    page = _compare(clients["norfolk"])
    _headers, rows = _table(page, "compare-deficit-table")
    assert [row[0] for row in rows] == ["Norfolk County Council"]
    assert "Devon" not in json.dumps(page) and "85.000" not in json.dumps(page)
    # an administrator of every council: both; Devon's admin: Devon alone
    _headers, rows = _table(_compare(clients["everywhere"]), "compare-deficit-table")
    assert [row[0] for row in rows] == ["Devon", "Norfolk County Council"]
    _headers, rows = _table(_compare(clients["devon"]), "compare-deficit-table")
    assert [row[0] for row in rows] == ["Devon"]


def test_cnc010_the_comparison_says_whose_figures_are_demo_data(clients):
    page = _compare(clients["both"])
    notice = next(n for n in _nodes(page) if n["props"].get("className") == "notice notice--demo")
    # Norfolk's figures are its demo data set; Devon's are its own uploads
    assert "The figures of Norfolk County Council are loaded to show" in _text(notice)
    assert "Devon" not in _text(notice)
    # and it is an ordinary page: one h1, tables with captions
    assert [_text(n) for n in _nodes(page) if n["type"] == "H1"] == ["Compare councils"]
    assert sum(1 for n in _nodes(page) if n["type"] == "Caption") == 3


def test_cnc011_the_public_view_compares_every_council_with_small_counts_withheld(tmp_path):
    # given the public view and both councils, Norfolk with its demo data
    app = two_council_app(tmp_path, public_view=True, load_demo=True)
    anonymous = signed_in_client(app, None)
    anonymous.get("/sign-in")
    page = json.dumps(_compare(anonymous))
    # then both are compared, and the counts include the withheld ones
    assert "Devon" in page and "Norfolk County Council" in page
    assert "Withheld" in page


# ---- the accessibility statement, and nothing of Norfolk's on Devon's pages ------------------


def test_cnc012_the_accessibility_statement_lists_each_council_with_its_contact(clients):
    response = clients["anonymous"].post(
        "/_dash-update-component", json=routing_request("/accessibility", None)
    )
    content = response.get_json()["response"]["_pages_content"]["children"]
    contacts = next(n for n in _nodes(content) if n["props"].get("id") == "accessibility-contacts")
    assert [_text(n) for n in _nodes(contacts) if n["type"] == "Li"] == [
        f"Devon: High needs programme team, {DEVON_EMAIL}",
        "Norfolk County Council: Local First Inclusion programme team, LFI@norfolk.gov.uk",
    ]
    mails = [n["props"]["href"] for n in _nodes(contacts) if n["type"] == "A"]
    assert mails == [f"mailto:{DEVON_EMAIL}", "mailto:LFI@norfolk.gov.uk"]


# What a page of Devon's may say of Norfolk: its name among Devon's statistical neighbours, a
# public fact the comparator names (kpis/comparators.py).
NEIGHBOURS = re.compile(r"(Neighbours averaged|Left out, no figure published)[^.]*\.")


def _devon_pages() -> list[str]:
    import dash

    return [
        page["path_template"]
        .replace("<council>", DEVON_CODE)
        .replace("<ref>", "1")
        .replace("<number>", "1")
        .replace("<token>", "abc")
        for page in dash.page_registry.values()
        if (page.get("path_template") or "").startswith("/c/<council>")
    ]


def test_cnc013_no_page_served_for_devon_mentions_norfolk(two, clients):
    # given Devon's admin, who may open every page of Devon's
    client = clients["devon"]
    pages = _devon_pages() + [f"{DEVON}/measure/{ref}" for ref in range(2, 47)]
    for path in pages:
        response = client.post("/_dash-update-component", json=routing_request(path, None))
        assert response.status_code == 200, path
        text = NEIGHBOURS.sub("", response.get_data(as_text=True))
        # then no page names Norfolk, its programme, its paper or its contact
        for word in ("Norfolk", "Local First Inclusion:", "17 May 2023", "norfolk.gov.uk"):
            assert word not in text, (path, word)
    frame = json.dumps(_frame(client, DEVON))
    assert "Norfolk" not in frame
    # and Devon's overview says Devon's programme
    response = client.post("/_dash-update-component", json=routing_request(DEVON, None))
    content = response.get_json()["response"]["_pages_content"]["children"]
    h1 = next(n for n in _nodes(content) if n["type"] == "H1")
    assert _text(h1) == "Devon High Needs Recovery: is the programme on plan?"


def test_cnc014_a_workbook_loaded_into_one_council_changes_no_other(two, clients):
    # given Devon's measures table as its admin reads it
    client = clients["devon"]
    before = client.get(f"{DEVON}/download/table/measures.csv").get_data(as_text=True)
    # when another EHCP return is loaded into Norfolk
    load_into(two, NORFOLK_CODE, ehcp_workbook("Autumn 2026", 13_579), "norfolk-autumn.xlsx")
    # then Devon's table is as it was, and Norfolk's viewer sees the new figure
    assert client.get(f"{DEVON}/download/table/measures.csv").get_data(as_text=True) == before
    table = clients["norfolk"].get(f"{NORFOLK}/download/table/measures.csv").get_data(as_text=True)
    assert "13579" in table


def test_cnc015_the_council_pages_templates_do_not_take_each_others_addresses(two):
    # Dash matches templates in registry order, <council> spanning slashes: each council page's
    # address is routed to its own page, and the overview's /c/<council> takes only its own
    from dash._pages import _path_to_page

    expected = {
        f"c/{DEVON_CODE}": ("layouts.overview", {"council": DEVON_CODE}),
        f"c/{DEVON_CODE}/plan": ("layouts.plan", {"council": DEVON_CODE}),
        f"c/{DEVON_CODE}/measure/7": ("layouts.measure", {"council": DEVON_CODE, "ref": "7"}),
        f"c/{DEVON_CODE}/upload": ("layouts.upload", {"council": DEVON_CODE}),
        f"c/{DEVON_CODE}/upload/tok": (
            "layouts.upload_check",
            {"council": DEVON_CODE, "token": "tok"},
        ),
        f"c/{DEVON_CODE}/workstream/2": (
            "layouts.workstream",
            {"council": DEVON_CODE, "number": "2"},
        ),
        f"c/{DEVON_CODE}/audit": ("layouts.audit", {"council": DEVON_CODE}),
        "compare": ("layouts.compare", None),
    }
    for path, (module, variables) in expected.items():
        page, found = _path_to_page(path)
        assert (page["module"], found) == (module, variables), path
    # an unknown page under a council reaches the overview's layout only as a council it is not,
    # which it answers as not found
    page, found = _path_to_page(f"c/{DEVON_CODE}/no-such-page")
    assert page["module"] == "layouts.overview" and found == {
        "council": f"{DEVON_CODE}/no-such-page"
    }
    anyone = signed_in_client(two, Role.VIEWER, "unknown.page@example.org")
    response = anyone.post(
        "/_dash-update-component", json=routing_request(f"{NORFOLK}/no-such-page", None)
    )
    assert response.status_code == 200 and "Page not found" in response.get_data(as_text=True)


def test_cnc016_the_page_of_an_address_the_layout_is_not_given_is_not_found(two):
    # a query's ?council= replaces the address's own in the layout's arguments: not found
    client = signed_in_client(two, Role.VIEWER, "query.council@example.org")
    body = routing_request(NORFOLK, None)
    body["inputs"][1]["value"] = f"?council={DEVON_CODE}"
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Page not found" in text and "Devon" not in text
