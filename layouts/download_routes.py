"""Downloads: every chart as PNG, SVG or PDF, every table as CSV or XLSX, the Schools Forum pack,
the DfE return and the audit trail, each a council's (/c/<council>/download/...). Each is for
accounts only (the public view offers none), and each one sent is in the council's audit trail:
who took which file."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, abort, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from exports.audit import audit_table
from exports.charts import FORMATS, ChartExportError, ChartRenderer, chart
from exports.dfe_return import build_annex, build_report_docx, build_report_pdf
from exports.pack import PackError, read_meeting
from exports.pdf import PdfError
from exports.reports import make_pack, return_request
from exports.tables import table_for
from exports.tabular import to_csv, to_xlsx
from kpis.rounds import RoundError, parse_round
from layouts._shared.audit_filter import read_audit_query
from layouts._shared.context import council_path, current_settings, route_service
from services.interface import Service
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


@requires(Access.WRITE_NOTES)
def _pack(council: str) -> BaseResponse:
    service, settings = route_service(council), current_settings()
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
        term, pdf = make_pack(
            service,
            period=request.args.get("period") or None,
            threshold=settings.suppress_threshold,
            renderer=renderer,
            meeting=meeting,
        )
    except PackError as error:
        return Response(str(error), status=404, mimetype="text/plain")
    except (PdfError, ChartExportError) as error:
        return Response(str(error), status=503, mimetype="text/plain")
    slug = term.lower().replace(" ", "-")
    return _attachment(service, pdf, "application/pdf", f"lfi-schools-forum-pack-{slug}.pdf")


PACK_FIELDS = ("period", "meeting", "meeting_date", "agenda_item")


def _pack_fields() -> dict[str, str]:
    return {key: request.args.get(key, "")[:200] for key in PACK_FIELDS}


RETURN_FILES = {
    "annex.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "report.pdf": "application/pdf",
}


@requires(Access.READ)
def _return_file(council: str, slug: str, name: str) -> Response:
    service, settings = route_service(council), current_settings()
    if name not in RETURN_FILES:
        abort(404)
    try:
        chosen = parse_round(slug)
    except RoundError:
        abort(404)
    request_ = return_request(service, chosen, threshold=settings.suppress_threshold)
    build = {"annex.xlsx": build_annex, "report.docx": build_report_docx}.get(
        name, build_report_pdf
    )
    try:
        data = build(request_)
    except PdfError as error:
        return Response(str(error), status=503, mimetype="text/plain")
    return _attachment(service, data, RETURN_FILES[name], f"lfi-dfe-return-{chosen.slug}-{name}")


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
