"""/c/<council>/audit: the council's audit trail for its admins, newest first: who did what, when, to what and from where,
filtered through the address by a plain GET form, with the same events as a CSV download."""

from __future__ import annotations

import dash
from dash import dcc, html

from domain.audit import ACTIONS, OUTCOMES, AuditRecord
from exports.audit import COLUMNS, audit_row
from layouts._shared.audit_filter import AuditQuery, read_audit_query
from layouts._shared.components import aria, page_not_found, scrolling_table
from layouts._shared.context import council_path, council_title, current_service, is_this_council
from web.access import Access
from web.guard import current_actor

dash.register_page(
    __name__,
    path_template="/c/<council>/audit",
    name="Audit trail",
    order=9,
    title=council_title("Audit trail"),
    access=Access.ADMINISTER,
)

SHOWN_AT_MOST = 500
TABLE_ID = "audit-table"
COUNT_ID = "audit-count"
DOWNLOAD_PATH = "/download/audit.csv"  # under the council's address


def _error_summary(errors: tuple[tuple[str, str], ...]) -> html.Div:
    return html.Div(
        id="audit-errors",
        className="error-summary",
        role="alert",
        tabIndex="-1",
        **aria(labelledby="audit-errors-title"),
        children=[
            html.H2(
                "There is a problem", id="audit-errors-title", className="error-summary__title"
            ),
            html.Ul(
                className="error-summary__list",
                children=[html.Li(html.A(message, href=f"#{field}")) for field, message in errors],
            ),
        ],
    )


def _label(text: str, hint: str, error: str | None, field: str) -> html.Label:
    # dcc.Input takes no aria-describedby, so the hint and the error are read as the label.
    return html.Label(
        [
            text,
            html.Span(hint, className="form-hint") if hint else None,
            html.Span(f"Error: {error}", className="error-message") if error else None,
        ],
        htmlFor=field,
        className="form-label",
    )


def _text_field(key: str, text: str, hint: str, query: AuditQuery, errors: dict) -> html.Div:
    field = f"audit-{key}"
    return html.Div(
        className="form-group form-group--error" if field in errors else "form-group",
        children=[
            _label(text, hint, errors.get(field), field),
            dcc.Input(
                id=field,
                name=key,
                type="text",
                className="form-input",
                value=query.typed[key],
                maxLength=254,
                spellCheck="false",
            ),
        ],
    )


def _choice_field(key: str, text: str, options: tuple[str, ...], query: AuditQuery) -> html.Div:
    field = f"audit-{key}"
    return html.Div(
        className="form-group",
        children=[
            _label(text, "", None, field),
            html.Select(
                id=field,
                name=key,
                className="form-input",
                children=[html.Option("Any", value="", selected=not query.typed[key])]
                + [
                    html.Option(option, value=option, selected=option == query.typed[key])
                    for option in options
                ],
            ),
        ],
    )


def _filters(query: AuditQuery) -> html.Form:
    """A plain GET form: the address is the view, so a filtered trail can be shared by link."""
    errors = dict(query.errors)
    return html.Form(
        action=council_path("/audit"),
        method="get",
        className="audit-form",
        children=[
            html.Div(
                className="audit-filters",
                children=[
                    _text_field("actor", "Who", "Part of an e-mail address", query, errors),
                    _choice_field("action", "Action", ACTIONS, query),
                    _choice_field("outcome", "Outcome", OUTCOMES, query),
                    _text_field("from", "From", "For example 2026-11-01", query, errors),
                    _text_field("to", "To", "The last day, included", query, errors),
                ],
            ),
            html.Button("Show events", type="submit", className="button"),
            " ",
            html.A("Clear the filters", href=council_path("/audit"), className="audit-clear"),
        ],
    )


def _row(record: AuditRecord) -> html.Tr:
    at, *cells = audit_row(record)
    return html.Tr(
        [html.Th(html.Time(at, dateTime=record.at.isoformat()), scope="row")]
        + [html.Td(cell or "–") for cell in cells]
    )


def _count(records: list[AuditRecord], filtered: bool) -> html.P:
    which = "match the filters" if filtered else "in the trail"
    if len(records) > SHOWN_AT_MOST:
        text = (
            f"More than {SHOWN_AT_MOST} events {which}: the newest {SHOWN_AT_MOST} are shown. "
            "Narrow the filters to see older ones, or download them all."
        )
    else:
        text = f"{len(records)} event{'' if len(records) == 1 else 's'} {which}."
    return html.P(text, id=COUNT_ID, role="status")


def layout(council: str = "", **args: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    query = read_audit_query(args, limit=SHOWN_AT_MOST + 1)
    records = current_service().audit_events(current_actor(), query.wanted)
    filtered = any(query.typed.values())
    return html.Div(
        className="page page--audit",
        children=[
            html.H1("Audit trail"),
            html.P(
                "Everything done in this council: every upload, check, refusal, confirmation, "
                "correction, commentary, return entry, download and change to its accounts' "
                "roles: who, when, what and from where, newest first. Times are UTC. Nothing "
                "in the trail can be changed or deleted.",
                className="lede",
            ),
            _error_summary(query.errors) if query.errors else None,
            _filters(query),
            _count(records, filtered),
            html.P(
                html.A(
                    "Download as CSV",
                    href=query.address(council_path(DOWNLOAD_PATH)),
                    download="",
                    className="download-link",
                ),
                className="downloads",
            )
            if not query.errors
            else None,
            scrolling_table(
                caption="Audit events, newest first",
                headers=COLUMNS,
                body=[_row(r) for r in records[:SHOWN_AT_MOST]],
                table_id=TABLE_ID,
            )
            if records
            else html.P("No events to show."),
        ],
    )
