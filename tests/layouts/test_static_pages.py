"""A council's about page and the accessibility statement, built in a request without a browser:
what is the council's own comes from its profile and catalogue (Norfolk's, councils/E10000020)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from dash import dcc, html

from domain.roles import Role
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on, request_as
from tests.routing import council_address as at

HEADINGS = (html.H1, html.H2, html.H3, html.H4)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("static-pages"), load_demo=False)


def walk(component) -> Iterator:
    """Every component in a Dash tree, parents before their children."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
        return
    if component is None or isinstance(component, str | int | float):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text_of(component) -> str:
    """The words a component shows, as a screen reader would read them in order."""
    if isinstance(component, list | tuple):
        return "".join(text_of(child) for child in component)
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    return text_of(getattr(component, "children", None))


def headings(page) -> list[tuple[int, str]]:
    return [
        (int(type(node).__name__[1]), text_of(node))
        for node in walk(page)
        if isinstance(node, HEADINGS)
    ]


def build(app, module_name: str, role: Role | None = Role.VIEWER):
    """The page as ``role`` is shown it: a council's page in Norfolk, the accessibility
    statement outside any council."""
    module = importlib.import_module(f"layouts.{module_name}")
    if module_name == "accessibility":
        with request_as(app, role, council=None):
            return module.layout()
    with request_as(app, role):
        return module.layout(council=NORFOLK_CODE)


def assert_heading_levels_in_order(levels: list[int]) -> None:
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading level {after} follows {before}"


def find_by_id(page, component_id: str):
    return next(node for node in walk(page) if getattr(node, "id", None) == component_id)


def status_rows(page) -> list[list[str]]:
    """The about page's status table, one list of cell texts for each body row."""
    table = find_by_id(page, "about-status-table")
    body = next(node for node in walk(table) if isinstance(node, html.Tbody))
    return [[text_of(cell) for cell in row.children] for row in body.children]


# --- About the measures and data ---------------------------------------------------------------


def test_abt001_the_about_page_is_one_page_with_headings_in_order(app):
    page = build(app, "about")

    assert page.className == "page page--about"
    levels = [level for level, _ in headings(page)]
    assert_heading_levels_in_order(levels)
    assert headings(page)[0] == (1, "About the measures and data")


def test_abt002_the_status_table_has_a_row_for_each_of_norfolks_46_measures(app):
    page = build(app, "about")

    table = find_by_id(page, "about-status-table")
    head = next(node for node in walk(table) if isinstance(node, html.Thead))
    assert [text_of(cell) for cell in head.children.children] == [
        "Measure",
        "Direction",
        "Status rule",
    ]
    assert len(status_rows(page)) == 46


def test_abt003_measure_1_reads_its_name_direction_and_rule_in_words(app):
    # Norfolk's catalogue: measure 1, Actual EHCPs, lower_is_better, amber beyond "5%", red
    # beyond "10%"; kpis/trajectory.py words a relative threshold as a share of the plan.
    page = build(app, "about")

    first = status_rows(page)[0]
    assert first == [
        "1. Actual EHCPs",
        "lower is better",
        "Green when on plan, better, or worse by no more than 5% of the plan; amber when worse "
        "by more than 5% of the plan and up to 10% of the plan; red when worse by more than 10% "
        "of the plan. Worse means higher than the plan.",
    ]


def test_abt004_a_measure_with_no_direction_says_it_has_no_status(app):
    # Measure 10, movers and other pupil flow, is neutral in the catalogue.
    page = build(app, "about")

    tenth = status_rows(page)[9]
    assert tenth[0] == "10. Movers and other pupil flow including incomers into county"
    assert tenth[1] == "no direction"
    assert tenth[2].startswith("No status")


