"""/compare: the councils a visitor may see, side by side: each one's latest cumulative DSG
balance against its plan for the same year, how many of its measures are green, amber and red,
and its published figure and quartile for each measure with a published comparator. Outside any
council: each council's name is a plain link to its overview, which loads the page whole."""

from __future__ import annotations

import dash
from dash import html
from dash.development.base_component import ComponentType

from kpis.formats import NOT_AVAILABLE
from kpis.wording import comparator_figure, difference_phrase, listed, period_phrase, show_value
from layouts._shared.comparison import Comparison, CouncilFigures, compare_councils
from layouts._shared.components import (
    SHOWN_STATUS_WORDS,
    data_table,
    status_tag,
)
from layouts._shared.context import council_address, current_deployment
from layouts._shared.frame import councils_visible
from layouts._shared.statuses import COUNT_WORDS
from layouts._shared.viewer import Viewer, current_viewer, status_for
from web.access import Access

dash.register_page(
    __name__,
    path="/compare",
    name="Compare councils",
    title="Compare councils - Local First Inclusion",
    access=Access.PUBLIC_VIEW,
)

DEFICIT_TABLE = "compare-deficit-table"
STATUS_TABLE = "compare-status-table"
PUBLISHED_TABLE = "compare-published-table"


def _name(figures: CouncilFigures) -> html.A:
    council = figures.council
    return html.A(council.name, href=council_address(council.la_code))


def _deficit_row(viewer: Viewer, figures: CouncilFigures) -> list[ComponentType]:
    value = figures.deficit
    if value is None:
        why = "No outturn or forecast yet" if figures.has_plan else "No DSG plan loaded yet"
        return [_name(figures), why, "–", "–", "–", "–"]
    return [
        _name(figures),
        period_phrase(value),
        viewer.figure(value, show_value(value.value, value.measure)),
        show_value(value.plan_value, value.measure),
        viewer.figure(value, difference_phrase(value)),
        status_tag(status_for(viewer, value, value.status)),
    ]


def _deficits(viewer: Viewer, comparison: Comparison) -> html.Section:
    return html.Section(
        [
            html.H2("DSG cumulative balance against plan"),
            html.P(
                "Each council's cumulative balance after contributions in the last year its "
                "outturn or forecast covers, against the plan's figure for that same year. A "
                "positive balance is a deficit."
            ),
            data_table(
                caption="Cumulative DSG balance after contributions, latest outturn or forecast "
                "against the plan for the same year",
                table_id=DEFICIT_TABLE,
                headers=[
                    "Council",
                    "Year and basis",
                    "Balance",
                    "Plan for that year",
                    "Difference from plan",
                    "Status",
                ],
                rows=[_deficit_row(viewer, c) for c in comparison.councils],
                text_columns={1, 5},
            ),
        ]
    )


def _status_heading(status: str) -> html.Span:
    word = SHOWN_STATUS_WORDS[status][0]
    return html.Span([word, html.Span(f" ({COUNT_WORDS[status]})", className="visually-hidden")])


def _statuses(comparison: Comparison) -> html.Section:
    return html.Section(
        [
            html.H2("Measures by status"),
            html.P(
                "How many of each council's measures are on track, at risk or off track, counted "
                "as the council's overview counts them: the latest outturn (or, for a measure "
                "that is only forecast, the latest forecast) against plan or target. Councils "
                "may track different numbers of measures."
            ),
            data_table(
                caption="Each council's measures by status",
                table_id=STATUS_TABLE,
                headers=[
                    "Council",
                    "Measures",
                    *(_status_heading(s) for s in comparison.statuses),
                ],
                rows=[
                    [
                        _name(c),
                        str(c.measures),
                        *(str(c.statuses[s]) for s in comparison.statuses),
                    ]
                    for c in comparison.councils
                ],
            ),
        ]
    )


def _published_cell(figures: CouncilFigures, kind: str) -> str:
    measure = figures.measures_on.get(kind)
    if measure is None:
        return "Not among its measures"
    value = figures.published.get(kind)
    own = value.comparator_council if value is not None else None
    if value is None or own is None or own.get("value") is None:
        return f"{NOT_AVAILABLE} (measure {measure.ref})"
    quartile = (value.quartile or {}).get("value")
    shown = comparator_figure(own) + (f"; quartile {quartile} of 4" if quartile else "")
    return f"{shown} (measure {measure.ref})"


def _bases(comparison: Comparison) -> html.Ul:
    """What each published figure is, and for when: the same for every council, said once."""
    items = []
    for key in comparison.key_measures:
        record = next(
            (
                v.comparator_council
                for c in comparison.councils
                if (v := c.published.get(key.kind)) is not None and v.comparator_council
            ),
            None,
        )
        if record is not None:
            items.append(html.Li(f"{key.title}: {record['basis']}; {record['period']}."))
    return html.Ul(items, id="compare-published-bases")


def _published(comparison: Comparison) -> html.Section:
    heading = html.H2("Key measures with a published comparator")
    if not comparison.key_measures:
        return html.Section(
            [heading, html.P("None of these councils' measures has a published comparator.")]
        )
    return html.Section(
        [
            heading,
            html.P(
                "For each figure the Department for Education's published SEN2 statistics give on "
                "the same basis for every council, each council's own published figure and its "
                "quartile among English councils (1 is the lowest quarter), with the number of "
                "the council's measure it is set beside: councils name and number their measures "
                "their own way. A figure is shown once the council has an outturn for that "
                "measure."
            ),
            data_table(
                caption="Each council's published figure and quartile, figure by figure",
                table_id=PUBLISHED_TABLE,
                headers=["Council", *(m.title for m in comparison.key_measures)],
                rows=[
                    [_name(c), *(_published_cell(c, m.kind) for m in comparison.key_measures)]
                    for c in comparison.councils
                ],
                text_columns=set(range(1, len(comparison.key_measures) + 1)),
            ),
            html.P("What each figure is, and the period it covers:"),
            _bases(comparison),
        ]
    )


def _demo_notice(comparison: Comparison) -> html.Div | None:
    demo = comparison.demo
    if not demo:
        return None
    names = listed([c.name for c in demo])
    return html.Div(
        className="notice notice--demo",
        children=[
            html.Strong("Demo data. "),
            f"The figures of {names} are loaded to show how the dashboard works: the outturn and "
            f"forecasts are made up, and they are not {'its' if len(demo) == 1 else 'their'} "
            "own figures.",
        ],
    )


def layout(**_query: str) -> html.Div:
    visible = councils_visible()
    if not visible:
        return html.Div(
            className="page page--compare",
            children=[
                html.H1("Compare councils"),
                html.P("Your account holds no role in any council served here."),
            ],
        )
    viewer = current_viewer()
    snapshots = current_deployment().snapshots(tuple(c.la_code for c in visible))
    comparison = compare_councils([(c, snapshots[c.la_code]) for c in visible], viewer)
    return html.Div(
        className="page page--compare",
        children=[
            html.H1("Compare councils"),
            _demo_notice(comparison),
            html.P(
                f"The {len(visible)} {'council' if len(visible) == 1 else 'councils'} you may "
                "see, side by side. Open a council for its measures in full.",
                className="lede",
            ),
            _deficits(viewer, comparison),
            _statuses(comparison),
            _published(comparison),
        ],
    )
