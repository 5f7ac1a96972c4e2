"""Every route, callback and page of the running app declares who may call it (issue 11, point 3),
and each role can do exactly what its rule allows: the data-changing routes and callbacks are
tried by every role and by an anonymous visitor, and a refused request stores nothing. Every
council route, page and callback is tried at another council's address by an account of the
first (issue 12, point 3): refused, with nothing of the other council's in the answer.

The rules by hand, from the issue: a viewer reads; a finance officer also uploads and confirms;
a programme lead also writes commentary and the DfE return and downloads the pack; an admin also
reads the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import dash
import pytest

from domain.roles import Role
from tests.councils import NORFOLK_CODE
from tests.routing import council_address as at
from tests.signin import signed_in_client
from tests.web.conftest import (
    DEVON_CODE,
    DEVON_FIGURES,
    LOCATION,
    ROUTING_OUTPUT,
    answer_of,
    callback_body,
    callback_key,
    data_url,
    ehcp_workbook,
    routing_body,
    server_callbacks,
    stored_counts,
    two_council_app,
)
from web.access import DASH_ROUTES, Access, declared

CHANGING = {Access.UPLOAD, Access.WRITE_NOTES, Access.ADMINISTER}
WRITING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
UPLOADERS = {Role.FINANCE_OFFICER, Role.PROGRAMME_LEAD, Role.ADMIN}
WRITERS = {Role.PROGRAMME_LEAD, Role.ADMIN}
ADMINS = {Role.ADMIN}
PERIOD = "Summer 2026"
ROUND = "december-2026"


# ---- the enumeration ---------------------------------------------------------------------------


def test_web001_every_route_declares_who_may_call_it(app):
    # given the running app's Flask routes
    rules = list(app.server.url_map.iter_rules())
    # when each is looked up: its view's @requires, or Dash's own routes' table
    missing = [
        f"{rule.rule} (endpoint {rule.endpoint})"
        for rule in rules
        if declared(app.server.view_functions[rule.endpoint]) is None
        and rule.endpoint not in DASH_ROUTES
    ]
    # then none is without a rule
    assert len(rules) > 10
    assert missing == [], "routes without a declared rule: " + "; ".join(missing)


def test_web002_every_server_callback_declares_who_may_call_it(app):
    # given every callback Dash's renderer may post to the server (the router's is decided by
    # the rule of the page it renders, checked below)
    callbacks = server_callbacks(app)
    # when each callback function is asked for its rule
    missing = [
        f"{key} ({spec['callback'].__module__}.{spec['callback'].__name__})"
        for key, spec in callbacks.items()
        if key != ROUTING_OUTPUT and declared(spec["callback"]) is None
    ]
    # then none is without one
    assert ROUTING_OUTPUT in callbacks
    assert missing == [], "callbacks without a declared rule: " + "; ".join(missing)


def test_web003_every_page_declares_who_may_read_it(app):
    # given every page in Dash's registry
    pages = list(dash.page_registry.values())
    # when each is asked for its access
    missing = [
        f"{page['module']} ({page.get('path_template') or page['path']})"
        for page in pages
        if not isinstance(page.get("access"), Access)
    ]
    # then each has one of the rules
    assert len(pages) >= 12
    assert missing == [], "pages without access=: " + "; ".join(missing)


def test_web004_a_clientside_callback_posted_to_the_server_is_refused(app):
    # given the callbacks that run in the browser only (no function on the server)
    clientside = [key for key, spec in app.callback_map.items() if "callback" not in spec]
    client = signed_in_client(app, Role.ADMIN)
    # when an admin posts each to the server
    answers = {
        key: client.post("/_dash-update-component", json=callback_body(app, key)).status_code
        for key in clientside
    }
    # then each is refused: there is no rule for what the server never runs
    assert len(clientside) >= 4
    assert answers == dict.fromkeys(clientside, 403)


# ---- each role, every data-changing route and callback -----------------------------------------


def _hidden_fields(page_html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html))


def _form_post(client, url: str, fields: dict[str, str]):
    """Post the form at ``url`` as the browser would: its hidden fields (when the page opened),
    the fields typed in."""
    page = client.get(url)
    hidden = _hidden_fields(page.get_data(as_text=True)) if page.status_code == 200 else {}
    return client.post(url, data={**hidden, **fields})


def _upload(app, client, term: str = PERIOD, caseload: int = 12_345):
    key = callback_key(app, "upload-workbook", "contents")
    body = callback_body(
        app,
        key,
        {
            "upload-workbook.contents": data_url(ehcp_workbook(term, caseload)),
            "upload-workbook.filename": "ehcp-summer.xlsx",
        },
    )
    return client.post("/_dash-update-component", json=body)


def _pending_token(app, client) -> str:
    response = _upload(app, client)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    href = next(v["href"] for v in answer_of(response).values() if "href" in v)
    return href.rsplit("/", 1)[1]


@dataclass(frozen=True)
class Attempt:
    """One data-changing request: what it is, who may make it, how, and what it stores."""

    name: str
    allowed: set[Role]
    # (app, client, a waiting upload's token) -> the response; the token is the role's own
    # upload when it may upload, else a finance officer's
    send: Callable
    # the status a permitted request gets, and the stored rows it adds
    ok_status: int
    adds: dict[str, int]
    # whether it acts on a waiting upload (made before the counts are taken)
    on_waiting_upload: bool = False


def _commentary(app, client, _token):
    return _form_post(
        client,
        at(f"/measure/1/commentary?period={PERIOD}"),
        {"text": "Caseload rose with new requests.", "written_by": "Test Lead"},
    )


def _return_entry(app, client, _token):
    return _form_post(
        client,
        at(f"/return/{ROUND}/edit"),
        {"condition-1-rag": "green", "condition-1-text": "On track.", "written_by": "Test Lead"},
    )


def _route(address: str) -> Callable:
    def send(app, client, _token):
        with client.get(at(address)) as response:
            response.get_data()
            return response

    return send


def _page(path: str) -> Callable:
    def send(app, client, _token):
        return client.post("/_dash-update-component", json=routing_body(app, path))

    return send


def _press(input_id: str, token_id: str) -> Callable:
    def send(app, client, token):
        key = callback_key(app, input_id, "n_clicks")
        body = callback_body(app, key, {input_id: 1, token_id: token})
        return client.post("/_dash-update-component", json=body)

    return send


def _show_waiting(app, client, _token):
    key = callback_key(app, "upload-waiting-list", "id")
    body = callback_body(app, key, {"upload-waiting-list": "upload-waiting-list"})
    return client.post("/_dash-update-component", json=body)


ATTEMPTS = {
    # endpoint, callback input or page path -> the attempt that exercises it
    "commentary": Attempt(
        "POST /measure/1/commentary", WRITERS, _commentary, 303, {"commentary": 1}
    ),
    "return_edit": Attempt(
        f"POST /return/{ROUND}/edit", WRITERS, _return_entry, 303, {"return_entries": 1}
    ),
    "upload-workbook.contents": Attempt(
        "the upload callback",
        UPLOADERS,
        lambda app, client, _token: _upload(app, client),
        200,
        {"pending_uploads": 1},
    ),
    "upload-confirm.n_clicks": Attempt(
        "the confirm callback",
        UPLOADERS,
        _press("upload-confirm", "upload-token"),
        200,
        # the waiting file is stored, and waits no more
        {"submissions": 1, "pending_uploads": -1},
        on_waiting_upload=True,
    ),
    "upload-discard.n_clicks": Attempt(
        "the discard callback",
        UPLOADERS,
        _press("upload-discard", "upload-discard-token"),
        200,
        {"pending_uploads": -1},
        on_waiting_upload=True,
    ),
    "upload-waiting-list.id": Attempt(
        "the list of one's waiting uploads", UPLOADERS, _show_waiting, 200, {}
    ),
    "upload_template": Attempt(
        "GET /upload/template/ehcp.xlsx", UPLOADERS, _route("/upload/template/ehcp.xlsx"), 200, {}
    ),
    "/c/<council>/upload": Attempt("the upload page", UPLOADERS, _page("/upload"), 200, {}),
    "/c/<council>/upload/<token>": Attempt(
        "a waiting upload's check page", UPLOADERS, _page("/upload/no-such-upload"), 200, {}
    ),
    "download_pack": Attempt(
        # with a meeting date that is no date it goes back to the form: past the guard
        "GET /download/pack.pdf",
        WRITERS,
        _route("/download/pack.pdf?meeting_date=not-a-date"),
        303,
        {},
    ),
    "download_audit": Attempt(
        "GET /download/audit.csv", ADMINS, _route("/download/audit.csv"), 200, {}
    ),
    "/c/<council>/audit": Attempt(
        "the audit page's routing request", ADMINS, _page("/audit"), 200, {}
    ),
}


def _data_changing(app) -> list[str]:
    """Every route, callback and page whose rule (or method) says it changes or guards data."""
    found = []
    for rule in app.server.url_map.iter_rules():
        access = declared(app.server.view_functions[rule.endpoint])
        if rule.endpoint in DASH_ROUTES or access is Access.PUBLIC:
            continue
        if access in CHANGING or (rule.methods or set()) & WRITING_METHODS:
            found.append(rule.endpoint)
    for key, spec in server_callbacks(app).items():
        if key != ROUTING_OUTPUT and declared(spec["callback"]) in CHANGING:
            found.extend(f"{d['id']}.{d['property']}" for d in spec["inputs"][:1])
    for page in dash.page_registry.values():
        if page.get("access") in CHANGING:
            found.append(page.get("path_template") or page["path"])
    return found


def test_web005_every_data_changing_route_callback_and_page_is_tried_below(app):
    # given the routes, callbacks and pages whose rule is upload, notes or administer, or that
    # take a POST
    changing = _data_changing(app)
    # then each has an attempt in the role matrix (add one for a new route), and each attempt's
    # subject exists: the audit download and page among them
    untried = sorted(set(changing) - set(ATTEMPTS))
    assert untried == [], "data-changing and not tried by every role: " + ", ".join(untried)
    assert sorted(set(ATTEMPTS) - set(changing)) == []


@pytest.mark.parametrize(
    "role",
    [Role.VIEWER, Role.FINANCE_OFFICER, Role.PROGRAMME_LEAD, Role.ADMIN],
    ids=lambda role: role.value,
)
@pytest.mark.parametrize("subject", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_web006_each_role_does_exactly_what_its_rule_allows(app, role, subject):
    # given a signed-in client of the role, and a finance officer's client
    attempt = ATTEMPTS[subject]
    uploader = signed_in_client(app, Role.FINANCE_OFFICER, email="uploader@example.org")
    client = signed_in_client(app, role)
    token = None
    if attempt.on_waiting_upload:  # the role's own upload when it may upload, else the officer's
        token = _pending_token(app, client if role in attempt.allowed else uploader)
    before = stored_counts(app)
    # when the role makes the request
    response = attempt.send(app, client, token)
    after = stored_counts(app)
    # then the allowed roles' request works and stores what it should; the others get 403 and
    # nothing is stored
    if role in attempt.allowed:
        assert response.status_code == attempt.ok_status, response.get_data(as_text=True)[:300]
        assert after == {**before, **{k: before[k] + n for k, n in attempt.adds.items()}}
    else:
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
        assert after == before


@pytest.mark.parametrize("subject", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_web007_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored(app, subject):
    # given an anonymous visitor who opened the sign-in page (so its posts carry the token)
    attempt = ATTEMPTS[subject]
    client = signed_in_client(app, None)
    client.get("/sign-in")
    token = None
    if attempt.on_waiting_upload:
        uploader = signed_in_client(app, Role.FINANCE_OFFICER, email="uploader@example.org")
        token = _pending_token(app, uploader)
    before = stored_counts(app)
    # when it makes the request
    response = attempt.send(app, client, token)
    # then a page is sent to sign in, anything else answered 401, and nothing is stored
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert stored_counts(app) == before


# ---- one council's figures are never another's ------------------------------------------------
# Issue 12: "a user of one council gets 403 or 404 for every address of another". Norfolk's admin
# (every permission in Norfolk, none in Devon) tries every route, callback and page at Devon's
# address; an account with roles in both reads both.

NORFOLK_ADMIN = "norfolk.admin@example.org"
BOTH = "both.councils@example.org"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    return two_council_app(tmp_path_factory.mktemp("two-councils"))


def _devon_address(rule) -> str:
    """A route's address in Devon, every other part of it something real."""
    samples = {
        "council": DEVON_CODE,
        "ref": "1",
        "slug": ROUND,
        "key": "measures",
        "fmt": "csv",
        "family": "ehcp",
        "name": "annex.xlsx",
    }
    address = rule.rule
    for argument in rule.arguments:
        address = re.sub(rf"<(?:[^:<>]+:)?{argument}>", samples[argument], address)
    return address


