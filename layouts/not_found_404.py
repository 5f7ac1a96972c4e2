"""The page shown for an address the dashboard does not have."""

import dash
from dash import dcc, html

from web.access import Access

dash.register_page(
    __name__, path="/404", title="Page not found - Local First Inclusion", access=Access.PUBLIC_VIEW
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Page not found"),
            html.P("If you typed the web address, check it is correct."),
            html.P(["Go to the ", dcc.Link("DSG recovery plan", href="/plan"), "."]),
        ]
    )
