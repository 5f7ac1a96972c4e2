"""The page cache keeps a page under exactly what Dash's router rendered it from, so no request
can make other visitors see a different page. Through Flask's test client, with no data loaded.

Dash hands the router its inputs, then its state, by position, whatever ids and properties the
request body names; each crafted body below names one address and has Dash render another."""

from __future__ import annotations

import json

import dash
import pytest

from domain.roles import Role
from layouts._shared.page_cache import routing_values
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.routing import council_address as at
from tests.signin import signed_in_client

OVERVIEW_H1 = "Local First Inclusion: is the programme on plan?"  # Norfolk's programme
ABOUT_H1 = "About the measures and data"
OVERVIEW, ABOUT = at("/"), at("/about")  # Norfolk's
OUTPUTS = [
    {"id": "_pages_content", "property": "children"},
    {"id": "_pages_store", "property": "data"},
]


def _location(prop: str, value: str) -> dict:
    return {"id": "_pages_location", "property": prop, "value": value}


def _body(inputs: list, *, outputs: list = OUTPUTS, **extra) -> dict:
    """A routing request shaped as Dash 4's renderer sends it (no state: the router has none)."""
    changed = ["_pages_location.pathname"]
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
        **extra,
    }


def _routing(path: str, search: str = "") -> dict:
    return _body([_location("pathname", path), _location("search", search)])


@pytest.fixture
def client(tmp_path):
    return signed_in_client(app_on(tmp_path, load_demo=False), Role.VIEWER)


@pytest.fixture
def overview_renders(monkeypatch) -> list:
    """How many times the overview page has been built (a page served from the cache is not)."""
    page = dash.page_registry["layouts.overview"]
    built, layout = [], page["layout"]

    def counted(**query):
        built.append(query)
        return layout(**query)

    monkeypatch.setitem(page, "layout", counted)
    return built


def _post(client, body: dict):
    return client.post("/_dash-update-component", json=body)


def _content(response) -> str:
    """The page content the browser would put on screen, as JSON text."""
    assert response.status_code == 200
    return json.dumps(response.get_json()["response"]["_pages_content"]["children"])


def test_pc001_normal_requests_get_their_own_page_and_are_kept(client, overview_renders):
    about = _content(_post(client, _routing(ABOUT)))
    assert ABOUT_H1 in about and OVERVIEW_H1 not in about
    first = _content(_post(client, _routing(OVERVIEW)))
    assert OVERVIEW_H1 in first and ABOUT_H1 not in first
    # the same request with the empty state some clients send is the same page, kept
    again = _content(_post(client, _routing(OVERVIEW) | {"state": []}))
    assert again == first
    assert len(overview_renders) == 1


def test_pc002_a_different_search_is_a_different_page(client, overview_renders):
    _content(_post(client, _routing(OVERVIEW)))
    _content(_post(client, _routing(OVERVIEW, "?status=red")))
    assert overview_renders == [
        {"council": NORFOLK_CODE},
        {"council": NORFOLK_CODE, "status": "red"},
    ]


# Each body names the overview's address (by property) while Dash renders the about page from the
# values at the positions it reads.
CRAFTED = {
    "duplicate pathname": _body([_location("pathname", ABOUT), _location("pathname", OVERVIEW)]),
    "hash in the pathname's place": _body(
        [_location("hash", ABOUT), _location("pathname", OVERVIEW)]
    ),
    "another id in the pathname's place": _body(
        [{"id": "x", "property": "pathname", "value": ABOUT}, _location("pathname", OVERVIEW)]
    ),
}


@pytest.mark.parametrize("crafted", CRAFTED.values(), ids=CRAFTED.keys())
def test_pc003_a_crafted_body_never_changes_the_page_others_see(client, crafted):
    assert ABOUT_H1 in _content(_post(client, crafted))
    page = _content(_post(client, _routing(OVERVIEW)))
    assert OVERVIEW_H1 in page and ABOUT_H1 not in page


# Bodies naming the overview in the right places that are not what the browser sends, each with whether
# Dash builds the overview from it (it refuses three values for two arguments).
NOT_CANONICAL = {
    "state instead of the search input": (
        _body([_location("pathname", OVERVIEW)], state=[_location("search", "")]),
        True,
    ),
    "extra state after both inputs": (
        _body(
            [_location("pathname", OVERVIEW), _location("search", "")],
            state=[_location("hash", "")],
        ),
        False,
    ),
    "swapped order": (
        _body([_location("search", OVERVIEW), _location("pathname", OVERVIEW)]),
        True,
    ),
    "an output property with a suffix": (
        _body(
            [_location("pathname", OVERVIEW), _location("search", "")],
            outputs=[{"id": "_pages_content", "property": "children@x"}, OUTPUTS[1]],
        ),
        True,
    ),
    "extra input": (
        _body([_location("pathname", OVERVIEW), _location("search", ""), _location("hash", "")]),
        False,
    ),
    "extra key in an input": (
        _body([_location("pathname", OVERVIEW) | {"extra": 1}, _location("search", "")]),
        True,
    ),
    "a search that is not text": (
        _body([_location("pathname", OVERVIEW), _location("search", "") | {"value": 0}]),
        True,
    ),
    "an unknown field": (
        _body([_location("pathname", OVERVIEW), _location("search", "")], extra=1),
        True,
    ),
}