def _council_routes(app) -> list:
    return [r for r in app.server.url_map.iter_rules() if r.rule.startswith("/c/<council>/")]


def _council_pages() -> list[str]:
    return [
        page["path_template"]
        for page in dash.page_registry.values()
        if (page.get("path_template") or "").startswith("/c/<council>")
    ]


def _nothing_of_devon(response, what: str) -> None:
    assert response.status_code in (403, 404), (what, response.status_code)
    text = response.get_data(as_text=True)
    assert [figure for figure in DEVON_FIGURES if figure in text] == [], what


def test_web060_every_council_route_page_and_callback_is_enumerated(two):
    # given the app's routes, pages and server callbacks
    routes, pages = _council_routes(two), _council_pages()
    callbacks = [k for k in server_callbacks(two) if k != ROUTING_OUTPUT]
    # then the council's own are many, and every data route is a council's
    assert len(routes) >= 8 and len(pages) >= 11 and len(callbacks) >= 4
    outside = [
        r.rule
        for r in two.server.url_map.iter_rules()
        if not r.rule.startswith("/c/<council>/")
        and declared(two.server.view_functions[r.endpoint]) not in (None, Access.PUBLIC)
    ]
    assert outside == [], "data routes outside any council: " + ", ".join(outside)


def test_web061_a_norfolk_account_gets_403_or_404_at_every_devon_route(two):
    # given Norfolk's admin, who holds every permission in Norfolk and no role in Devon
    client = signed_in_client(two, Role.ADMIN, NORFOLK_ADMIN)
    before = stored_counts(two)
    for rule in _council_routes(two):
        address = _devon_address(rule)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            # when it asks for the route at Devon's address
            response = client.open(address, method=method, data={"text": "x"})
            # then it is refused, and nothing of Devon's is in the answer
            _nothing_of_devon(response, f"{method} {address}")
    # and the pages' shells at Devon's addresses are refused too
    for template in _council_pages():
        address = template.replace("<council>", DEVON_CODE).replace("<ref>", "1")
        address = address.replace("<number>", "1").replace("<token>", "abc")
        _nothing_of_devon(client.get(address), f"GET {address}")
    assert stored_counts(two) == before


