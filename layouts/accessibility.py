"""/accessibility: the accessibility statement, following the UK public-sector model statement.
It concerns no one council: it names every council served, each with its contact as its profile
gives it."""

from __future__ import annotations

import dash
from dash import html

from kpis.council import Council
from layouts._shared.context import current_deployment
from web.access import Access

dash.register_page(
    __name__,
    path="/accessibility",
    name="Accessibility statement",
    order=8,
    title="Accessibility statement - Local First Inclusion",
    # Open to anyone, signed in or not: the sign-in page links to it.
    access=Access.PUBLIC,
)

ABILITYNET_URL = "https://mcmw.abilitynet.org.uk/"
EASS_URL = "https://www.equalityadvisoryservice.com/"
PREPARED_ON = "22 November 2026"


def _contact(council: Council) -> html.Li:
    contact = council.profile.contact
    if contact is None:
        return html.Li(
            f"{council.name}: no contact is given yet; ask the council's customer service team."
        )
    phone = [f", or telephone {contact.phone}"] if contact.phone else []
    return html.Li(
        [
            f"{council.name}: {contact.team}, ",
            html.A(contact.email, href=f"mailto:{contact.email}"),
            *phone,
        ]
    )


def _contacts(councils: tuple[Council, ...]) -> html.Ul:
    """Each council served, with whom to ask: the programme team its profile names."""
    return html.Ul(id="accessibility-contacts", children=[_contact(c) for c in councils])


def _introduction() -> list:
    return [
        html.H1("Accessibility statement for the Local First Inclusion KPI dashboard"),
        html.P(
            "This accessibility statement applies to the Local First Inclusion KPI dashboard, "
            "which shows the progress of each council's SEND programme against its DSG recovery "
            "plan and its measures."
        ),
        html.P(
            "This website is run by the programme team of each council it serves, for that "
            "council's pages; the councils are listed below, under feedback and contact "
            "information. We want as many people as possible to be able to use it. For example, "
            "that means you should be able to:"
        ),
        html.Ul(
            [
                html.Li("zoom in up to 400% without the text spilling off the screen"),
                html.Li(
                    "use it on a screen 320 pixels wide without scrolling sideways, except "
                    "within wide tables, which scroll in their own box"
                ),
                html.Li("navigate the website using just a keyboard"),
                html.Li("listen to most of the website using a screen reader"),
                html.Li(
                    "read what every chart shows as text: each chart has a one-sentence summary "
                    "and a table of its figures beside it"
                ),
                html.Li(
                    "tell each status apart without seeing colour: green, amber, red and no "
                    "status are each shown by a word and an icon as well as a colour"
                ),
            ]
        ),
        html.P(
            "We've also made the website text as simple as possible to understand, and every "
            "term it uses is explained on each council's page about the measures and data."
        ),
        html.P(
            [
                html.A(
                    "AbilityNet has advice on making your device easier to use", href=ABILITYNET_URL
                ),
                " if you have a disability.",
            ]
        ),
    ]


def _how_accessible() -> list:
    return [
        html.H2("How accessible this website is"),
        html.P("We know some parts of this website are not fully accessible:"),
        html.Ul(
            [
                html.Li(
                    "the labels that appear when you move a mouse pointer over a chart cannot be "
                    "opened with a keyboard or dismissed with the Escape key; every figure they "
                    "show is also in the table beside the chart and in its summary sentence"
                ),
                html.Li(
                    "the spreadsheet templates you download and the workbooks you upload are the "
                    "council's own Excel files, and may not be accessible to everyone"
                ),
                html.Li("on a narrow screen, wide tables scroll sideways within their own box"),
                html.Li(
                    "the Schools Forum pack and the DfE report are PDFs printed from headed, "
                    "tabled HTML, and each chart image comes with a sentence to use as its alt "
                    "text, but the PDFs have not been checked with a PDF accessibility checker"
                ),
            ]
        ),
    ]


