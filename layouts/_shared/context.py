"""The services a page reads from, attached to the Flask server by app.create_app: the
deployment (every council it serves), and the service of the council the request is for."""

from __future__ import annotations

from flask import current_app

from services.interface import Deployment, Service
from settings import Settings
from web.guard import current_council

EXTENSION_KEY = "lfi"
SETTINGS_KEY = "lfi-settings"


class NoCouncil(LookupError):
    """A page of one council was drawn for a request that names none (the guard lets no such
    request through)."""


def current_deployment() -> Deployment:
    return current_app.extensions[EXTENSION_KEY]


def current_service() -> Service:
    """The service of the council in the request's address."""
    code = current_council()
    service = current_deployment().service(code) if code else None
    if service is None:
        raise NoCouncil(f"no council for this request (address names {code!r})")
    return service


def council_path(path: str) -> str:
    """An address of the current council's: '/plan' -> '/c/<LA code>/plan'; '/' is its
    overview."""
    code = current_council()
    if code is None:
        raise NoCouncil(f"no council to make {path!r} an address of")
    return f"/c/{code}" + ("" if path == "/" else path)


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]
