"""/readyz, for the load balancer: 200 when the database answers, else 503 (a Redis that does
not answer is named, but the app serves without it); the body names each dependency's state and nothing else (no address, no
error text: those go to the log). /healthz, that the process is alive, is web/signin.py's."""

from __future__ import annotations

from typing import Protocol

from flask import Flask, Response, current_app, jsonify

from web.access import Access, requires

DEPENDENCIES_KEY = "lfi-dependencies"


class State(Protocol):
    @property
    def database(self) -> str: ...

    @property
    def redis(self) -> str: ...

    @property
    def ready(self) -> bool: ...


class Dependencies(Protocol):
    """services.health.Dependencies, as the web layer sees it: that module reaches the database,
    which nothing here may import."""

    def readiness(self) -> State: ...

    def queue_depth(self, queue: str) -> int | None: ...


def dependencies() -> Dependencies:
    return current_app.extensions[DEPENDENCIES_KEY]


@requires(Access.PUBLIC)
def ready() -> Response:
    state = dependencies().readiness()
    response = jsonify({"database": state.database, "redis": state.redis})
    response.status_code = 200 if state.ready else 503
    return response


def register_health_routes(server: Flask, probes: Dependencies) -> None:
    server.extensions[DEPENDENCIES_KEY] = probes
    server.add_url_rule("/readyz", "ready", ready)
