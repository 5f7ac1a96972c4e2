"""The template downloads on the upload page: plain links, so they work from any browser."""

from __future__ import annotations

import io

from flask import Flask, Response, abort, send_file

from layouts._shared.context import current_service, current_settings
from loaders.templates import FAMILIES, write_template


def _template(family: str) -> Response:
    if family not in FAMILIES:
        abort(404)
    service, settings = current_service(), current_settings()
    labels = {m.ref: m.label for m in service.catalogue.measures}
    buffer = io.BytesIO()
    write_template(family, buffer, years=settings.plan_years, measure_labels=labels)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"lfi-{family}-template.xlsx",
    )


def register_upload_routes(server: Flask) -> None:
    server.add_url_rule("/upload/template/<family>.xlsx", "upload_template", _template)
