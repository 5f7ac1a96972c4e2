"""Small page parts used on more than one page: tables, status tags, notices, chart blocks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import ComponentType
from flask import has_request_context

from domain.roles import Permission
from kpis.wording import STATUS_WORDS
from layouts._shared.context import council_path
from web.guard import current_actor

STATUS_ICONS = {"green": "✓", "amber": "!", "red": "✕"}
# A measure's raw "none" (nothing to compare) is shown as "no target" unless a page knows why.
STATUS_ALIASES = {"none": "no_target"}
# The public view withholds the status of a figure it shows as [c]: the status would give the
# figure away (layouts/_shared/viewer.py).
SHOWN_STATUS_WORDS = {**STATUS_WORDS, "withheld": ("Withheld", "[c], it rests on a small count")}
GRAPH_CONFIG: dcc.Graph.Config = {"displayModeBar": False, "responsive": True}


def aria(**attributes: str) -> dict[str, Any]:
    """ARIA attributes for a component, spread into it: ``**aria(label="Main")``. Dash takes
    them by their HTML names ("aria-label"), which are not Python names; the value type is Any
    because the spread also meets the component's named properties, which Dash types."""
    return {f"aria-{name}": value for name, value in attributes.items()}


def status_tag(status: str, *, meaning: str | None = None) -> html.Span:
    """The status by icon, word and meaning; ``meaning`` says more exactly why there is none."""
    key = STATUS_ALIASES.get(status, status)
    word, usual = SHOWN_STATUS_WORDS[key]
    icon = STATUS_ICONS.get(key, "–")
    why = " status--why" if meaning and meaning != usual else ""
    return html.Span(
        className=f"status status--{key if key in STATUS_ICONS else 'none'}{why}",
        children=[
            html.Span(icon, className="status__icon", **aria(hidden="true")),
            f"{word}: {meaning or usual}",
        ],
    )


def demo_notice(*, several: bool = False) -> html.Div:
    """The notice on every page that shows demo figures: they are made up, and not the
    council's (``several``: not the councils')."""
    whose = "the councils' own" if several else "the council's own"
    return html.Div(
        className="notice notice--demo",
        children=[
            html.Strong("Demo data. "),
            "These figures are loaded to show how the dashboard works: the outturn and forecasts "
            f"are made up, and they are not {whose} figures.",
        ],
    )


def scrolling_table(
    *, caption: str, headers: Sequence[str], body: Sequence[html.Tr], table_id: str | None = None
) -> html.Div:
    """A table whose rows the caller builds, in a region that scrolls sideways on a phone."""
    return html.Div(
        className="table-scroll",
        tabIndex="0",
        role="region",
        **aria(label=caption),
        children=html.Table(
            id=table_id,
            className="data-table",
            children=[
                html.Caption(caption),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
                html.Tbody(list(body)),
            ],
        ),
    )


def data_table(
    *,
    caption: str,
    headers: Sequence[ComponentType],
    rows: Sequence[Sequence[ComponentType]],
    table_id: str | None = None,
    emphasised_rows: set[int] | None = None,
    emphasis_note: str = "",
    text_columns: set[int] | None = None,
    download: str | None = None,
) -> html.Div:
    """An HTML table: the first column names the row; the table scrolls sideways on a phone.

    Emphasised rows are bold, and ``emphasis_note`` tells screen readers why. Columns are
    numbers, aligned right, except those counted (from 0) in ``text_columns``.
    """
    emphasised_rows = emphasised_rows or set()
    text_columns = text_columns or set()

    def align(column: int) -> str | None:
        return None if column in text_columns else "num"

    body = []
    for index, row in enumerate(rows):
        label, *cells = row
        emphasised = index in emphasised_rows
        if emphasised and emphasis_note:
            note = html.Span(f" ({emphasis_note})", className="visually-hidden")
            if isinstance(label, str) or not isinstance(label, Sequence):
                label = [label, note]
            else:  # a label of several parts takes the note as one more
                label = [*label, note]
        body.append(
            html.Tr(
                className="row--derived" if emphasised else None,
                children=[html.Th(label, scope="row")]
                + [html.Td(cell, className=align(i)) for i, cell in enumerate(cells, start=1)],
            )
        )
    table = html.Table(
        id=table_id,
        className="data-table",
        children=[
            html.Caption(caption),
            html.Thead(
                html.Tr(
                    [html.Th(headers[0], scope="col")]
                    + [
                        html.Th(h, scope="col", className=align(i))
                        for i, h in enumerate(headers[1:], start=1)
                    ]
                )
            ),
            html.Tbody(body),
        ],
    )
    region = html.Div(
        className="table-scroll",
        tabIndex="0",
        role="region",
        **aria(label=caption),
        children=table,
    )
    if download is None or not downloads_offered():
        return region
    return html.Div([region, table_downloads(download, caption)])


