"""/c/<council>/workstream/<number>: the measures most aligned to one workstream, each with its chart,
plan or target, comparators and status."""

from __future__ import annotations

import dash
from dash import html

from domain.council import Workstream
from layouts._shared.components import aria, demo_notice, not_found, option_links, page_not_found
from layouts._shared.context import PRODUCT, council_path, current_service, is_this_council
from layouts._shared.measures import measure_card
from layouts._shared.viewer import current_viewer
from web.access import Access


def _workstream(number: str) -> Workstream | None:
    return current_service().council.profile.workstream(int(number)) if number.isdigit() else None


def _title(council: str = "", number: str = "") -> str:
    if not is_this_council(council):
        return f"Page not found - {PRODUCT}"
    found = _workstream(number)
    short_name = current_service().council.profile.short_name
    if found is None:
        return f"Workstream not found, {short_name} - {PRODUCT}"
    return f"Workstream {found.number}: {found.name}, {short_name} - {PRODUCT}"


dash.register_page(
    __name__,
    path_template="/c/<council>/workstream/<number>",
    name="Workstreams",
    order=2,
    title=_title,
    access=Access.PUBLIC_VIEW,
)


def _other_workstreams(current: int) -> html.Nav:
    options = [
        (f"Workstream {w.number}", council_path(f"/workstream/{w.number}"), w.number == current)
        for w in current_service().council.profile.workstreams
    ]
    return html.Nav(
        className="filters",
        **aria(label="Workstreams"),
        children=option_links(options, current="page", note=" (this page)"),
    )


def layout(council: str = "", number: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    found = _workstream(number)
    if found is None:
        held = current_service().council.profile.workstreams
        if not held:
            return not_found(
                "Workstream not found",
                "The council's profile names no workstreams yet.",
                "Overview",
                council_path("/"),
            )
        return not_found(
            "Workstream not found",
            f"There is no workstream {number!r}. The programme has workstreams "
            + ", ".join(str(w.number) for w in held)
            + ".",
            f"Workstream {held[0].number}",
            council_path(f"/workstream/{held[0].number}"),
        )
    service = current_service()
    viewer = current_viewer()
    snapshot = service.snapshot()
    measures = [m for m in service.catalogue.measures if found.number in m.workstreams]
    return html.Div(
        className="page page--workstream",
        children=[
            _other_workstreams(found.number),
            html.H1(f"Workstream {found.number}: {found.name}"),
            demo_notice() if snapshot.is_demo else None,
            html.P(found.aim, className="lede"),
            html.P(
                f"{len(measures)} {'measure is' if len(measures) == 1 else 'measures are'} most "
                "aligned to this workstream, as the council's catalogue of measures lists them. "
                "Each chart shows the figures against the plan or target; open a measure for its "
                "definition, sources and history."
            ),
            *[measure_card(m, snapshot, viewer=viewer, level=2) for m in measures],
        ],
    )
