"""Python's cyclic garbage collector is held off while Dash draws a page, and on again once the
answer is sent, whatever the answer (web/collector.py)."""

from __future__ import annotations

import gc

import dash
import pytest
from flask import request

from domain.roles import Role
from tests.routing import routing_request
from tests.signin import signed_in_client


@pytest.fixture
def collector_seen(app, monkeypatch):
    """Whether the collector was on: as each request reached the app's own handling, and while
    the workstream page was drawn."""
    seen: list[tuple[str, bool]] = []
    # after every hook the app installs (Flask's own method refuses once a request was served)
    app.server.before_request_funcs.setdefault(None, []).append(
        lambda: seen.append((request.path, gc.isenabled()))
    )
    page = dash.page_registry["layouts.workstream"]
    drawn = page["layout"]

    def drawing(**kwargs):
        seen.append(("drawing the workstream page", gc.isenabled()))
        return drawn(**kwargs)

    monkeypatch.setitem(page, "layout", drawing)
    return seen


def test_gcp001_the_collector_is_off_while_a_page_is_drawn_and_on_after(app, collector_seen):
    client = signed_in_client(app, Role.VIEWER)
    collector_seen.clear()
    # Given the collector on, when a workstream page is drawn,
    assert gc.isenabled()
    response = client.post("/_dash-update-component", json=routing_request("/workstream/1"))
    assert response.status_code == 200 and b"Workstream 1" in response.data
    # then it was off while the callback ran and the page was drawn, and is on again after.
    assert collector_seen == [
        ("/_dash-update-component", False),
        ("drawing the workstream page", False),
    ]
    assert gc.isenabled()


def test_gcp002_the_collector_stays_on_for_other_requests(app, collector_seen):
    client = signed_in_client(app, None)
    assert client.get("/sign-in").status_code == 200
    assert client.get("/accessibility").status_code == 200
    assert collector_seen == [("/sign-in", True), ("/accessibility", True)]


def test_gcp004_the_collector_stays_on_for_a_page_drawn_for_one_uploader(app, collector_seen):
    # The upload page is drawn for the one person looking (never kept), and its checks read a
    # workbook, whose reader makes cycles: the collector is left on for it.
    client = signed_in_client(app, Role.FINANCE_OFFICER)
    collector_seen.clear()
    response = client.post("/_dash-update-component", json=routing_request("/upload"))
    assert response.status_code == 200
    assert collector_seen == [("/_dash-update-component", True)]


def test_gcp003_the_collector_is_on_again_after_a_callback_that_fails_or_is_kept(app):
    client = signed_in_client(app, Role.VIEWER)
    # a callback body Dash cannot read: answered with an error, and the collector on after it
    response = client.post("/_dash-update-component", json={"output": "x", "inputs": "y"})
    assert response.status_code >= 400
    assert gc.isenabled()
    # and a page drawn, then answered from the page cache: on after each
    for _ in range(2):
        answer = client.post("/_dash-update-component", json=routing_request("/about"))
        assert answer.status_code == 200
        assert gc.isenabled()