def test_abt005_the_glossary_defines_every_term_the_dashboard_uses(app):
    page = build(app, "about")

    glossary = next(node for node in walk(page) if isinstance(node, html.Dl))
    assert glossary.className == "definitions"
    terms = [text_of(node) for node in walk(glossary) if isinstance(node, html.Dt)]
    for expected in (
        "Local First Inclusion",  # Norfolk's programme, as its profile names it
        "Safety valve agreement",
        "Dedicated Schools Grant (DSG)",
        "High Needs Block (HNB)",
        "In-year deficit",
        "EHCP, or EHC plan",
        "SEN support",
        "Plan",
        "Target",
        "Baseline",
        "Outturn (actual)",
        "Forecast",
        "Variance (difference from plan)",
        "Status",
        "Direction of travel",
        "Projection",
        "Comparators",
        "Workstreams 1 to 5",
        "Demo data",
        "Periods",
    ):
        assert expected in terms
    words = text_of(glossary)
    for status in (
        "✓Green: on track",
        "!Amber: at risk",
        "✕Red: off track",
        "–No target: none set yet",
        "–Not judged: neutral measure",
    ):
        assert status in words
    # Norfolk's profile: its programme's summary and workstream 4's name
    assert "The council's six-year programme, 2023-24 to 2028-29" in words
    assert "Workstream 4: Commissioning and using independent special schools differently" in words
    assert "Spring: January to March" in words
    # from Norfolk's catalogue: the DSG measures are 16 to 22, the council forecasts those and
    # measure 11 itself, and 2, 3 and 4 have a published comparator; its plan ends in 2028-29
    assert "for measures 16, 17, 18, 19, 20, 21 and 22, the figures of the DSG plan" in words
    assert "forecasts itself (measures 11, 16, 17, 18, 19, 20, 21 and 22)" in words
    assert "measures 2, 3 and 4 are compared as net and new plans" in words
    assert "it is not cleared by 2028-29" in words


def test_abt006_the_sources_link_to_the_plan_and_the_accessibility_statement(app):
    page = build(app, "about", Role.FINANCE_OFFICER)

    links = {node.href for node in walk(page) if isinstance(node, dcc.Link | html.A)}
    assert {at("/plan"), "/accessibility", at("/upload")} <= links
    # the upload page is named, not linked, for those who may not upload
    for role in (Role.VIEWER, None):
        viewer_page = build(app, "about", role)
        assert at("/upload") not in {n.href for n in walk(viewer_page) if isinstance(n, dcc.Link)}
        assert "loaded on the Upload page:" in text_of(viewer_page)
    words = text_of(page)
    assert "Synergy: measures 1, 2" in words
    # the plan's years come from Norfolk's profile; the published data's from the extracts
    assert "for each year from 2022-23 to 2028-29" in words
    assert (
        "new plans issued in 2024 per 1,000 plans maintained are compared with measure 4" in words
    )
    assert "plans ceased in 2024 are compared with measures 2 and 3" in words
    assert "January 2025" in words


# --- Accessibility statement -------------------------------------------------------------------


def test_acc001_the_statement_has_the_model_statement_headings_in_order(app):
    page = build(app, "accessibility")

    assert page.className == "page page--accessibility"
    assert headings(page) == [
        (1, "Accessibility statement for the Local First Inclusion KPI dashboard"),
        (2, "How accessible this website is"),
        (2, "Feedback and contact information"),
        (2, "Reporting accessibility problems with this website"),
        (2, "Enforcement procedure"),
        (2, "Technical information about this website's accessibility"),
        (3, "Compliance status"),
        (2, "Non-accessible content"),
        (3, "Non-compliance with the accessibility regulations"),
        (3, "Disproportionate burden"),
        (3, "Content that's not within the scope of the accessibility regulations"),
        (2, "What we're doing to improve accessibility"),
        (2, "Preparation of this accessibility statement"),
    ]
    assert_heading_levels_in_order([level for level, _ in headings(page)])


def test_acc002_the_statement_says_how_to_get_help_and_how_compliant_it_is(app):
    page = build(app, "accessibility")

    words = text_of(page)
    assert "We'll consider your request and get back to you in 5 working days." in words
    assert (
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in words
    )
    assert "This statement was prepared on 22 November 2026." in words
    assert "not yet been audited by an independent organisation" in words
    # the one council served, with the contact its profile gives
    contacts = find_by_id(page, "accessibility-contacts")
    assert text_of(contacts) == (
        "Norfolk County Council: Local First Inclusion programme team, LFI@norfolk.gov.uk"
    )
    hrefs = {node.href: text_of(node) for node in walk(page) if isinstance(node, html.A)}
    assert hrefs["mailto:LFI@norfolk.gov.uk"] == "LFI@norfolk.gov.uk"
    assert (
        "Equality Advisory and Support Service" in hrefs["https://www.equalityadvisoryservice.com/"]
    )
