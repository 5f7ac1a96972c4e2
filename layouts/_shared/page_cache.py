"""Rendered pages, kept per data version.

Every page is a function of its address, the stored data and who is looking (as far as that
changes the page: the account's role, or "public" for an anonymous visitor of the public view,
who is shown small counts as [c] and no commentary), so the answer to Dash's routing callback
(the page's whole content) is kept for each address and view until a submission, a commentary or
a return entry is stored. A page kept for one role is never served to another, nor to the
public. A hit costs a few small queries for those versions, instead of building
charts and tables again.
Upload checks are not kept: they depend on a pending file, not on the stored data.
Pages are kept in the deployment's shared store: in Redis when the deployment has it, so a page
drawn by one worker is served by every worker on every server; else in the process's memory.

Dash hands the router its inputs, then its state, by position, whatever ids and properties the
request names. A page is therefore kept, or answered from here, only for a body shaped exactly as
Dash's renderer sends it: the two outputs, the pathname then the search of the page's location,
no state and nothing else. Any other body goes to Dash untouched and is not kept, so no request
can store one page under another address.
"""

from __future__ import annotations

import hashlib
from datetime import date

import dash
from flask import Flask, Response, g, request

from layouts._shared.context import current_settings
from layouts._shared.viewer import view_of
from services.interface import Deployment
from services.shared_store import cache_read
from web.guard import ROUTING_OUTPUT, current_actor, current_council, routed_page

ROUTING_OUTPUTS = [
    {"id": "_pages_content", "property": "children"},
    {"id": "_pages_store", "property": "data"},
]
LOCATION = "_pages_location"
ROUTING_INPUTS = ("pathname", "search")  # the order Dash's router takes them in
CHANGED = {f"{LOCATION}.{prop}" for prop in ROUTING_INPUTS}
BODY_FIELDS = {"output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds"}


def routing_values(body: object) -> tuple[str | None, ...] | None:
    """The pathname and search Dash's router renders from, or None if the body is not exactly
    a routing request as the renderer sends it."""
    if not isinstance(body, dict) or not body.keys() <= BODY_FIELDS:
        return None
    if body.get("output") != ROUTING_OUTPUT or body.get("outputs") != ROUTING_OUTPUTS:
        return None
    if body.get("state", []) != [] or not _only_location_changed(body):
        return None
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or len(inputs) != len(ROUTING_INPUTS):
        return None
    if not all(map(_is_location_input, inputs, ROUTING_INPUTS)):
        return None
    return tuple(given.get("value") for given in inputs)


def _is_location_input(given: object, prop: str) -> bool:
    return (
        isinstance(given, dict)
        and given.keys() <= {"id", "property", "value"}
        and given.get("id") == LOCATION
        and given.get("property") == prop
        and isinstance(given.get("value"), str | None)
    )


def _only_location_changed(body: dict) -> bool:
    return all(
        isinstance(changed := body.get(field, []), list)
        and all(isinstance(c, str) and c in CHANGED for c in changed)
        for field in ("changedPropIds", "parsedChangedPropsIds")
    )


KEEP_SECONDS = 24 * 3600  # a page is drawn again at least daily: some default to today's term


class PageCache:
    def __init__(self, app: dash.Dash, deployment: Deployment) -> None:
        self.app = app
        self.deployment = deployment

    def _key(self) -> str | None:
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        values = routing_values(request.get_json(silent=True))
        if values is None:
            return None
        path, search = values
        # A page drawn for one person (an upload waiting for its uploader) is never kept. The
        # page is found as the router finds it: "//upload/<token>" is the upload check page too.
        page = routed_page(self.app, path)
        if page is None or not page.get("kept", True):
            return None
        council = current_council()
        service = self.deployment.service(council) if council else None
        if service is None:
            return None  # a page across councils (or none) changes with any: not kept
        version = service.content_version()
        # Pages that default to the current round or term change with the date, too.
        # and as the deployment shows it: its disclosure threshold and public view, and the
        # council's own files (every page reads its labels)
        settings = current_settings()
        shown = (settings.suppress_threshold, settings.public_view, service.council.digest)
        parts = (council, version, shown, date.today(), view_of(current_actor()), path, search)
        return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()

    def lookup(self) -> Response | None:
        key = self._key()
        if key is None:
            return None
        page = cache_read("pages", self.deployment.store.get(key))
        if page is None:
            g.lfi_page_key = key
            return None
        return Response(page, mimetype="application/json")

    def keep(self, response: Response) -> Response:
        key = g.pop("lfi_page_key", None)
        if key is not None and response.status_code == 200:
            self.deployment.store.set(key, response.get_data(), ttl=KEEP_SECONDS)
        return response

    def install(self, server: Flask) -> None:
        server.before_request(self.lookup)
        server.after_request(self.keep)
