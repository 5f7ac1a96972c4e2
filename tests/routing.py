"""Dash's routing request for a page, shaped exactly as the renderer sends it: the page's whole
content comes back through it."""

from __future__ import annotations

ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."


def routing_request(path: str) -> dict:
    return {
        "output": ROUTING_OUTPUT,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
