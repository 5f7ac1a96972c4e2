"""/c/<council>/measure/<ref>: one measure in full: definition and caveats, chart, every figure with the file
it came from, comparators, projection, and on request the figures that were superseded."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.roles import Permission
from figures.captions import measure_source
from figures.measure import build_measure_json, judged, measure_title, summarise_measure
from kpis.catalogue import Measure
from kpis.formats import format_value
from kpis.snapshot import Snapshot
from kpis.trajectory import describe_thresholds
from kpis.wording import (
    comparator_figure,
    first_upper,
    quartile_phrase,
    sign_note,
    trend_end,
    unit_label,
)
from layouts._shared.components import (
    chart_block,
    data_table,
    demo_notice,
    not_found,
    page_not_found,
)
from layouts._shared.context import (
    PRODUCT,
    council_path,
    current_service,
    current_settings,
    is_this_council,
)
from layouts._shared.measures import (
    latest_line,
    published_difference,
    published_summary,
    series_table,
    target_word,
)
from layouts._shared.viewer import Viewer, current_viewer
from services.interface import Service
from web.access import Access

GRAPH_ID = "measure-graph"
TABLE_ID = "measure-table"
SUPERSEDED_TABLE_ID = "measure-superseded-table"
NATURE_WORDS = {
    "flow": "A flow counted over each term: terms differ in length, so each term is compared "
    "with the same term a year earlier.",
    "snapshot": "A snapshot at the end of each term: each term is compared with the term before.",
}
NO_COMPARATOR = (
    "No like-for-like published comparator. The Department for Education's SEN2 statistics give "
    "every council's requests, new plans, ceased plans and plans maintained; they support a rate "
    "or share on the same basis as the measure only for new plans, net plans and the change in "
    "plans. A count is never set beside England's total."
)
DIRECTION_WORDS = {
    "lower_is_better": "Lower is better",
    "higher_is_better": "Higher is better",
    "neutral": "No better or worse direction",
}


def _find(ref: str) -> Measure | None:
    if not ref.isdigit():
        return None
    return current_service().measure(int(ref))


def _title(council: str = "", ref: str = "") -> str:
    if not is_this_council(council):
        return f"Page not found - {PRODUCT}"
    measure = _find(ref)
    short_name = current_service().council.profile.short_name
    if measure is None:
        return f"Measure not found, {short_name} - {PRODUCT}"
    return f"{measure.ref}. {measure.label}, {short_name} - {PRODUCT}"


dash.register_page(
    __name__,
    path_template="/c/<council>/measure/<ref>",
    name="Measure",
    order=5,
    title=_title,
    access=Access.PUBLIC_VIEW,
)


def _about(measure: Measure) -> html.Section:
    rows = [
        ("Definition", measure.definition),
        ("Numerator", measure.numerator),
        ("Denominator", measure.denominator),
        ("Population", measure.population),
        ("Period", measure.period),
        ("Unit", f"{measure.unit} ({measure.count_unit})" if measure.count_unit else measure.unit),
        ("Sign", sign_note(measure)),
        ("Flow or snapshot", NATURE_WORDS.get(measure.nature) if measure.grain == "term" else None),
        ("Direction", DIRECTION_WORDS.get(measure.direction or "", "Not set")),
        ("How the status is decided", describe_thresholds(measure)),
        ("Source", measure.source),
        ("Regularity", measure.regularity),
        ("How the paper's name is read", measure.reading),
        ("Caveats", measure.caveats),
    ]
    return html.Section(
        [
            html.H2("What this measure is"),
            html.Dl(
                className="definitions",
                children=[
                    part for label, text in rows if text for part in (html.Dt(label), html.Dd(text))
                ],
            ),
        ]
    )


def _context(measure: Measure) -> html.P:
    # the catalogue allows only the workstreams there are, so each is found
    profile = current_service().council.profile
    streams = [found for n in measure.workstreams if (found := profile.workstream(n)) is not None]
    links: list[ComponentType] = []
    for stream in streams:
        if links:
            links.append(", ")
        links.append(
            dcc.Link(
                f"workstream {stream.number}", href=council_path(f"/workstream/{stream.number}")
            )
        )
    where = ["Most aligned to ", *links] if links else ["Reported on the programme view only"]
    forum = " Reported to every Schools Forum." if measure.schools_forum else ""
    return html.P(
        className="source", children=[f"{measure.category} measure. ", *where, f".{forum}"]
    )


def _projection(snapshot: Snapshot, measure: Measure, viewer: Viewer) -> html.Section:
    values = judged(viewer.charted(snapshot.series(measure.ref)))
    projection = values[-1].projection if values else None
    if viewer.hides_any(snapshot.series(measure.ref)):
        text = "No trend is shown: a line through the figures would give away one that is withheld."
    elif measure.is_council_forecast and measure.projection != "clearing_year":
        text = (
            "No trend is drawn: the council forecasts this measure itself, and its latest "
            "forecast is shown above."
        )
    elif not projection:
        text = (
            "No trend: it needs at least three comparable figures (for a flow, three of the same "
            "term in successive years)."
            if measure.projection
            else "This measure is not projected."
        )
    elif measure.projection == "clearing_year":
        text = projection["method"].capitalize() + "."
    else:
        text = (
            f"On its trend, it would {trend_end(projection, measure)}. "
            f"{first_upper(projection['method'])}."
        )
    return html.Section([html.H2("Trend"), html.P(text, id="measure-projection")])


def _comparators(snapshot: Snapshot, measure: Measure) -> html.Section:
    """The council's own published figure, England's and its neighbours' average on one basis,
    and its quartile, as a small table; or why the measure has no like-for-like comparator."""
    heading = html.H2("England and statistical neighbours")
    compared = [
        (v, v.comparator_council, v.england, v.neighbours)
        for v in snapshot.series(measure.ref)
        if v.england and v.neighbours and v.comparator_council
    ]
    if not compared:
        return html.Section([heading, html.P(NO_COMPARATOR, id="measure-comparators")])
    v, council, england, neighbours = compared[-1]
    rows = [
        ("Basis", england["basis"]),
        ("Period", england["period"]),
        (f"This council ({council['name']})", comparator_figure(council)),
        ("England", comparator_figure(england)),
        (
            f"Statistical neighbours' average ({neighbours['reported']} of "
            f"{neighbours['of']} reported)",
            comparator_figure(neighbours),
        ),
        ("Quartile among English councils (1 = lowest)", quartile_phrase(v.quartile)),
    ]
    members = ", ".join(neighbours["member_names"]) or "none"
    missing = ", ".join(neighbours["missing_names"])
    return html.Section(
        id="measure-comparators",
        children=[
            heading,
            data_table(
                caption="Published SEN2 figures on the same basis (Department for Education)",
                table_id="measure-comparators-table",
                headers=["", "Figure"],
                rows=rows,
                text_columns={1},
            ),
            html.P(
                f"Neighbours averaged (the DfE's {neighbours['model']} statistical neighbours): "
                f"{members}." + (f" Left out, no figure published: {missing}." if missing else "")
            ),
            html.P(f"How this differs from the measure: {council['note']}.", className="source"),
        ],
    )


def _superseded(service: Service, measure: Measure, show: bool) -> html.Section:
    base = council_path(f"/measure/{measure.ref}")
    if not show:
        return html.Section(
            [
                html.H2("Superseded figures"),
                html.P(
                    [
                        "Figures from files that were later corrected are kept. ",
                        dcc.Link(
                            "Show the superseded figures", href=f"{base}?superseded=show#superseded"
                        ),
                    ]
                ),
            ]
        )
    found = service.superseded(measure.ref)
    unit = measure.unit or "count"
    body = (
        data_table(
            caption="Figures from superseded files, with the reason each was replaced",
            table_id=SUPERSEDED_TABLE_ID,
            headers=["Period", "Value then", "File", "Loaded", "Replaced because"],
            rows=[
                [
                    value.period,
                    format_value(value.value, unit),
                    record.file_name,
                    f"{record.loaded_at:%d %b %Y %H:%M}",
                    record.supersede_reason or "",
                ]
                for record, value in found
            ],
        )
        if found
        else html.P("No file behind this measure has been superseded.")
    )
    return html.Section(
        id="superseded",
        children=[
            html.H2("Superseded figures"),
            body,
            html.P(dcc.Link("Hide the superseded figures", href=base)),
        ],
    )


def _commentary(service: Service, measure: Measure, viewer: Viewer) -> html.Section:
    """The team's commentary on the measure for the latest term: what the pack prints."""
    term = service.snapshot().latest_term()
    if term is None:
        return html.Section([html.H2("Commentary"), html.P("No termly return loaded yet.")])
    history = service.commentary_history(measure.ref, term)
    edit = (
        html.A(
            f"Write or change the commentary for {term}",
            href=council_path(f"/measure/{measure.ref}/commentary?period={term.replace(' ', '+')}"),
        )
        if viewer.may(Permission.WRITE_NOTES)
        else None
    )
    body: list[html.P | html.Blockquote | None]
    if not history:
        body = [html.P(f"No commentary for {term} yet."), html.P(edit) if edit else None]
    else:
        latest = history[0]
        earlier = (
            f"; {len(history) - 1} earlier version{'s' if len(history) > 2 else ''}"
            if len(history) > 1
            else ""
        )
        body = [
            html.Blockquote(latest.text, className="commentary"),
            html.P(
                f"{latest.written_by}, {latest.written_at:%d %B %Y %H:%M} UTC{earlier}.",
                className="source",
            ),
            html.P(edit) if edit else None,
        ]
    return html.Section(id="commentary", children=[html.H2(f"Commentary for {term}"), *body])


