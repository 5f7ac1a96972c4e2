"""Downloads: every chart as PNG, SVG or PDF, every table as CSV or XLSX, the Schools Forum pack,
the DfE return and the audit trail, each a council's (/c/<council>/download/...). Each is for
accounts only (the public view offers none), and each one sent is in the council's audit trail:
who took which file.

The pack and the return's files take seconds of Chromium: with Redis and a worker listening
they are made by the worker (exports/tasks.py) and the request goes on to the job's page
(/c/<council>/jobs/<key>), whose state (.../status, JSON) and file (.../file) are its owner's
alone; without, they are made here, within the request."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, abort, current_app, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from domain.roles import Permission
from exports import tasks
from exports.audit import audit_table
from exports.charts import FORMATS, ChartExportError, ChartRenderer, chart
from exports.pack import PackError, read_meeting
from exports.pdf import PdfError
from exports.reports import pack_term
from exports.tables import table_for
from exports.tabular import to_csv, to_xlsx
from kpis.rounds import RoundError, parse_round
from layouts._shared.audit_filter import read_audit_query
from layouts._shared.context import council_path, current_settings, route_service
from services.interface import Service
from services.jobs import JobRequest, Jobs, JobsBusy, JobsUnavailable, jobs_for, usable_jobs
from web.access import Access, requires
from web.guard import current_actor

RENDERER_KEY = "lfi-charts"
TABLE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _attachment(service: Service, data: bytes, mimetype: str, name: str) -> Response:
    """The file, recorded in the council's audit trail as exported by whoever asked."""
    service.record_export(current_actor(), name)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Access.READ)
def _chart(council: str, key: str, fmt: str) -> Response:
    service = route_service(council)
    if fmt not in FORMATS:
        abort(404)
    snapshot = service.snapshot()
    item = chart(key, snapshot, service.catalogue, threshold=current_settings().suppress_threshold)
    if item is None:
        abort(404)
    renderer: ChartRenderer = current_app.extensions[RENDERER_KEY]
    try:
        data = renderer.render(item, fmt, snapshot.version)
    except ChartExportError as error:
        return Response(str(error), status=503, mimetype="text/plain")
    return _attachment(service, data, FORMATS[fmt], f"lfi-{key}.{fmt}")


@requires(Access.READ)
def _table(council: str, key: str, fmt: str) -> Response:
    service = route_service(council)
    if fmt not in TABLE_FORMATS:
        abort(404)
    table = table_for(
        key,
        service.snapshot(),
        service.catalogue,
        threshold=current_settings().suppress_threshold,
    )
    if table is None:
        abort(404)
    mimetype, write = TABLE_FORMATS[fmt]
    return _attachment(service, write(table), mimetype, f"lfi-{key}.{fmt}")


def _again() -> str:
    """This request's address, to start the same work again from a failed job's page."""
    return request.full_path.rstrip("?")


def _queued(task, args: tuple, job: JobRequest) -> BaseResponse | None:
    """On to the page of a job that makes the file, when a worker is at hand; None: make it
    here, as without Redis."""
    jobs = usable_jobs(current_settings().redis_url)
    if jobs is None:
        return None
    try:
        key = jobs.start(task, args, job)
    except JobsUnavailable:
        return None
    except JobsBusy as busy:
        return Response(str(busy), status=429, mimetype="text/plain")
    return redirect(council_path(f"/jobs/{key}"), 303)


@requires(Access.WRITE_NOTES)
def _pack(council: str) -> BaseResponse:
    service = route_service(council)
    renderer: ChartRenderer = current_app.extensions[RENDERER_KEY]
    try:
        meeting = read_meeting(
            request.args.get("meeting"),
            request.args.get("meeting_date"),
            request.args.get("agenda_item"),
        )
    except PackError:
        # back to the form, which checks the same fields and says what is wrong beside them,
        # with everything typed kept
        return redirect(
            council_path("/schools-forum?" + urlencode(_pack_fields()) + "#pack-errors"), 303
        )
    try:
        term = pack_term(service, request.args.get("period") or None)
    except PackError as error:
        return Response(str(error), status=404, mimetype="text/plain")
    job = JobRequest(
        owner=current_actor(),
        what=f"The Schools Forum pack for {term}",
        again=_again(),
        needs=Permission.WRITE_NOTES,
        dedupe=f"pack {term} {meeting}",
        timeout=tasks.PACK_TIMEOUT,
    )
    queued = _queued(tasks.pack_job, (service.council.la_code, term, meeting), job)
    if queued is not None:
        return queued
    try:
        made = tasks.pack_file(service, renderer, term=term, meeting=meeting)
    except PackError as error:
        return Response(str(error), status=404, mimetype="text/plain")
    except (PdfError, ChartExportError) as error:
        return Response(str(error), status=503, mimetype="text/plain")
    return _attachment(service, made.data, made.mimetype, made.name)