def test_web062_a_norfolk_account_gets_403_from_every_page_and_callback_sent_from_devon(two):
    client = signed_in_client(two, Role.ADMIN, NORFOLK_ADMIN)
    token = _pending_token(two, client)  # its own waiting upload, in Norfolk
    before = stored_counts(two)
    # when Dash's router is asked for each of Devon's pages
    for template in _council_pages():
        path = template.replace("<council>", DEVON_CODE).replace("<ref>", "1")
        path = path.replace("<number>", "1").replace("<token>", "abc")
        response = client.post("/_dash-update-component", json=routing_body(two, path, None))
        _nothing_of_devon(response, path)
    # and each server callback is sent from Devon's upload page, with a real file where it
    # takes one and a real upload of its own where it takes a token
    for key in server_callbacks(two):
        if key == ROUTING_OUTPUT:
            continue
        body = callback_body(
            two,
            key,
            {
                "upload-workbook.contents": data_url(ehcp_workbook(PERIOD, 11_111)),
                "upload-workbook.filename": "ehcp.xlsx",
                "upload-confirm": 1,
                "upload-discard": 1,
                "upload-token": token,
                "upload-discard-token": token,
                "upload-waiting-list": "upload-waiting-list",
                LOCATION: f"/c/{DEVON_CODE}/upload",
            },
        )
        _nothing_of_devon(client.post("/_dash-update-component", json=body), key)
    # then nothing is stored, in either council
    assert stored_counts(two) == before


