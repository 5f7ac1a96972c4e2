"""The template downloads on a council's upload page (/c/<council>/upload/template/...): plain
links, so they work from any browser, each shaped by the council's plan; and the upload size
limit, enforced on the request itself."""

from __future__ import annotations

import io

from flask import Flask, Response, abort, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from layouts._shared.context import current_settings, route_service
from loaders.templates import FAMILIES, write_template
from web.access import Access, requires


@requires(Access.UPLOAD)
def _template(council: str, family: str) -> Response:
    service = route_service(council)
    if family not in FAMILIES:
        abort(404)
    buffer = io.BytesIO()
    write_template(family, buffer, shape=service.council.shape)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"lfi-{family}-template.xlsx",
    )


def decoded_size(data_url: str) -> int:
    """The size in bytes of the file a base64 data URL carries (dcc.Upload's ``contents``),
    worked out from its length: four characters carry three bytes, less the padding."""
    _header, _, encoded = data_url.partition(",")
    return len(encoded) * 3 // 4 - encoded[-2:].count("=")


def _sent_values(body: dict) -> list:
    values = []
    for item in [*body.get("inputs", []), *body.get("state", [])]:
        # a pattern-matching input is a list of such items
        for one in item if isinstance(item, list) else [item]:
            if isinstance(one, dict):
                values.append(one.get("value"))
    return values


def _refuse_large_uploads() -> None:
    """A callback request carrying a file over LFI_MAX_UPLOAD_MB is refused before anything reads
    it: the body is base64 inside JSON, so its length alone cannot tell the file's size."""
    if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
        return
    body = request.get_json(silent=True)
    limit = current_settings().max_upload_bytes
    for value in _sent_values(body if isinstance(body, dict) else {}):
        if isinstance(value, str) and value.startswith("data:") and decoded_size(value) > limit:
            raise RequestEntityTooLarge()


def _too_large(_error: RequestEntityTooLarge) -> Response:
    limit = current_settings().max_upload_mb
    return Response(
        f"The file is larger than the upload limit of {limit} MB. Nothing was kept or stored. "
        f"Upload a workbook of {limit} MB or less.",
        status=413,
        mimetype="text/plain",
    )


def register_upload_routes(server: Flask) -> None:
    server.add_url_rule("/c/<council>/upload/template/<family>.xlsx", "upload_template", _template)
    server.before_request(_refuse_large_uploads)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