@pytest.mark.parametrize("odd, rendered", NOT_CANONICAL.values(), ids=NOT_CANONICAL.keys())
def test_pc005_a_body_not_shaped_as_the_browser_sends_it_is_neither_served_nor_kept(
    client, overview_renders, odd, rendered
):
    kept = _content(_post(client, _routing(OVERVIEW)))
    for times in (1, 2):  # answered by Dash itself each time: not from the cache, and not kept
        response = _post(client, odd)
        assert response.status_code == (200 if rendered else 500)
        assert len(overview_renders) == 1 + (times if rendered else 0)
    # the page others get is still the one kept from the normal request
    assert _content(_post(client, _routing(OVERVIEW))) == kept
    assert len(overview_renders) == 1 + (2 if rendered else 0)


def test_pc006_the_key_is_the_pathname_then_the_search_of_a_browser_shaped_body():
    assert routing_values(_routing(at("/measure/7"), "?period=2025-26")) == (
        at("/measure/7"),
        "?period=2025-26",
    )
    # a value the renderer could not read is left out of the body; Dash reads it as None
    missing = _body(
        [_location("pathname", OVERVIEW), {"id": "_pages_location", "property": "search"}]
    )
    assert routing_values(missing) == (OVERVIEW, None)


ODD_SHAPES = {
    "not an object": [OVERVIEW],
    "inputs not a list": _routing(OVERVIEW) | {"inputs": {"pathname": OVERVIEW}},
    "an input not an object": _body([OVERVIEW, _location("search", "")]),
    "state not a list": _routing(OVERVIEW) | {"state": None},
    "a changed property that is not text": _routing(OVERVIEW) | {"changedPropIds": [{"id": 1}]},
    "another property changed": _routing(OVERVIEW) | {"changedPropIds": ["_pages_location.hash"]},
    "a pathname that is a list": _body(
        [_location("pathname", [OVERVIEW]), _location("search", "")]
    ),
}


@pytest.mark.parametrize("odd", ODD_SHAPES.values(), ids=ODD_SHAPES.keys())
def test_pc007_any_other_shape_has_no_key(odd):
    assert routing_values(odd) is None


# What only some lookers are shown on /measure/36 of the demo: its Summer 2026 average cost
# rests on one placement (the public view shows [c]); the commentary's edit link is the
# programme lead's and the admin's.
COMMENTARY_LINK = "Write or change the commentary for"
FIGURE_36 = "£84,374"


@pytest.fixture(scope="module")
def public_app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("page-cache-views"), load_demo=True, public_view=True)


def _measure_36(client) -> str:
    content = json.loads(_content(_post(client, _routing(at("/measure/36")))))
    return json.dumps(content, ensure_ascii=False)


def test_pc008_a_page_kept_for_one_view_is_never_served_to_another(public_app, monkeypatch):
    page = dash.page_registry["layouts.measure"]
    built, layout = [], page["layout"]
    monkeypatch.setitem(page, "layout", lambda **q: built.append(q) or layout(**q))
    clients = {
        "viewer": signed_in_client(public_app, Role.VIEWER),
        "public": signed_in_client(public_app, None),
        "admin": signed_in_client(public_app, Role.ADMIN),
    }
    for client in clients.values():
        client.get(OVERVIEW)  # the page's shell, which sets the form token's cookie
    # in each order: the first of each view builds the page, a second of the same view is kept
    seen = {view: _measure_36(client) for view, client in clients.items()}
    assert len(built) == 3
    assert FIGURE_36 in seen["viewer"] and COMMENTARY_LINK not in seen["viewer"]
    assert FIGURE_36 not in seen["public"] and "Commentary" not in seen["public"]
    assert FIGURE_36 in seen["admin"] and COMMENTARY_LINK in seen["admin"]
    for view, client in reversed(clients.items()):
        assert _measure_36(client) == seen[view]
    assert len(built) == 3
    # another account of a kept role is served the page kept for that role
    other_viewer = signed_in_client(public_app, Role.VIEWER, email="second.viewer@example.org")
    assert _measure_36(other_viewer) == seen["viewer"]
    assert len(built) == 3


def test_pc010_with_redis_a_page_drawn_on_one_server_is_served_by_another(
    tmp_path, own_redis, request
):
    """Two app servers on one database and one Redis (issue 13, point 1): the second serves the
    page the first drew, and a viewer on either sees the same."""
    first, second = (
        signed_in_client(app_on(tmp_path, load_demo=False, redis_url=own_redis.url), Role.VIEWER)
        for _ in range(2)
    )
    overview_renders = request.getfixturevalue("overview_renders")  # once the pages exist
    drawn = _content(_post(first, _routing(OVERVIEW)))
    served = _content(_post(second, _routing(OVERVIEW)))
    assert served == drawn and OVERVIEW_H1 in served
    assert len(overview_renders) == 1


def test_pc011_a_page_kept_in_redis_is_not_served_once_the_disclosure_threshold_changes(
    tmp_path, own_redis, request
):
    """Pages kept in Redis outlive a restart: one drawn with counts of 1 to 4 withheld must not
    be served by a server withholding counts up to 9 (issue 13's review)."""
    before = signed_in_client(
        app_on(tmp_path, load_demo=False, redis_url=own_redis.url, suppress_threshold=4),
        Role.VIEWER,
    )
    after = signed_in_client(
        app_on(tmp_path, load_demo=False, redis_url=own_redis.url, suppress_threshold=9),
        Role.VIEWER,
    )
    overview_renders = request.getfixturevalue("overview_renders")
    _content(_post(before, _routing(OVERVIEW)))
    _content(_post(after, _routing(OVERVIEW)))
    assert len(overview_renders) == 2  # drawn again under the new threshold
    _content(_post(before, _routing(OVERVIEW)))
    assert len(overview_renders) == 2  # and each kept under its own
