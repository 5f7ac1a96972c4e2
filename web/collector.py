"""Python's cyclic garbage collector held off while Dash draws a page from the stored data.

Drawing a page makes tens of thousands of short-lived objects (components, their JSON), none in a
cycle, all freed by reference counting when the answer is sent. With the collector on, the young
collections that run meanwhile move them into the oldest generation, whose size then soon sets
off a full collection: a walk of everything the worker holds, every council's measures among it.
Measured on every council's data (benchmarks/national.py), that was 30% of a page's first view
and its slowest views, some 500 ms. Held off, the objects are freed as the answer goes, and the
collector runs again after it, on what little is left.

Only the router's drawing of a page that is kept (layouts/_shared/page_cache.py) is covered: not
a callback that receives a file, nor the check of a pending upload, whose workbook reader does
make cycles. The collector is the process's: lfi serve runs sync workers, one request at a time
each, so no other request is drawn meanwhile."""

from __future__ import annotations

import gc

import dash
from flask import g, request

from web.guard import ROUTING_OUTPUT, routed_page

CALLBACK_PATH = "/_dash-update-component"


def _draws_a_kept_page(app: dash.Dash) -> bool:
    if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
        return False
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or body.get("output") != ROUTING_OUTPUT:
        return False
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not inputs or not isinstance(inputs[0], dict):
        return False
    page = routed_page(app, inputs[0].get("value"))
    return page is not None and page.get("kept", True)


def install(app: dash.Dash) -> None:
    def pause() -> None:
        if gc.isenabled() and _draws_a_kept_page(app):
            gc.disable()
            g.lfi_collector_paused = True

    def resume(_error: BaseException | None) -> None:
        if g.pop("lfi_collector_paused", False):
            gc.enable()

    app.server.before_request(pause)
    app.server.teardown_request(resume)
