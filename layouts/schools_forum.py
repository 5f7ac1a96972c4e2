"""/schools-forum: the 15 measures reported to every Schools Forum, in the paper's order, large
enough to read on a projector and laid out to print one to a block."""

from __future__ import annotations

import dash
from dash import html

from layouts._shared.components import demo_notice
from layouts._shared.context import current_service
from layouts._shared.measures import measure_card
from storage.periods import period_sort_key

dash.register_page(
    __name__,
    path="/schools-forum",
    name="Schools Forum",
    order=3,
    title="Schools Forum view - Local First Inclusion",
)


def _pack_links(snapshot) -> html.Section:
    """The pack for the latest term with one click, and for the terms before it."""
    terms = sorted(
        {s.period for s in snapshot.submissions if s.period != "plan"},
        key=period_sort_key,
        reverse=True,
    )
    if not terms:
        return html.P("The pack needs a termly return: none has been loaded yet.")
    links = [
        html.Li(
            html.A(
                f"Schools Forum pack for {term} (PDF)",
                href=f"/download/pack.pdf?period={term.replace(' ', '+')}",
                download="",
                className="button" if i == 0 else None,
            )
        )
        for i, term in enumerate(terms[:6])
    ]
    return html.Section(
        [
            html.H2("The pack for the meeting"),
            html.P(
                "A PDF: cover, status of all 46 measures, these 15 measures with their charts "
                "and commentary, and the symbol key. Small counts are withheld as [c]. It takes "
                "about ten seconds to make."
            ),
            html.Ul(links, className="pack-links"),
        ]
    )


def layout(**_query: str) -> html.Div:
    service = current_service()
    snapshot = service.snapshot()
    measures = sorted(
        (m for m in service.catalogue.measures if m.schools_forum), key=lambda m: m.paper_ref
    )
    return html.Div(
        className="page page--schools-forum",
        children=[
            html.H1("Schools Forum: the 15 measures reported each meeting"),
            demo_notice() if snapshot.is_demo else None,
            html.P(
                "The subset of measures the Schools Forum receives at every meeting, in the order "
                "of the paper of 17 May 2023. Each shows the latest figure, its plan or target, "
                "its status and its chart. Print this page for the meeting pack.",
                className="lede",
            ),
            _pack_links(snapshot),
            html.Div(className="sf-grid", children=[measure_card(m, snapshot) for m in measures]),
        ],
    )
