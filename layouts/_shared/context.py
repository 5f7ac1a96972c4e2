"""The services a page reads from, attached to the Flask server by app.create_app."""

from __future__ import annotations

from flask import current_app

from kpis.service import MeasureService

EXTENSION_KEY = "lfi"


def current_service() -> MeasureService:
    return current_app.extensions[EXTENSION_KEY]
