"""An anonymous visitor gets nothing but the sign-in page from every route and callback (issue 11,
points 1 and "done when"): the sign-in pages, static assets and the health check answer; with
LFI_PUBLIC_VIEW on, the publication-safe pages too, and still not the submissions, the upload,
the audit trail, the forms or the pack.

The database holds one EHCP return, for Summer 2026, whose caseload of 12,345 is the figure no
anonymous answer may carry."""

from __future__ import annotations

import re

import dash
import pytest

from domain.roles import Role
from services.submissions import load_workbook
from tests.councils import NORFOLK_CODE
from tests.routing import council_address as at
from tests.signin import signed_in_client
from tests.web.conftest import (
    ROUTING_OUTPUT,
    callback_body,
    ehcp_workbook,
    engine_of,
    make_app,
    routing_body,
)
from web.access import DASH_ROUTES, Access, declared

FILE_NAME = "ehcp-known-figures.xlsx"
FIGURES = ("12,345", "12345", FILE_NAME)
# A value for each part of a route's address, so that every route is asked for something real.
SAMPLES = {
    "council": NORFOLK_CODE,
    "ref": "1",
    "slug": "december-2026",
    "key": "measure-1",
    "fmt": "csv",
    "family": "ehcp",
    "name": "annex.xlsx",
    "path": "plan",
    "token": "abc",
    "filename": "lfi.css",
    "package_name": "dash",
    "fingerprinted_path": "dash-renderer/build/dash_renderer.v1.min.js",
}
PUBLIC_ENDPOINTS = {"sign_in", "health", "sso_callback"}


def _with_figures(folder, **changes):
    app = make_app(folder, **changes)
    settings = app.server.extensions["lfi-settings"]
    outcome = load_workbook(
        engine_of(app),
        ehcp_workbook("Summer 2026", 12_345),
        file_name=FILE_NAME,
        council=app.server.extensions["lfi"].service(NORFOLK_CODE).council,
        max_bytes=settings.max_upload_bytes,
    )
    assert outcome.stored_id is not None, outcome.report.issues
    return app


@pytest.fixture
def app(tmp_path):
    return _with_figures(tmp_path)


@pytest.fixture
def public_app(tmp_path):
    return _with_figures(tmp_path, public_view=True)


def _address(rule) -> str:
    address = rule.rule
    for argument in rule.arguments:
        address = re.sub(rf"<(?:[^:<>]+:)?{argument}>", SAMPLES[argument], address)
    return address


def _anonymous(app):
    client = signed_in_client(app, None)
    client.get("/sign-in")  # the token cookie, so that a refusal is for want of a session
    return client


def _no_figures(response) -> None:
    text = response.get_data(as_text=True)
    assert [figure for figure in FIGURES if figure in text] == []


def _sent_to_sign_in_or_refused(response, address: str) -> None:
    if response.status_code == 302:
        assert response.headers["Location"] == "/sign-in?next=" + address
    else:
        assert response.status_code in (401, 403), (address, response.status_code)


def test_web010_a_viewer_sees_the_known_figure(app):
    # given a signed-in viewer: the figure the anonymous tests look for is really there
    client = signed_in_client(app, Role.VIEWER)
    # when it reads the measure's page and the measures' table
    page = client.post("/_dash-update-component", json=routing_body(app, "/measure/1"))
    table = client.get(at("/download/table/measures.csv"))
    # then the caseload is in both
    assert page.status_code == 200 and "12,345" in page.get_data(as_text=True)
    assert table.status_code == 200 and "12345" in table.get_data(as_text=True)


def test_web011_every_route_sends_an_anonymous_visitor_to_sign_in(app):
    # given every route but the sign-in pages, the health check and the static files
    client = _anonymous(app)
    rules = [
        rule
        for rule in app.server.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint not in PUBLIC_ENDPOINTS
        and DASH_ROUTES.get(rule.endpoint) is not Access.PUBLIC
        and declared(app.server.view_functions[rule.endpoint]) is not Access.PUBLIC
    ]
    for rule in rules:
        address = _address(rule)
        # when an anonymous visitor asks for it
        response = client.get(address)
        # then it is sent to the sign-in page, coming back here after, and sees no figure
        assert response.status_code == 302, (address, response.status_code)
        assert response.headers["Location"] == "/sign-in?next=" + address
        _no_figures(response)
    # the pages' shells (2), Norfolk's downloads (5), forms (2) and upload template
    assert len(rules) >= 10


