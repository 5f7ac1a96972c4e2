"""/workstream/<number>: the measures most aligned to one workstream, each with its chart,
plan or target, comparators and status."""

from __future__ import annotations

import dash
from dash import dcc, html

from kpis.workstreams import WORKSTREAMS, workstream
from layouts._shared.components import demo_notice
from layouts._shared.context import current_service
from layouts._shared.measures import measure_card


def _title(number: str = "") -> str:
    found = workstream(int(number)) if number.isdigit() else None
    if found is None:
        return "Workstream not found - Local First Inclusion"
    return f"Workstream {found.number}: {found.name} - Local First Inclusion"


dash.register_page(
    __name__,
    path_template="/workstream/<number>",
    name="Workstreams",
    order=2,
    title=_title,
)


def _other_workstreams(current: int) -> html.Nav:
    return html.Nav(
        className="filters",
        **{"aria-label": "Workstreams"},
        children=html.Ul(
            className="filter__options",
            children=[
                html.Li(
                    html.Span(
                        [
                            f"Workstream {w.number}",
                            html.Span(" (this page)", className="visually-hidden"),
                        ],
                        className="filter__option filter__option--current",
                        **{"aria-current": "page"},
                    )
                    if w.number == current
                    else dcc.Link(
                        f"Workstream {w.number}",
                        href=f"/workstream/{w.number}",
                        className="filter__option",
                    )
                )
                for w in WORKSTREAMS
            ],
        ),
    )


def _not_found(number: str) -> html.Div:
    return html.Div(
        className="page",
        children=[
            html.H1("Workstream not found"),
            html.P(f"There is no workstream {number!r}. The programme has workstreams 1 to 5."),
            html.P(dcc.Link("Workstream 1", href="/workstream/1")),
        ],
    )


def layout(number: str = "", **_query: str) -> html.Div:
    found = workstream(int(number)) if number.isdigit() else None
    if found is None:
        return _not_found(number)
    service = current_service()
    snapshot = service.snapshot()
    measures = [m for m in service.catalogue.measures if found.number in m.workstreams]
    demo = any(s.is_demo for s in snapshot.submissions)
    return html.Div(
        className="page page--workstream",
        children=[
            _other_workstreams(found.number),
            html.H1(f"Workstream {found.number}: {found.name}"),
            demo_notice() if demo else None,
            html.P(found.aim, className="lede"),
            html.P(
                f"{len(measures)} measures are most aligned to this workstream, as the Schools "
                "Forum paper lists them. Each chart shows the figures against the plan or target; "
                "open a measure for its definition, sources and history."
            ),
            *[measure_card(m, snapshot, level=2) for m in measures],
        ],
    )
