"""Python's cyclic garbage collector held off while Dash answers a callback (a page is drawn).

Drawing a page makes tens of thousands of short-lived objects (components, their JSON), none in a
cycle, all freed by reference counting when the answer is sent. With the collector on, the young
collections that run meanwhile move them into the oldest generation, whose size then soon sets
off a full collection: a walk of everything the worker holds, every council's measures among it.
Measured on every council's data (benchmarks/national.py), that was 30% of a page's first view
and its slowest views, some 500 ms. Held off, the objects are freed as the answer goes, and the
collector runs again after it, on what little is left."""

from __future__ import annotations

import gc

from flask import Flask, g, request

CALLBACK_PATH = "/_dash-update-component"


def _pause() -> None:
    if request.method == "POST" and request.path.endswith(CALLBACK_PATH) and gc.isenabled():
        gc.disable()
        g.lfi_collector_paused = True


def _resume(_error: BaseException | None) -> None:
    if g.pop("lfi_collector_paused", False):
        gc.enable()


def install(server: Flask) -> None:
    server.before_request(_pause)
    server.teardown_request(_resume)
