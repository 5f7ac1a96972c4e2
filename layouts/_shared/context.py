"""The services a page reads from, attached to the Flask server by app.create_app."""

from __future__ import annotations

from flask import current_app

from services.interface import Service
from settings import Settings

EXTENSION_KEY = "lfi"
SETTINGS_KEY = "lfi-settings"


def current_service() -> Service:
    return current_app.extensions[EXTENSION_KEY]


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]