def test_web063_the_frame_names_no_council_to_an_account_it_refuses(two):
    # given Norfolk's admin on (or sent to) Devon's overview
    client = signed_in_client(two, Role.ADMIN, NORFOLK_ADMIN)
    frame = client.get("/_dash-layout", headers={"Referer": f"http://localhost/c/{DEVON_CODE}"})
    # then the frame, open to anyone, names neither Devon nor its pages
    assert frame.status_code == 200
    text = frame.get_data(as_text=True)
    assert "Devon" not in text and f"/c/{DEVON_CODE}" not in text


def test_web064_an_account_with_roles_in_both_councils_reads_each_councils_own(two):
    # given an account with a role in Norfolk and one in Devon
    client = signed_in_client(
        two, None, BOTH, roles={NORFOLK_CODE: Role.VIEWER, DEVON_CODE: Role.ADMIN}
    )
    # when it reads each council's measures table and its first measure's page
    tables = {
        code: client.get(f"/c/{code}/download/table/measures.csv").get_data(as_text=True)
        for code in (NORFOLK_CODE, DEVON_CODE)
    }
    pages = {
        code: client.post(
            "/_dash-update-component", json=routing_body(two, f"/c/{code}/measure/1", None)
        ).get_data(as_text=True)
        for code in (NORFOLK_CODE, DEVON_CODE)
    }
    # then each shows its own council's caseload and not the other's
    assert "12345" in tables[NORFOLK_CODE] and "67891" not in tables[NORFOLK_CODE]
    assert "67891" in tables[DEVON_CODE] and "12345" not in tables[DEVON_CODE]
    assert "12,345" in pages[NORFOLK_CODE] and "67,891" not in pages[NORFOLK_CODE]
    assert "67,891" in pages[DEVON_CODE] and "12,345" not in pages[DEVON_CODE]
    # and its role is each council's own: the audit trail is Devon's admin's, not Norfolk's viewer's
    assert client.get(f"/c/{DEVON_CODE}/download/audit.csv").status_code == 200
    assert client.get(f"/c/{NORFOLK_CODE}/download/audit.csv").status_code == 403


def test_web065_a_councils_audit_trail_holds_its_own_events_only(two):
    # given a download in each council by the account with roles in both
    client = signed_in_client(
        two, None, BOTH, roles={NORFOLK_CODE: Role.VIEWER, DEVON_CODE: Role.ADMIN}
    )
    client.get(f"/c/{NORFOLK_CODE}/download/table/measure-1.csv")
    client.get(f"/c/{DEVON_CODE}/download/table/measure-2.csv")
    # when Devon's admin reads Devon's trail
    trail = client.get(f"/c/{DEVON_CODE}/download/audit.csv").get_data(as_text=True)
    # then Devon's export is in it and Norfolk's is not
    assert "lfi-measure-2.csv" in trail and "lfi-measure-1.csv" not in trail
