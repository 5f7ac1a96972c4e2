"""Dash's routing request for a page, shaped exactly as the renderer sends it: the page's whole
content comes back through it. A council's page is under /c/<LA code>/: Norfolk's, unless
another council (or None, for a page outside any) is named."""

from __future__ import annotations

from tests.councils import NORFOLK_CODE

ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."


def council_address(path, council: str | None = NORFOLK_CODE):
    """'/plan' -> '/c/E10000020/plan'; '/' is the council's overview; an address already under
    /c/, outside any council (None), or that is not an address (no leading slash, not text) is
    left as it is."""
    if council is None or not isinstance(path, str) or not path.startswith("/"):
        return path
    if path.startswith("/c/"):
        return path
    return f"/c/{council}" + ("" if path == "/" else path)


def routing_request(path: str, council: str | None = NORFOLK_CODE) -> dict:
    return {
        "output": ROUTING_OUTPUT,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {
                "id": "_pages_location",
                "property": "pathname",
                "value": council_address(path, council),
            },
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