def layout(council: str = "", ref: str = "", superseded: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    measure = _find(ref)
    if measure is None:
        return not_found(
            "Measure not found",
            f"There is no measure {ref!r}. Measures are numbered 1 to "
            f"{len(current_service().catalogue.measures)}.",
            "See every measure on the overview",
            council_path("/"),
        )
    service = current_service()
    viewer = current_viewer()
    snapshot = service.snapshot()
    series = snapshot.series(measure.ref)
    charted = viewer.charted(series)
    return html.Div(
        className="page page--measure",
        children=[
            dcc.Link("All measures", href=council_path("/#measures"), className="back-link"),
            html.H1(f"{measure.ref}. {unit_label(measure)}"),
            _context(measure),
            demo_notice() if snapshot.is_demo else None,
            latest_line(
                measure,
                snapshot.latest(measure.ref),
                snapshot.forecast(measure.ref),
                viewer=viewer,
            ),
            chart_block(
                graph_id=GRAPH_ID,
                title=measure_title(charted),
                figure=build_measure_json(charted, height=420),
                summary=summarise_measure(charted),
                level=2,
                source=measure_source(measure, snapshot),
                download=f"measure-{measure.ref}",
                alt_text=published_summary(series),
                alt_note=published_difference(
                    series, threshold=current_settings().suppress_threshold
                ),
            ),
            html.Section(
                [
                    html.H2(f"Every figure, with its {target_word(measure).lower()} and source"),
                    series_table(
                        series,
                        viewer=viewer,
                        table_id=TABLE_ID,
                        snapshot=snapshot,
                        download=f"measure-{measure.ref}",
                    )
                    if series
                    else html.P("No figures have been loaded for this measure yet."),
                ]
            ),
            # Commentary is the team's draft until the pack prints it, and superseded figures
            # are the submissions' history: neither is for the public view.
            None if viewer.public else _commentary(service, measure, viewer),
            _comparators(snapshot, measure),
            _projection(snapshot, measure, viewer),
            _about(measure),
            None if viewer.public else _superseded(service, measure, superseded == "show"),
        ],
    )
