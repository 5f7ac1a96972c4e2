"""The frame each person is shown (who is signed in, the sign-out button, the pages their role
reaches), and the public view an anonymous visitor reads when LFI_PUBLIC_VIEW is on: figures
under disclosure control, no commentary, no submissions, no uploads, no downloads.

On the demo data, the average cost of new independent placements under 16 (measure 36) in
Summer 2026 is £84,374 over one placement, £22,374 worse than its £62,000 target: with the
default threshold of 4 the public view shows it as [c]."""

from __future__ import annotations

import json

import pytest
from dash import html

from domain.roles import Role
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on, request_as
from tests.layouts.test_static_pages import text_of, walk
from tests.routing import council_address as at
from tests.routing import routing_request
from tests.signin import signed_in_client

PUBLIC_PAGES = ["Overview", "Workstreams", "Financial plan", "About"]
VIEWER_PAGES = [
    "Overview",
    "Workstreams",
    "Schools Forum",
    "Financial plan",
    "Submissions",
    "DfE return",
    "About",
]
UPLOADER_PAGES = VIEWER_PAGES[:4] + ["Upload"] + VIEWER_PAGES[4:]
ADMIN_PAGES = UPLOADER_PAGES[:7] + ["Audit trail", "About"]
FIGURE_36 = "£84,374"
DIFFERENCE_36 = "£22,374 worse"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("public-view"), load_demo=True, public_view=True)


def _layout(client, page: str | None = at("/")) -> dict:
    """The frame Dash asks for from ``page`` (Norfolk's overview unless named; None: a page
    that sends no address), which the guard reads from the Referer."""
    headers = {"Referer": f"http://localhost{page}"} if page else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def _nodes(tree):
    """Every component in Dash's JSON of a layout, parents first."""
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


def _navigation(layout: dict) -> list[str]:
    nav = next(n for n in _nodes(layout) if n["type"] == "Nav")
    return [_text(n) for n in _nodes(nav) if n["type"] == "Link"]


def _account(layout: dict) -> dict:
    return next(n for n in _nodes(layout) if n["props"].get("className") == "app-account")


@pytest.mark.parametrize(
    "role, pages",
    [
        (Role.VIEWER, VIEWER_PAGES),
        (Role.FINANCE_OFFICER, UPLOADER_PAGES),
        (Role.PROGRAMME_LEAD, UPLOADER_PAGES),
        (Role.ADMIN, ADMIN_PAGES),
    ],
)
def test_frame001_each_role_is_offered_the_pages_it_may_open(app, role, pages):
    layout = _layout(signed_in_client(app, role))
    assert _navigation(layout) == pages
    # the landmarks and the skip link stay
    types = [n["type"] for n in _nodes(layout)]
    assert {"Header", "Nav", "Main", "Footer"} <= set(types)
    assert _text(next(n for n in _nodes(layout) if n["type"] == "A")) == "Skip to main content"


def test_frame002_the_header_says_who_is_signed_in_and_signs_them_out(app):
    client = signed_in_client(app, Role.FINANCE_OFFICER)
    account = _account(_layout(client))
    assert _text(account).startswith("Signed in as finance.officer@example.org (Finance officer)")
    form = next(n for n in _nodes(account) if n["type"] == "Form")
    assert (form["props"]["method"], form["props"]["action"]) == ("POST", "/sign-out")
    hidden = next(n for n in _nodes(form) if n["type"] == "Input")["props"]
    assert (hidden["type"], hidden["name"]) == ("hidden", "csrf_token")
    # the form's own token signs out, without the header the renderer would add
    client.delete_cookie("_csrf_token")
    response = client.post("/sign-out", data={"csrf_token": hidden["value"]})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?signed=out"
    # now anonymous: the public frame, with a way to sign in
    account = _account(_layout(client))
    assert _text(account) == "Sign in"


def test_frame003_an_anonymous_visitor_sees_only_the_public_pages_and_a_sign_in_link(app):
    layout = _layout(signed_in_client(app, None))
    assert _navigation(layout) == PUBLIC_PAGES
    link = next(n for n in _nodes(_account(layout)) if n["type"] == "A")["props"]
    assert (link["children"], link["href"]) == ("Sign in", "/sign-in")
    assert not any(n["type"] == "Form" for n in _nodes(layout))


def _links(tree) -> dict[str, str]:
    return {_text(n): n["props"]["href"] for n in _nodes(tree) if "href" in n["props"]}


