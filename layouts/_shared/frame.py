"""The frame around every page: skip link, header with the council and who is signed in, the
council's navigation by role, the switcher between councils, main landmark, footer. Dash asks
for it on every page load (app.layout is build_frame), and the guard has found the council from
the page asking (its Referer), so it is made for the person and the council.

A link that changes council (the switcher, the comparison) is a plain link: the page loads
whole, and the frame is drawn again for the new council."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import has_request_context

from domain.actors import ANONYMOUS, Actor, SignedIn
from domain.council import CouncilProfile
from kpis.council import Council
from layouts._shared.components import aria
from layouts._shared.context import (
    council_address,
    council_path,
    current_deployment,
    current_settings,
)
from web.access import Access, allows
from web.addresses import COMPARE_PATH, councils_seen
from web.guard import SIGN_IN_PATH, csrf_token, current_actor, current_council, current_signed_in

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

PRODUCT_NAME = "Local First Inclusion KPI dashboard"
WORKSTREAMS = "Workstreams"
# Each page of a council in the navigation, by its address within the council, with the rule
# its page declares: a link is shown only to those the page would answer. The workstreams link
# goes to the council's first workstream, and is left out for a council that names none.
PAGES = (
    ("Overview", "/", Access.PUBLIC_VIEW),
    (WORKSTREAMS, "/workstream/{first}", Access.PUBLIC_VIEW),
    ("Schools Forum", "/schools-forum", Access.READ),
    ("Financial plan", "/plan", Access.PUBLIC_VIEW),
    ("Upload", "/upload", Access.UPLOAD),
    ("Submissions", "/submissions", Access.READ),
    ("DfE return", "/return", Access.READ),
    ("Audit trail", "/audit", Access.ADMINISTER),
    ("About", "/about", Access.PUBLIC_VIEW),
)
SIGN_OUT_PATH = "/sign-out"


def navigation_for(
    actor: Actor, profile: CouncilProfile, *, public_view: bool = True
) -> tuple[tuple[str, str], ...]:
    """The pages of the council ``actor`` may open, as addresses within it: an anonymous visitor
    is offered the public pages only in the public view (otherwise they reach just the
    accessibility statement, and sign in)."""
    first = profile.workstreams[0].number if profile.workstreams else None
    return tuple(
        (name, href.format(first=first))
        for name, href, access in PAGES
        if allows(access, actor, public_view=public_view)
        and (name != WORKSTREAMS or first is not None)
    )


def council_navigation(actor: Actor, profile: CouncilProfile) -> tuple[tuple[str, str], ...]:
    """The navigation of the current council for ``actor``, as full addresses."""
    return tuple(
        (name, council_path(href))
        for name, href in navigation_for(actor, profile, public_view=_public_view())
    )


def _account(signed: SignedIn | None, actor: Actor, here: str | None) -> html.Div:
    """Who is signed in, with their role in this council (outside any, the role they hold in
    every council, if they do), and the button that signs them out: a plain form posting the
    session's token, so it works without JavaScript and no other site can sign anyone out."""
    if signed is None:
        return html.Div(
            className="app-account",
            children=html.A("Sign in", href=SIGN_IN_PATH, className="app-account__link"),
        )
    role = actor.role if here is not None else signed.roles.everywhere
    return html.Div(
        className="app-account",
        children=[
            html.P(
                [
                    "Signed in as ",
                    html.Strong(signed.actor.name),
                    f" ({role.title})" if role else "",
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


def councils_visible() -> tuple[Council, ...]:
    """The councils the visitor may see: an account's, where it holds a role; every one for an
    anonymous visitor of the public view."""
    councils = current_deployment().councils
    seen = councils_seen(
        current_signed_in(), tuple(c.la_code for c in councils), public_view=_public_view()
    )
    return tuple(c for c in councils if c.la_code in seen)


def switcher(councils: tuple[Council, ...], here: str | None) -> html.Nav:
    """The councils an account works for, each a plain link to its overview (the page loads
    whole, frame and all); the one being looked at is marked, not a link."""
    return html.Nav(
        className="app-councils",
        **aria(label="Your councils"),
        children=[
            html.P("Your councils:", id="app-councils-label", className="app-councils__label"),
            html.Ul(
                className="app-councils__list",
                **aria(labelledby="app-councils-label"),
                children=[
                    html.Li(
                        html.Span(
                            [c.name, html.Span(" (this council)", className="visually-hidden")],
                            className="app-councils__current",
                            **aria(current="page"),
                        )
                        if c.la_code == here
                        else html.A(c.name, href=council_address(c.la_code))
                    )
                    for c in councils
                ],
            ),
        ],
    )


def _councils_bar(here: str | None) -> html.Div | None:
    """The switcher, for an account with roles in more than one council, and the link to the
    comparison for anyone who sees more than one."""
    visible = councils_visible()
    if len(visible) < 2:
        return None
    signed = current_signed_in()
    return html.Div(
        className="app-councils-bar",
        children=[
            switcher(visible, here) if signed is not None else None,
            html.P(
                html.A("Compare councils", href=COMPARE_PATH, id="app-compare-link"),
                className="app-councils__compare",
            ),
        ],
    )


def _header(actor: Actor, profile: CouncilProfile | None) -> html.Header:
    here = current_council() if has_request_context() else None
    inner: list = [
        html.A(PRODUCT_NAME, href="/", className="app-header__title"),
        html.P(profile.name, className="app-header__council", id="app-council-name")
        if profile is not None
        else None,
    ]
    if profile is not None:
        inner.append(
            html.Nav(
                **aria(label="Main"),
                children=html.Ul(
                    className="app-nav",
                    children=[
                        html.Li(dcc.Link(name, href=href))
                        for name, href in council_navigation(actor, profile)
                    ],
                ),
            )
        )
    if has_request_context():
        inner.append(_account(current_signed_in(), actor, here))
    return html.Header(
        className="app-header",
        children=[
            html.Div(className="app-header__inner", children=inner),
            _councils_bar(here) if has_request_context() else None,
        ],
    )


def _footer(profile: CouncilProfile | None) -> html.Footer:
    links: list = [html.A("Accessibility statement", href="/accessibility")]
    if profile is not None:
        links += [" · ", dcc.Link("About the measures and data", href=council_path("/about"))]
    return html.Footer(
        className="app-footer",
        children=[
            html.P(
                f"{PRODUCT_NAME}. Each figure is in its measure's unit; every surplus or deficit "
                "says in words which it is."
            ),
            html.P(links),
        ],
    )


def _profile() -> CouncilProfile | None:
    """The profile of the council the page is in, when the visitor may see it; None outside any
    council, at the address of a council the visitor may not see (the frame names no council
    to someone it refuses), or outside a request."""
    if not has_request_context():
        return None
    code = current_council()
    if code is None or code not in {c.la_code for c in councils_visible()}:
        return None
    service = current_deployment().service(code)
    return service.council.profile if service is not None else None


def build_frame() -> html.Div:
    # Dash may build the layout once at start-up, outside any request: no one is looking then.
    actor = current_actor() if has_request_context() else ANONYMOUS
    profile = _profile()
    return html.Div(
        className="app",
        children=[
            html.A("Skip to main content", href="#main-content", className="skip-link"),
            _header(actor, profile),
            html.Main(
                id="main-content", className="app-main", tabIndex="-1", children=dash.page_container
            ),
            _footer(profile),
        ],
    )
