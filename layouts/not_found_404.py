"""The page shown for an address the dashboard does not have."""

import dash
from dash import html

from layouts._shared.components import page_not_found
from web.access import Access

dash.register_page(
    __name__, path="/404", title="Page not found - Local First Inclusion", access=Access.PUBLIC_VIEW
)


def layout(**_query: str) -> html.Div:
    return page_not_found()
