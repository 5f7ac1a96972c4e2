"""/c/<council>/return: the council's DfE tri-annual return for a round: the answers and condition RAGs entered so far,
the link to change them, and the annex, report and PDF to send."""

from __future__ import annotations

from datetime import date

import dash
from dash import html

from domain.roles import Permission
from kpis.dfe_template import QUESTIONS, RAGS, condition_item
from kpis.rounds import RoundError, latest_round, parse_round, rounds_to_offer
from layouts._shared.components import (
    demo_notice,
    option_group,
    page_not_found,
    scrolling_table,
)
from layouts._shared.context import (
    council_path,
    council_title,
    current_service,
    current_settings,
    is_this_council,
)
from layouts._shared.viewer import current_viewer
from web.access import Access

dash.register_page(
    __name__,
    path_template="/c/<council>/return",
    name="DfE return",
    order=8,
    title=council_title("DfE tri-annual return"),
    access=Access.READ,
)


def _rounds(chosen, today: date) -> html.Div:
    options = [
        (r.name, council_path(f"/return?round={r.slug}"), r.name == chosen.name)
        for r in rounds_to_offer(today)
    ]
    return option_group("Reporting round", "return-rounds-label", options)


def _entry(entries, item: str) -> tuple[str | None, str, str]:
    versions = entries.get(item, [])
    if not versions:
        return None, "Not yet entered.", ""
    latest = versions[0]
    by = f"{latest.written_by}, {latest.written_at:%d %B %Y %H:%M} UTC"
    if len(versions) > 1:
        by += f"; {len(versions) - 1} earlier version{'s' if len(versions) > 2 else ''} kept"
    return latest.rag, latest.text or "No progress update entered.", by


def _downloads(chosen) -> html.Ul:
    base = council_path(f"/download/return/{chosen.slug}")
    files = (
        ("annex.xlsx", "KPI annex and DSG plan (XLSX)"),
        ("report.docx", "Monitoring report (DOCX)"),
        ("report.pdf", "Monitoring report (PDF)"),
    )
    # With Redis a worker may make the file, on a page of its own: a link marked for download
    # would save that page instead.
    jobs = current_settings().redis_url is not None
    return html.Ul(
        [
            html.Li(
                html.A(label, href=f"{base}/{name}")
                if jobs
                else html.A(label, href=f"{base}/{name}", download="")
            )
            for name, label in files
        ]
    )


def layout(council: str = "", round: str = "", **_query: str) -> html.Div:  # noqa: A002
    if not is_this_council(council):
        return page_not_found()
    today = date.today()
    try:
        chosen = parse_round(round) if round else latest_round(today)
    except RoundError as error:
        return html.Div(className="page", children=[html.H1("Round not found"), html.P(str(error))])
    service = current_service()
    entries = service.return_entries(chosen.name)
    questions = []
    for item, question in QUESTIONS:
        _, text, by = _entry(entries, item)
        questions += [html.Dt(question), html.Dd([html.P(text), html.P(by, className="source")])]
    rows = []
    conditions = service.council.profile.conditions
    for number, condition in enumerate(conditions, start=1):
        rag, text, by = _entry(entries, condition_item(number))
        word = RAGS.get(rag, "Not assessed") if rag else "Not assessed"
        rows.append(
            html.Tr(
                [
                    html.Th(f"Condition {number}: {condition}", scope="row"),
                    html.Td(html.Span(word, className=f"rag rag--{rag}" if rag else "rag")),
                    html.Td([html.P(text), html.P(by, className="source")]),
                ]
            )
        )
    return html.Div(
        className="page page--return",
        children=[
            html.H1(f"DfE tri-annual return: {chosen.name}"),
            demo_notice() if service.snapshot().is_demo else None,
            html.P(
                f"Due {chosen.due:%d %B %Y}, reporting the {chosen.term} term: the "
                f"{len(QUESTIONS)} questions and items of the DfE's template, the "
                f"{len(conditions)} conditions of the agreement with their assurance level, and "
                f"the {len(service.catalogue.measures)} measures with the DSG plan in the annex.",
                className="lede",
            ),
            _rounds(chosen, today),
            html.H2("Download the return"),
            _downloads(chosen),
            html.P(
                html.A(
                    f"Write or change the answers for {chosen.name}",
                    href=council_path(f"/return/{chosen.slug}/edit"),
                    className="button",
                )
            )
            if current_viewer().may(Permission.WRITE_NOTES)
            else None,
            html.H2("Questions"),
            html.Dl(className="definitions", children=questions),
            html.H2("Agreement conditions"),
            scrolling_table(
                caption=f"Assurance level and progress for {chosen.name}",
                headers=["Condition", "Assurance level", "Progress update"],
                body=rows,
                table_id="return-conditions",
            ),
        ],
    )