def test_frame004_on_a_council_page_the_header_names_the_council_and_links_its_pages(app):
    # given a viewer on Norfolk's plan page
    layout = _layout(signed_in_client(app, Role.VIEWER), at("/plan"))
    # then the header names the council as its profile does, and each page is Norfolk's
    council = next(n for n in _nodes(layout) if n["props"].get("id") == "app-council-name")
    assert _text(council) == "Norfolk County Council"
    nav = next(n for n in _nodes(layout) if n["type"] == "Nav")
    assert _links(nav) == {
        "Overview": "/c/E10000020",
        "Workstreams": "/c/E10000020/workstream/1",
        "Schools Forum": "/c/E10000020/schools-forum",
        "Financial plan": "/c/E10000020/plan",
        "Submissions": "/c/E10000020/submissions",
        "DfE return": "/c/E10000020/return",
        "About": "/c/E10000020/about",
    }
    footer = next(n for n in _nodes(layout) if n["type"] == "Footer")
    assert _links(footer) == {
        "Accessibility statement": "/accessibility",
        "About the measures and data": "/c/E10000020/about",
    }
    # one council served: no switcher and no comparison
    assert "Compare councils" not in _text(layout)
    assert [n for n in _nodes(layout) if n["props"].get("className") == "app-councils"] == []


@pytest.mark.parametrize("page", ["/accessibility", "/compare", None])
def test_frame005_outside_a_council_the_frame_shows_no_council_and_no_council_pages(app, page):
    # given a viewer on a page that is no council's (or a frame asked for with no address)
    layout = _layout(signed_in_client(app, Role.VIEWER), page)
    # then there is no council name, no navigation of a council, and the footer links only the
    # accessibility statement; the account is still named, with no council's role
    assert not any(n["props"].get("id") == "app-council-name" for n in _nodes(layout))
    assert not any(n["type"] == "Nav" for n in _nodes(layout))
    footer = next(n for n in _nodes(layout) if n["type"] == "Footer")
    assert _links(footer) == {"Accessibility statement": "/accessibility"}
    assert _text(_account(layout)).startswith("Signed in as viewer@example.org")
    assert "(Viewer)" not in _text(_account(layout))
    assert "Norfolk" not in json.dumps(layout)


def _row_36(page) -> list[str]:
    table = next(n for n in walk(page) if getattr(n, "id", None) == "overview-table")
    row = next(r for r in walk(table) if isinstance(r, html.Tr) and text_of(r).startswith("36."))
    return [text_of(cell) for cell in row.children]


def _overview(app, role):
    from layouts.overview import layout

    with request_as(app, role):
        return layout(council=NORFOLK_CODE)


def _measure(app, role, ref: int):
    from layouts.measure import layout

    with request_as(app, role):
        return layout(council=NORFOLK_CODE, ref=str(ref))


def test_pub001_the_overview_shows_a_figure_on_one_placement_as_c(app):
    public = _row_36(_overview(app, None))
    assert public[1:5] == ["[c]", "Summer 2026 (outturn)", "£62,000", "[c]"]
    assert public[5] == "–Withheld: [c], it rests on a small count"
    # an account reads the figure itself
    internal = _row_36(_overview(app, Role.VIEWER))
    assert internal[1:5] == [FIGURE_36, "Summer 2026 (outturn)", "£62,000", DIFFERENCE_36]
    assert internal[5] == "✕Red: off track"


def test_pub002_the_measure_page_withholds_the_figure_and_drops_commentary_and_history(app):
    public = text_of(_measure(app, None, 36))
    assert "Latest outturn: [c] in Summer 2026 (outturn)" in public
    assert FIGURE_36 not in public and DIFFERENCE_36 not in public
    assert "Commentary" not in public and "Superseded figures" not in public
    assert "Source file" not in public
    internal = text_of(_measure(app, Role.VIEWER, 36))
    assert f"Latest outturn: {FIGURE_36} in Summer 2026 (outturn)" in internal
    assert "Commentary for Summer 2026" in internal and "Superseded figures" in internal


def test_pub003_no_public_page_links_to_submissions_uploads_forms_or_downloads(app):
    anonymous = signed_in_client(app, None)
    anonymous.get("/")
    for path in ("/", "/measure/36", "/workstream/4", "/plan", "/about"):
        response = anonymous.post("/_dash-update-component", json=routing_request(path))
        assert response.status_code == 200, path
        page = json.dumps(response.get_json(), ensure_ascii=False)
        content = response.get_json()["response"]["_pages_content"]["children"]
        hrefs = {n["props"]["href"] for n in _nodes(content) if "href" in n["props"]}
        closed = tuple(
            at(path)
            for path in ("/submissions", "/upload", "/download/", "/return", "/schools-forum")
        )
        assert not [h for h in hrefs if h.startswith(closed) or "/commentary" in h], path
        assert FIGURE_36 not in page and "84374" not in page, path


def test_pub004_the_pages_for_accounts_stay_closed_to_the_public(app):
    anonymous = signed_in_client(app, None)
    assert anonymous.get(at("/download/table/measure-36.csv")).status_code == 302
    assert anonymous.get(at("/download/chart/measure-36.png")).status_code == 302
    response = anonymous.post("/_dash-update-component", json=routing_request("/submissions"))
    assert response.status_code == 401