def test_web018_the_accessibility_statement_is_open_to_anyone_and_the_frame_offers_only_sign_in(
    app,
):
    # given an anonymous visitor and the public view off
    client = _anonymous(app)
    # when they open the accessibility statement, which the sign-in page links to
    shell = client.get("/accessibility")
    frame = client.get("/_dash-layout", headers={"Referer": "http://localhost/accessibility"})
    # then it opens, and the frame it is drawn in holds no figure and offers no other page: it
    # is no council's, so it names none and offers none's pages
    assert shell.status_code == 200
    assert frame.status_code == 200
    _no_figures(frame)
    hrefs = re.findall(r'"href":\s*"([^"]*)"', frame.get_data(as_text=True).replace("\\u002f", "/"))
    assert hrefs == ["#main-content", "/", "/sign-in", "/accessibility"]


def test_web012_every_callback_refuses_an_anonymous_visitor(app):
    # given every callback Dash knows, and the router asked for every page
    client = _anonymous(app)
    bodies = [callback_body(app, key) for key in app.callback_map if key != ROUTING_OUTPUT]
    pages = {
        re.sub(
            r"<[^>]+>",
            "1",
            (page.get("path_template") or page["path"]).replace("<council>", NORFOLK_CODE),
        ): page.get("access")
        for page in dash.page_registry.values()
    }
    bodies += [routing_body(app, path, None) for path in pages]
    for body in bodies:
        # when an anonymous visitor posts it as the renderer would
        response = client.post("/_dash-update-component", json=body)
        # then it shows no figure
        _no_figures(response)
    # the router's requests are answered 401 (sign in), but for a page open to anyone
    answers = {
        path: client.post("/_dash-update-component", json=routing_body(app, path, None)).status_code
        for path in pages
    }
    assert answers == {path: 200 if pages[path] is Access.PUBLIC else 401 for path in pages}


def test_web013_the_sign_in_page_health_check_and_static_files_answer(app):
    # given an anonymous visitor, and the scripts a signed-in page loads
    shell = signed_in_client(app, Role.VIEWER).get(at("/")).get_data(as_text=True)
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', shell)
    client = signed_in_client(app, None)
    # when it asks for them
    answers = {}
    for address in ["/healthz", "/sign-in", "/assets/lfi.css", "/_favicon.ico", *scripts]:
        with client.get(address) as response:
            answers[address] = response.status_code
    # then each is answered
    assert len(scripts) >= 5
    assert answers == dict.fromkeys(answers, 200)
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"


def test_web014_the_public_view_shows_anonymous_visitors_the_public_pages_only(public_app):
    # given LFI_PUBLIC_VIEW on
    app = public_app
    client = _anonymous(app)
    # when an anonymous visitor asks the router for the overview and a measure's page
    overview = client.post("/_dash-update-component", json=routing_body(app, "/"))
    measure = client.post("/_dash-update-component", json=routing_body(app, "/measure/1"))
    # then they are shown
    assert overview.status_code == 200
    assert measure.status_code == 200 and "12,345" in measure.get_data(as_text=True)
    # and the submissions, the upload, a waiting upload and the audit trail are not
    for path in ["/submissions", "/upload", "/upload/abc", "/audit"]:
        response = client.post("/_dash-update-component", json=routing_body(app, path))
        assert response.status_code == 401, path
        _no_figures(response)
    # nor the forms, the pack, or the audit trail's download
    for address in map(
        at,
        [
            "/measure/1/commentary",
            "/return/december-2026/edit",
            "/download/pack.pdf",
            "/download/audit.csv",
        ],
    ):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.headers["Location"] == "/sign-in?next=" + address


def test_web015_the_guard_reads_an_address_as_dashs_router_does(public_app):
    # given the public view on, and addresses the router reads in its own way: a page template's
    # <token> spans slashes, and slashes around the path are dropped
    app = public_app
    client = _anonymous(app)
    # when an anonymous visitor asks the router for a waiting upload under such addresses
    answers = {
        path: client.post("/_dash-update-component", json=routing_body(app, path)).status_code
        for path in [
            at("/upload/abc/def"),
            at("//upload/abc/"),
            "/" + at("/upload/abc/"),
            at("/submissions/"),
        ]
    }
    # then each is the page the router would show, and so refused: sign in
    assert answers == dict.fromkeys(answers, 401)
    # and a path the router cannot read is refused before it is tried
    for path in ["upload", None, ["/"], 7]:
        response = client.post("/_dash-update-component", json=routing_body(app, path))
        assert response.status_code == 403, path