def downloads_offered() -> bool:
    """The downloads are for accounts: the public view offers none (and outside a request no one
    is known to be looking)."""
    return has_request_context() and current_actor().may(Permission.READ)


def _download_link(href: str, label: str, what: str) -> html.A:
    return html.A(
        [label, html.Span(f" of {what}", className="visually-hidden")],
        href=href,
        download="",
        className="download-link",
    )


def table_downloads(key: str, caption: str, *, withheld: bool = True) -> html.P:
    return html.P(
        className="downloads",
        children=[
            "Download this table: ",
            _download_link(council_path(f"/download/table/{key}.csv"), "CSV", caption),
            ", ",
            _download_link(council_path(f"/download/table/{key}.xlsx"), "XLSX", caption),
            " (small counts are withheld as [c])." if withheld else ".",
        ],
    )


def chart_downloads(key: str, title: str, summary: str, note: str = "") -> html.Div:
    """Image downloads for a report, with the sentence to paste as the image's alt text (the
    published image's own summary, which leaves out withheld figures); ``note`` says what the
    image leaves out that the page shows, so the two sentences are not read as disagreeing."""
    links: list[html.A | str] = []
    for fmt, label in (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF")):
        links += [_download_link(council_path(f"/download/chart/{key}.{fmt}"), label, title), ", "]
    return html.Div(
        className="downloads",
        children=[
            html.P(["Download this chart: ", *links[:-1], "."]),
            html.P(note) if note else None,
            html.P(["Alt text to paste with the image: ", html.Q(summary)]),
        ],
    )


HEADINGS = {2: html.H2, 3: html.H3, 4: html.H4}


def chart_block(
    *,
    graph_id: str,
    title: str,
    figure: go.Figure | dict,
    summary: str,
    level: int = 3,
    table: html.Div | None = None,
    source: str = "",
    download: str | None = None,
    alt_text: str | None = None,
    alt_note: str = "",
) -> html.Figure:
    """A chart under its active title, with its one-sentence summary as the caption screen
    readers announce, and its figures as a table behind a plain disclosure control."""
    summary_id = f"{graph_id}-summary"
    return html.Figure(
        className="chart",
        children=[
            HEADINGS[level](title, id=f"{graph_id}-title", className="chart__title"),
            html.Div(
                role="img",
                **aria(labelledby=summary_id),
                children=dcc.Graph(
                    id=graph_id, figure=figure, config=GRAPH_CONFIG, className="chart__graph"
                ),
            ),
            html.Figcaption(
                className="chart__summary",
                children=[
                    html.Span(summary, id=summary_id),
                    html.Span(source, className="chart__source") if source else None,
                ],
            ),
            chart_downloads(download, title, alt_text or summary, alt_note)
            if download and downloads_offered()
            else None,
            html.Details(
                className="chart__data",
                children=[html.Summary("Show the figures as a table"), table],
            )
            if table is not None
            else None,
        ],
    )


DIRECTION_WORDS = {
    "improving": "Improving",
    "worsening": "Worsening",
    "no change": "No change",
    "not judged": "Not judged",
}


def direction_text(direction: str | None) -> str:
    if direction is None:
        return "Not judged"
    return DIRECTION_WORDS.get(direction, direction or "Not judged")


def option_links(
    options: Sequence[tuple[str, str, bool]], *, current: str = "true", note: str = " (selected)"
) -> html.Ul:
    """Choices as links, (text, address, chosen): the chosen one is marked, not a link."""
    return html.Ul(
        className="filter__options",
        children=[
            html.Li(
                html.Span(
                    [text, html.Span(note, className="visually-hidden")],
                    className="filter__option filter__option--current",
                    **aria(current=current),
                )
                if chosen
                else dcc.Link(text, href=href, className="filter__option")
            )
            for text, href, chosen in options
        ],
    )


def option_group(label: str, label_id: str, options, **attributes) -> html.Div:
    """A labelled group of option links: a filter, a choice of round."""
    return html.Div(
        className="filter",
        role="group",
        **aria(labelledby=label_id),
        **attributes,
        children=[html.P(label, id=label_id, className="filter__label"), option_links(options)],
    )


def page_not_found() -> html.Div:
    """What an address the dashboard does not have shows (the 404 page, and a council page whose
    address is not exactly its own). The link starts again from the top, a whole page load."""
    return html.Div(
        className="page",
        children=[
            html.H1("Page not found"),
            html.P("If you typed the web address, check it is correct."),
            html.P(["Go to the ", html.A("start page", href="/"), "."]),
        ],
    )


def not_found(title: str, text: str, link_text: str, href: str) -> html.Div:
    return html.Div(
        className="page",
        children=[html.H1(title), html.P(text), html.P(dcc.Link(link_text, href=href))],
    )
