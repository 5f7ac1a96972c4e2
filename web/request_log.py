"""Every request gets an id, sent back in X-Request-ID; with LFI_LOG_FORMAT=json it writes one JSON
line to standard error when answered (who asked, in which council, what came back, how long it
took), and the app's other log records go out as JSON lines carrying the id of the request they
were written in. With "text", logging is left as it is and gunicorn writes the access log.

An id the client (or the reverse proxy) sends is kept when it looks like one, so that one id
follows a request through the proxy's log and this one; anything else is replaced, so that no
one can write what they like into the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

from web.guard import current_council, current_signed_in
from web.json_lines import FIELDS, REQUEST_ID, JsonLines, StderrHandler

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOGGER = logging.getLogger("lfi.request")


def request_id() -> str | None:
    """The id of the request being answered; None outside a request."""
    return g.get("lfi_request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Marks every record written during a request with the request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, REQUEST_ID, request_id())
        return True


def install_json_logging() -> None:
    """The app's records as JSON lines on standard error: the root logger's one handler, once
    however many apps a process builds; Flask's own handler would write its errors twice."""
    root = logging.getLogger()
    if not any(isinstance(handler, StderrHandler) for handler in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonLines())
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    LOGGER.setLevel(logging.INFO)


class RequestLog:
    def __init__(self, *, log_format: str) -> None:
        self.json = log_format == "json"

    def start(self) -> None:
        sent = request.headers.get(HEADER, "")
        g.lfi_request_id = sent if SANE_ID.fullmatch(sent) else uuid.uuid4().hex
        g.lfi_request_started = time.perf_counter()

    def finish(self, response: Response) -> Response:
        if g.get("lfi_request_logged"):  # an after-request hook failed and Flask ran them again
            return response
        g.lfi_request_logged = True
        response.headers[HEADER] = g.get("lfi_request_id") or uuid.uuid4().hex
        if self.json:
            LOGGER.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={FIELDS: self._fields(response)},
            )
        return response

    def _fields(self, response: Response) -> dict[str, object]:
        started = g.get("lfi_request_started", time.perf_counter())
        signed = current_signed_in()
        return {
            "method": request.method,
            "path": request.path,  # never the query: a sign-in's next= or a token may be in it
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": signed.actor.name if signed is not None else None,
            "council": current_council(),
            "remote_addr": request.remote_addr,  # as web/proxies.py resolved it
        }

    def install(self, server: Flask) -> None:
        # Ahead of the guard, so that a request it refuses has an id and a time too. It never
        # answers a request itself, so the guard still decides before anything answers.
        server.before_request_funcs.setdefault(None, []).insert(0, self.start)
        server.after_request(self.finish)
        if self.json:
            install_json_logging()
            server.logger.removeHandler(default_handler)