PACK_FIELDS = ("period", "meeting", "meeting_date", "agenda_item")


def _pack_fields() -> dict[str, str]:
    return {key: request.args.get(key, "")[:200] for key in PACK_FIELDS}


RETURN_FILES = {
    "annex.xlsx": "KPI annex",
    "report.docx": "monitoring report (DOCX)",
    "report.pdf": "monitoring report (PDF)",
}


@requires(Access.READ)
def _return_file(council: str, slug: str, name: str) -> BaseResponse:
    service = route_service(council)
    if name not in RETURN_FILES:
        abort(404)
    try:
        chosen = parse_round(slug)
    except RoundError:
        abort(404)
    job = JobRequest(
        owner=current_actor(),
        what=f"The DfE return's {RETURN_FILES[name]} for {chosen.name}",
        again=_again(),
        needs=Permission.READ,
        dedupe=f"return {chosen.slug} {name}",
        timeout=tasks.RETURN_TIMEOUT,
    )
    queued = _queued(tasks.return_job, (service.council.la_code, chosen.slug, name), job)
    if queued is not None:
        return queued
    try:
        made = tasks.return_file(service, chosen, name)
    except PdfError as error:
        return Response(str(error), status=503, mimetype="text/plain")
    return _attachment(service, made.data, made.mimetype, made.name)


def _jobs(council: str) -> Jobs:
    """The job queue, for a route of the council's jobs; 404 without Redis."""
    route_service(council)
    jobs = jobs_for(current_settings().redis_url)
    if jobs is None:
        abort(404)
    return jobs


@requires(Access.READ)
def _job_status(council: str, key: str) -> Response:
    """A job's state as JSON: for its owner in its council only (404 for anyone else)."""
    try:
        state = _jobs(council).state(key, current_actor())
    except JobsUnavailable:
        abort(503)
    if state is None:
        abort(404)
    return jsonify(
        status=state.status.value,
        what=state.what,
        stage=state.stage,
        started_again=state.started_again,
        ahead=state.ahead,
        no_worker=state.no_worker,
        failure=state.failure,
        again=state.again,
        file=council_path(f"/jobs/{key}/file") if state.file_name else None,
        file_name=state.file_name,
        kept_until=state.kept_until.isoformat() if state.kept_until else None,
    )


@requires(Access.READ)
def _job_file(council: str, key: str) -> Response:
    """The file a job made, for its owner while they may still have it (404 for anyone else);
    recorded as exported by them, as any download is."""
    try:
        made = _jobs(council).file(key, current_actor())
    except JobsUnavailable:
        abort(503)
    if made is None:
        abort(404)
    return _attachment(route_service(council), made.data, made.mimetype, made.name)


AUDIT_PATH = "/audit"


@requires(Access.ADMINISTER)
def _audit_csv(council: str) -> BaseResponse:
    """The events the council's audit page shows for the same filters, every one of them: a
    filter that cannot be read sends the admin back to the page, which says what is wrong."""
    service = route_service(council)
    query = read_audit_query(request.args)
    if query.errors:
        return redirect(query.address(council_path(AUDIT_PATH)) + "#audit-errors", 303)
    records = service.audit_events(current_actor(), query.wanted)
    return _attachment(
        service, to_csv(audit_table(records)), TABLE_FORMATS["csv"][0], "lfi-audit.csv"
    )


def register_download_routes(server: Flask) -> None:
    server.extensions[RENDERER_KEY] = ChartRenderer()
    server.add_url_rule("/c/<council>/download/chart/<key>.<fmt>", "download_chart", _chart)
    server.add_url_rule("/c/<council>/download/table/<key>.<fmt>", "download_table", _table)
    server.add_url_rule("/c/<council>/download/pack.pdf", "download_pack", _pack)
    server.add_url_rule(
        "/c/<council>/download/return/<slug>/<name>", "download_return", _return_file
    )
    server.add_url_rule("/c/<council>/download/audit.csv", "download_audit", _audit_csv)
    # <key>, a job's random id (services/jobs.py)
    server.add_url_rule("/c/<council>/jobs/<key>/status", "job_status", _job_status)
    server.add_url_rule("/c/<council>/jobs/<key>/file", "job_file", _job_file)
