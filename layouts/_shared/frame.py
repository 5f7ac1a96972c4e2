"""The frame around every page: skip link, header with who is signed in, navigation by role, main
landmark, footer. Dash asks for it on every page load (app.layout is build_frame), so it is made
for the person asking."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import has_request_context

from domain.actors import ANONYMOUS, Actor
from layouts._shared.components import aria
from layouts._shared.context import current_settings
from web.access import Access, allows
from web.guard import SIGN_IN_PATH, csrf_token, current_actor

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

# Each page in the navigation, with the rule its page declares: a link is shown only to those the
# page would answer.
PAGES = (
    ("Overview", "/", Access.PUBLIC_VIEW),
    ("Workstreams", "/workstream/1", Access.PUBLIC_VIEW),
    ("Schools Forum", "/schools-forum", Access.READ),
    ("Financial plan", "/plan", Access.PUBLIC_VIEW),
    ("Upload", "/upload", Access.UPLOAD),
    ("Submissions", "/submissions", Access.READ),
    ("DfE return", "/return", Access.READ),
    ("Audit trail", "/audit", Access.ADMINISTER),
    ("About", "/about", Access.PUBLIC_VIEW),
)
# The navigation of a programme lead, who reaches every page but the audit trail: what the
# commentary and return forms (layouts/forms.py) show around them.
NAVIGATION = tuple((name, href) for name, href, access in PAGES if access is not Access.ADMINISTER)
SIGN_OUT_PATH = "/sign-out"


def navigation_for(actor: Actor, *, public_view: bool = True) -> tuple[tuple[str, str], ...]:
    """The pages ``actor`` may open: an anonymous visitor is offered the public pages only in the
    public view (otherwise they reach just the accessibility statement, and sign in)."""
    return tuple(
        (name, href)
        for name, href, access in PAGES
        if allows(access, actor, public_view=public_view)
    )


def _account(actor: Actor) -> html.Div:
    """Who is signed in, and the button that signs them out: a plain form posting the session's
    token, so it works without JavaScript and no other site can sign anyone out."""
    if not actor.signed_in:
        return html.Div(
            className="app-account",
            children=html.A("Sign in", href=SIGN_IN_PATH, className="app-account__link"),
        )
    return html.Div(
        className="app-account",
        children=[
            html.P(
                [
                    "Signed in as ",
                    html.Strong(actor.name),
                    f" ({actor.role.title})" if actor.role else "",
                ],
                className="app-account__who",
            ),
            html.Form(
                method="POST",
                action=SIGN_OUT_PATH,
                className="app-account__form",
                children=[
                    dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                    html.Button("Sign out", type="submit", className="app-account__button"),
                ],
            ),
        ],
    )


def _public_view() -> bool:
    return has_request_context() and current_settings().public_view


def build_frame() -> html.Div:
    # Dash may build the layout once at start-up, outside any request: no one is looking then.
    actor = current_actor() if has_request_context() else ANONYMOUS
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
                            **aria(label="Main"),
                            children=html.Ul(
                                className="app-nav",
                                children=[
                                    html.Li(dcc.Link(name, href=href))
                                    for name, href in navigation_for(
                                        actor, public_view=_public_view()
                                    )
                                ],
                            ),
                        ),
                        _account(actor) if has_request_context() else None,
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
