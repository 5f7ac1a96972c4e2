"""The upload's form posts: a workbook in, kept pending until it is confirmed; templates out.

Plain HTML forms rather than callbacks, so that the journey works with the keyboard, without
JavaScript, and after a reload: each step redirects to a page whose address names the upload.
"""

from __future__ import annotations

import io
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, abort, redirect, request, send_file
from sqlalchemy import delete

from layouts._shared.context import current_service, current_settings
from layouts._shared.uploads import pending_check, read_pending
from loaders.submissions import load_workbook
from loaders.templates import FAMILIES, write_template
from storage.database import write_session
from storage.models import PendingUpload

# An upload nobody confirms is forgotten after a day.
PENDING_FOR = timedelta(days=1)
NAME_LIMIT = 120


def _receive() -> Response:
    engine = current_service().engine
    upload = request.files.get("workbook")
    data = upload.read() if upload else b""
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.uploaded_at < now - PENDING_FOR))
        session.add(
            PendingUpload(
                token=token,
                file_name=(upload.filename or "") if upload else "",
                content=data,
                uploaded_at=now,
            )
        )
    return redirect(f"/upload/{token}", code=303)


def _answers() -> tuple[str, str]:
    name = " ".join(request.form.get("loaded_by", "").split())[:NAME_LIMIT]
    return name, request.form.get("reason", "").strip()


def _confirm() -> Response:
    service, settings = current_service(), current_settings()
    token = request.form.get("token", "")
    pending = read_pending(service.engine, token)
    if pending is None:
        abort(404)
    check = pending_check(service, pending, settings)
    name, reason = _answers()
    missing = [what for what, given in (("name", name), ("reason", reason)) if not given]
    if not check.needs_reason and "reason" in missing:
        missing.remove("reason")
    if missing or not check.checked.report.ok:
        _keep_answers(service.engine, token, name, reason, ",".join(missing) or None)
        return redirect(f"/upload/{token}", code=303)
    outcome = load_workbook(
        service.engine,
        pending.content,
        file_name=pending.file_name,
        years=settings.plan_years,
        max_bytes=settings.max_upload_bytes,
        reason=reason or None,
        loaded_by=name,
    )
    if outcome.stored_id is None:
        # Stored by someone else since the check: the page now says what happened.
        _keep_answers(service.engine, token, name, reason, "changed")
        return redirect(f"/upload/{token}", code=303)
    with write_session(service.engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.token == token))
    return redirect(f"/submissions?stored={outcome.stored_id}", code=303)


def _keep_answers(engine, token: str, name: str, reason: str, problem: str | None) -> None:
    with write_session(engine) as session:
        pending = session.get(PendingUpload, token)
        pending.loaded_by, pending.reason, pending.problem = name, reason, problem


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


def _too_large(_error) -> tuple[str, int]:
    limit = current_settings().max_upload_mb
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><title>Error: file too large</title></head>"
        f"<body><h1>The file is larger than {limit} MB</h1><p>Nothing was stored. "
        "<a href='/upload'>Upload a smaller workbook</a>.</p></body></html>",
        413,
    )


def register_upload_routes(server: Flask) -> None:
    server.add_url_rule("/upload/file", "upload_file", _receive, methods=["POST"])
    server.add_url_rule("/upload/confirm", "upload_confirm", _confirm, methods=["POST"])
    server.add_url_rule("/upload/template/<family>.xlsx", "upload_template", _template)
    server.register_error_handler(413, _too_large)