def _feedback(councils: tuple[Council, ...]) -> list:
    return [
        html.H2("Feedback and contact information"),
        html.P(
            "If you need information on this website in a different format, such as a "
            "spreadsheet of the figures, large print or easy read, email the team of the "
            "council whose pages you need:"
        ),
        _contacts(councils),
        html.P("We'll consider your request and get back to you in 5 working days."),
        html.H2("Reporting accessibility problems with this website"),
        html.P(
            "We're always looking to improve the accessibility of this website. If you find "
            "any problems not listed on this page or think we're not meeting accessibility "
            "requirements, email the council's team listed above."
        ),
        html.H2("Enforcement procedure"),
        html.P(
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
            "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
            "Regulations 2018 (the 'accessibility regulations')."
        ),
        html.P(
            [
                "If you're not happy with how we respond to your complaint, ",
                html.A(
                    "contact the Equality Advisory and Support Service (EASS)",
                    href=EASS_URL,
                ),
                ".",
            ]
        ),
    ]


def _technical() -> list:
    return [
        html.H2("Technical information about this website's accessibility"),
        html.P(
            "Each council listed above is committed to making its pages of this website "
            "accessible, in accordance with the Public Sector Bodies (Websites and Mobile "
            "Applications) (No. 2) Accessibility Regulations 2018."
        ),
        html.H3("Compliance status"),
        html.P(
            "This website is partially compliant with the Web Content Accessibility Guidelines "
            "version 2.2 AA standard, due to the non-compliance listed below."
        ),
        html.H2("Non-accessible content"),
        html.P("The content listed below is non-accessible for the following reasons."),
        html.H3("Non-compliance with the accessibility regulations"),
        html.P(
            "The labels that appear when a mouse pointer is over a chart cannot be dismissed "
            "without moving the pointer, and they can cover part of the chart. This fails WCAG "
            "2.2 success criterion 1.4.13 (content on hover or focus)."
        ),
        html.P(
            "The same labels cannot be opened with a keyboard. Every figure they show is also in "
            "the chart's summary sentence and in the table beside it, which can be reached and "
            "read with a keyboard and a screen reader, so no information needs a mouse. We "
            "therefore do not consider this a failure of success criterion 2.1.1 (keyboard)."
        ),
        html.P(
            "The spreadsheet templates you can download have not yet been checked against WCAG "
            "2.2 AA, so we cannot yet say which criteria they meet."
        ),
        html.H3("Disproportionate burden"),
        html.P(
            "We are not claiming that fixing any of the problems on this page would be a "
            "disproportionate burden."
        ),
        html.H3("Content that's not within the scope of the accessibility regulations"),
        html.P(
            "The spreadsheets that officers upload are their own working files. The dashboard "
            "keeps them exactly as they were sent, as a record of each submission, and does not "
            "publish them. Every figure it reads from them is shown on its pages as text, tables "
            "and charts, which this statement covers."
        ),
    ]


def _improving() -> list:
    return [
        html.H2("What we're doing to improve accessibility"),
        html.P("We plan to:"),
        html.Ul(
            [
                html.Li(
                    "make chart labels dismissible with the Escape key, or stop them covering "
                    "the chart"
                ),
                html.Li("check the spreadsheet templates and fix what we find"),
                html.Li(
                    "check the Schools Forum pack and the DfE report with a PDF accessibility "
                    "checker and fix what we find"
                ),
                html.Li(
                    "have the dashboard audited independently and tested with people who use "
                    "assistive technology"
                ),
            ]
        ),
        html.P("We will update this statement as each of these is done."),
    ]


def _preparation() -> list:
    return [
        html.H2("Preparation of this accessibility statement"),
        html.P(f"This statement was prepared on {PREPARED_ON}."),
        html.P("The dashboard is tested by the team that builds it, on every page:"),
        html.Ul(
            [
                html.Li(
                    "automated checks with axe-core in a headless Chromium browser, using its "
                    "rules for WCAG 2.0 A and AA, WCAG 2.1 AA and WCAG 2.2 AA"
                ),
                html.Li("journeys through the dashboard using only a keyboard"),
                html.Li("reflow on a screen 320 pixels wide"),
            ]
        ),
        html.P(
            "These tests are part of the dashboard's automated test suite, which runs on every "
            "change to it."
        ),
        html.P(
            "The dashboard has not yet been audited by an independent organisation, and it has "
            "not yet been tested with people who use assistive technology such as screen readers "
            "or speech recognition software. We will update this statement when it has."
        ),
    ]


def layout(**_query: str) -> html.Div:
    councils = current_deployment().councils
    return html.Div(
        className="page page--accessibility",
        children=[
            *_introduction(),
            *_how_accessible(),
            *_feedback(councils),
            *_technical(),
            *_improving(),
            *_preparation(),
        ],
    )
