"""/c/<council>/schools-forum: the measures the council reports to every Schools Forum, in its
paper's order, large enough to read on a projector and laid out to print one to a block."""

from __future__ import annotations

import dash
from dash import dcc, html

from domain.periods import period_sort_key
from domain.roles import Permission
from exports.pack import AGENDA_ITEM_MAX, MEETING_NAME_MAX, PackError, read_meeting
from layouts._shared.components import aria, demo_notice, page_not_found
from layouts._shared.context import (
    council_path,
    council_title,
    current_service,
    current_settings,
    is_this_council,
)
from layouts._shared.measures import measure_card
from layouts._shared.viewer import current_viewer
from web.access import Access

dash.register_page(
    __name__,
    path_template="/c/<council>/schools-forum",
    name="Schools Forum",
    order=3,
    title=council_title("Schools Forum view"),
    access=Access.READ,
)


def _field(
    key: str, label: str, hint: str, *, value: str, error: str | None, **attributes
) -> html.Div:
    return html.Div(
        className="form-group form-group--error" if error else "form-group",
        children=[
            # dcc.Input takes no aria-describedby, so the hint and the error are read as part of
            # the label.
            html.Label(
                [
                    label,
                    html.Span(hint, className="form-hint"),
                    html.Span(f"Error: {error}", className="error-message") if error else None,
                ],
                htmlFor=f"sf-pack-{key}",
                className="form-label",
            ),
            dcc.Input(
                id=f"sf-pack-{key}",
                name=key,
                type="text",
                className="form-input",
                value=value,
                **attributes,
            ),
        ],
    )


def _pack_problem(query: dict[str, str]) -> PackError | None:
    """What is wrong with the meeting typed, when the pack's route sent the form back."""
    try:
        read_meeting(query.get("meeting"), query.get("meeting_date"), query.get("agenda_item"))
    except PackError as error:
        return error
    return None


def _error_summary(problem: PackError) -> html.Div:
    return html.Div(
        id="pack-errors",
        className="error-summary",
        role="alert",
        tabIndex="-1",
        **aria(labelledby="pack-errors-title"),
        children=[
            html.H2("There is a problem", id="pack-errors-title", className="error-summary__title"),
            html.Ul(
                className="error-summary__list",
                children=[html.Li(html.A(str(problem), href=f"#sf-pack-{problem.field}"))],
            ),
        ],
    )


def _pack_form(snapshot, query: dict[str, str]) -> html.Section | html.P:
    """The pack for a term and a meeting: the cover names the meeting, its date and agenda
    item. A plain GET form, so it works without JavaScript; the download route checks it."""
    terms = sorted(
        {s.period for s in snapshot.submissions if s.period != "plan" and s.family != "dsg"},
        key=period_sort_key,
        reverse=True,
    )
    if not terms:
        return html.P("The pack needs a termly return: none has been loaded yet.")
    problem = _pack_problem(query)
    error = {problem.field: str(problem)} if problem and problem.field else {}
    return html.Section(
        id="pack-form",
        children=[
            html.H2("The pack for the meeting"),
            _error_summary(problem) if problem else None,
            html.P(
                "A PDF: a cover naming the meeting, the status of all measures, these measures "
                "with their charts and commentary, and the symbol key. Small counts are "
                "withheld as [c]. It takes about ten seconds to make"
                + (
                    ": a page shows how far it has got, then the file to download."
                    if current_settings().redis_url
                    else "."
                )
            ),
            html.Form(
                action=council_path("/download/pack.pdf"),
                method="get",
                className="pack-form",
                children=[
                    html.Div(
                        className="form-group",
                        children=[
                            html.Label("Term", htmlFor="sf-pack-period", className="form-label"),
                            html.Select(
                                id="sf-pack-period",
                                name="period",
                                className="form-input",
                                children=[
                                    html.Option(t, value=t, selected=t == query.get("period"))
                                    for t in terms[:6]
                                ],
                            ),
                        ],
                    ),
                    _field(
                        "meeting",
                        "Meeting (optional)",
                        "For example, Schools Forum. Left empty, the cover says the meeting "
                        "is not stated.",
                        value=query.get("meeting", ""),
                        error=error.get("meeting"),
                        maxLength=MEETING_NAME_MAX,
                    ),
                    _field(
                        "meeting_date",
                        "Date of the meeting (optional)",
                        "Year, month and day, for example 2026-12-09",
                        value=query.get("meeting_date", ""),
                        error=error.get("meeting_date"),
                        maxLength=10,
                        inputMode="numeric",
                    ),
                    _field(
                        "agenda_item",
                        "Agenda item (optional)",
                        "For example, 5",
                        value=query.get("agenda_item", ""),
                        error=error.get("agenda_item"),
                        maxLength=AGENDA_ITEM_MAX,
                    ),
                    html.Button("Download the pack (PDF)", type="submit", className="button"),
                ],
            ),
        ],
    )


def layout(council: str = "", **query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    service = current_service()
    viewer = current_viewer()
    snapshot = service.snapshot()
    measures = sorted(
        (m for m in service.catalogue.measures if m.schools_forum), key=lambda m: m.paper_ref
    )
    return html.Div(
        className="page page--schools-forum",
        children=[
            html.H1(
                f"Schools Forum: the {len(measures)} "
                f"{'measure' if len(measures) == 1 else 'measures'} reported each meeting"
            ),
            demo_notice() if snapshot.is_demo else None,
            html.P(
                "The measures the Schools Forum receives at every meeting, in the order of the "
                "council's paper. Each shows the latest figure, its plan or target, its status "
                "and its chart. Print this page for the meeting pack.",
                className="lede",
            ),
            # The pack is the programme lead's to print.
            _pack_form(snapshot, {k: str(v) for k, v in query.items()})
            if viewer.may(Permission.WRITE_NOTES)
            else None,
            html.Div(
                className="sf-grid",
                children=[measure_card(m, snapshot, viewer=viewer) for m in measures],
            ),
        ],
    )
