"""The services a page reads from, attached to the Flask server by app.create_app: the
deployment (every council it serves), and the service of the council the request is for."""

from __future__ import annotations

from collections.abc import Callable

from dash.exceptions import PreventUpdate
from flask import abort, current_app

from services.interface import Deployment, Service
from settings import Settings
from web.guard import current_council

EXTENSION_KEY = "lfi"
SETTINGS_KEY = "lfi-settings"
PRODUCT = "Local First Inclusion"  # the product's name, which every page's title ends with


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


def council_address(code: str, path: str = "/") -> str:
    """An address of council ``code``'s: (code, '/plan') -> '/c/<LA code>/plan'; '/' is its
    overview. For links that change council, which load the page whole."""
    return f"/c/{code}" + ("" if path == "/" else path)


def council_path(path: str) -> str:
    """An address of the current council's: '/plan' -> '/c/<LA code>/plan'; '/' is its
    overview."""
    code = current_council()
    if code is None:
        raise NoCouncil(f"no council to make {path!r} an address of")
    return council_address(code, path)


def is_this_council(council: object) -> bool:
    """Whether the council a page's address gives its layout is exactly the one the guard found.
    Dash's templates let <council> span slashes ('/c/<LA code>/no-such-page' matches the
    overview's '/c/<council>' with council '<LA code>/no-such-page'), and a query's ?council=
    would replace it: either way the page is not found."""
    return isinstance(council, str) and council == current_council()


def callback_service() -> Service:
    """A callback's service: the council of the page that sent it (its location, which the
    guard reads). A callback sent from no council's page does nothing."""
    if current_council() is None:
        raise PreventUpdate
    return current_service()


def route_service(council: str) -> Service:
    """The service of a Flask route under /c/<council>/: the guard scoped the request to that
    council (and answered 404 for one not served); any other spelling is not found."""
    if not is_this_council(council):
        abort(404)
    return current_service()


def council_title(what: str) -> Callable[..., str]:
    """A council page's title, for Dash's register_page: what the page is, the council's short
    name, and the product's; a page outside any council is simply not found."""

    def title(council: str = "", **_variables: str) -> str:
        if not is_this_council(council):
            return f"Page not found - {PRODUCT}"
        return f"{what}, {current_service().council.profile.short_name} - {PRODUCT}"

    return title


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]
