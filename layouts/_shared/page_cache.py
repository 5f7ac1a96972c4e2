"""Rendered pages, kept per data version.

Every page is a function of its address and the stored data, so the answer to Dash's routing
callback (the page's whole content) is kept for each address until a submission, a commentary or
a return entry is stored. A hit costs a few small queries for those versions, instead of building
charts and tables again.
Upload checks are not kept: they depend on a pending file, not on the stored data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

from flask import Flask, Response, g, request
from sqlalchemy.orm import Session

from kpis.service import MeasureService, content_version

ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."
NOT_KEPT = ("/upload/",)


class PageCache:
    def __init__(self, service: MeasureService, *, size: int = 256) -> None:
        self.service = service
        self.size = size
        self._pages: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self) -> tuple | None:
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        body = request.get_json(silent=True) or {}
        if body.get("output") != ROUTING_OUTPUT:
            return None
        where = {i.get("property"): i.get("value") for i in body.get("inputs", [])}
        path, search = where.get("pathname") or "", where.get("search") or ""
        if path.startswith(NOT_KEPT):
            return None
        with Session(self.service.engine) as session:
            version = content_version(session)
        # Pages that default to the current round or term change with the date, too.
        return (version, date.today(), path, search)

    def lookup(self) -> Response | None:
        key = self._key()
        if key is None:
            return None
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
        if page is None:
            g.lfi_page_key = key
            return None
        return Response(page, mimetype="application/json")

    def keep(self, response: Response) -> Response:
        key = g.pop("lfi_page_key", None)
        if key is not None and response.status_code == 200:
            with self._lock:
                self._pages[key] = response.get_data()
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return response

    def install(self, server: Flask) -> None:
        server.before_request(self.lookup)
        server.after_request(self.keep)
