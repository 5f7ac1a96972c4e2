"""The frame around every page: skip link, header, navigation, main landmark, footer."""

from __future__ import annotations

import dash
from dash import dcc, html

INDEX_STRING = """<!DOCTYPE html>
<html lang="en-GB">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div>
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

NAVIGATION = (
    ("Overview", "/"),
    ("Workstreams", "/workstream/1"),
    ("Schools Forum", "/schools-forum"),
    ("Financial plan", "/plan"),
    ("Upload", "/upload"),
    ("Submissions", "/submissions"),
    ("DfE return", "/return"),
    ("About", "/about"),
)


def build_frame() -> html.Div:
    return html.Div(
        className="app",
        children=[
            html.A("Skip to main content", href="#main-content", className="skip-link"),
            html.Header(
                className="app-header",
                children=html.Div(
                    className="app-header__inner",
                    children=[
                        dcc.Link(
                            "Local First Inclusion KPI dashboard",
                            href="/",
                            className="app-header__title",
                        ),
                        html.Nav(
                            **{"aria-label": "Main"},
                            children=html.Ul(
                                className="app-nav",
                                children=[
                                    html.Li(dcc.Link(name, href=href)) for name, href in NAVIGATION
                                ],
                            ),
                        ),
                    ],
                ),
            ),
            html.Main(
                id="main-content", className="app-main", tabIndex="-1", children=dash.page_container
            ),
            html.Footer(
                className="app-footer",
                children=[
                    html.P(
                        "Local First Inclusion KPI dashboard. Each figure is in its measure's "
                        "unit; every surplus or deficit says in words which it is."
                    ),
                    html.P(
                        [
                            dcc.Link("Accessibility statement", href="/accessibility"),
                            " · ",
                            dcc.Link("About the measures and data", href="/about"),
                        ]
                    ),
                ],
            ),
        ],
    )
