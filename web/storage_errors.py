"""What a request is answered when the database cannot write: a clear message, never a stack
trace. The write was rolled back whole (storage.database.write_session), so nothing is half-done."""

from __future__ import annotations

from flask import Flask, Response

from domain.storage_full import StorageFull

INSUFFICIENT_STORAGE = 507


def _disk_full(error: StorageFull) -> Response:
    return Response(str(error), status=INSUFFICIENT_STORAGE, mimetype="text/plain")


def register_storage_errors(server: Flask) -> None:
    server.register_error_handler(StorageFull, _disk_full)
