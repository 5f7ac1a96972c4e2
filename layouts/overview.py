"""/c/<council>: is the council's programme on its plan? The DSG balance against plan, how many measures are green,
amber and red, and every measure in a table that can be filtered and sorted."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, urlencode

import dash
from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.roles import Permission
from figures.captions import plan_source
from figures.measure import describe_sparkline, sparkline_svg
from figures.plan import build_cumulative_figure, cumulative_title, summarise_cumulative
from kpis.catalogue import Measure
from kpis.formats import NOT_AVAILABLE
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from kpis.wording import period_phrase, target_phrase, travel_phrase, unit_label
from layouts._shared.components import (
    SHOWN_STATUS_WORDS,
    chart_block,
    data_table,
    demo_notice,
    option_group,
    page_not_found,
    status_tag,
)
from layouts._shared.context import council_path, council_title, current_service, is_this_council
from layouts._shared.measures import difference_text, value_text
from layouts._shared.statuses import (
    COUNT_WORDS,
    JUDGED,
    STATUS_RANK,
    STATUSES,
    count_statuses,
    measure_status,
    shown_statuses,
)
from layouts._shared.viewer import WITHHELD_STATUS, Viewer, current_viewer
from layouts.plan import PLAN_CUMULATIVE_TABLE, series_table_for_plan
from web.access import Access

# Dash matches the pages' templates in the order of the registry, and <council> spans slashes:
# the overview's /c/<council> would take every council page's address, so it is matched last.
OVERVIEW_ORDER = 99

dash.register_page(
    __name__,
    path_template="/c/<council>",
    name="Overview",
    order=OVERVIEW_ORDER,
    title=council_title("Programme overview"),
    access=Access.PUBLIC_VIEW,
)

SORTS = {"paper": "Paper order", "status": "Status, worst first", "variance": "Furthest off plan"}
FILTERS = ("category", "workstream", "status", "sort")
TABLE_ID = "overview-table"


def _latest(snapshot: Snapshot, measure: Measure) -> MeasureValue | None:
    return snapshot.latest(measure.ref)


def _shortfall(viewer: Viewer, value: MeasureValue | None) -> Decimal:
    """How far worse than plan, as a share of the plan: larger is worse; none, or a figure this
    viewer is not shown, sorts last."""
    if value is None or value.variance is None or not value.plan_value or viewer.hides(value):
        return Decimal("-Infinity")
    share = value.variance / abs(value.plan_value)
    return -share if value.measure.direction == "higher_is_better" else share


def select_measures(
    snapshot: Snapshot,
    measures: tuple[Measure, ...],
    *,
    viewer: Viewer,
    category: str,
    workstream: str,
    status: str,
    sort: str,
) -> list[Measure]:
    """The measures the filters let through, in the order asked for."""
    chosen = [
        m
        for m in measures
        if category in ("all", m.category)
        and (
            workstream == "all"
            or (workstream == "none" and not m.workstreams)
            or (workstream.isdigit() and int(workstream) in m.workstreams)
        )
        and status in ("all", measure_status(viewer, snapshot, m))
    ]
    if sort == "status":
        chosen.sort(key=lambda m: (STATUS_RANK[measure_status(viewer, snapshot, m)], m.ref))
    elif sort == "variance":
        chosen.sort(key=lambda m: (-_shortfall(viewer, _latest(snapshot, m)), m.ref))
    return chosen


def _sparkline(viewer: Viewer, snapshot: Snapshot, measure: Measure) -> str | html.Img:
    series = viewer.charted(snapshot.series(measure.ref))
    svg = sparkline_svg(series)
    if not svg:
        return "–"
    return html.Img(
        src="data:image/svg+xml;utf8," + quote(svg),
        alt=describe_sparkline(series),
        className="sparkline",
        width=96,
        height=24,
    )


def _forecast_cell(
    viewer: Viewer, snapshot: Snapshot, measure: Measure, latest: MeasureValue | None
) -> str:
    forecast = snapshot.forecast(measure.ref)
    if forecast is None or forecast is latest:
        return "–"
    return f"{value_text(viewer, forecast)} in {period_phrase(forecast)}"


def _row(viewer: Viewer, snapshot: Snapshot, measure: Measure) -> list[ComponentType]:
    latest = _latest(snapshot, measure)
    return [
        dcc.Link(
            f"{measure.ref}. {unit_label(measure)}", href=council_path(f"/measure/{measure.ref}")
        ),
        value_text(viewer, latest) if latest else NOT_AVAILABLE,
        period_phrase(latest) if latest else "–",
        target_phrase(latest, short=True) if latest else "none set",
        difference_text(viewer, latest) if latest and latest.variance is not None else "–",
        status_tag(measure_status(viewer, snapshot, measure)),
        (travel_phrase(latest) or "Nothing to compare") if latest else "–",
        _forecast_cell(viewer, snapshot, measure, latest),
        _sparkline(viewer, snapshot, measure),
    ]


def status_table(
    viewer: Viewer, snapshot: Snapshot, measures: list[Measure], total: int
) -> html.Div:
    return data_table(
        caption=f"{len(measures)} of {total} measures: latest outturn (or, for a measure that "
        "is only forecast, latest forecast) against plan or target",
        table_id=TABLE_ID,
        headers=[
            "Measure",
            "Latest",
            "Period and basis",
            "Plan or target",
            "Difference",
            "Status",
            "Direction of travel",
            "Latest forecast",
            "Trend",
        ],
        rows=[_row(viewer, snapshot, m) for m in measures],
        text_columns={2, 3, 5, 6, 7, 8},
        download="measures",
    )


def _counts(viewer: Viewer, snapshot: Snapshot, measures: tuple[Measure, ...]) -> html.Div:
    counts = count_statuses(viewer, snapshot, measures)
    return html.Div(
        [
            html.Ul(
                className="status-counts",
                id="overview-counts",
                children=[
                    html.Li(
                        dcc.Link(
                            href=council_path(f"/?status={s}#measures"),
                            className=f"count count--{s if s in JUDGED else 'none'}",
                            children=[
                                html.Span(str(counts[s]), className="count__number"),
                                status_tag(s),
                                html.Span(
                                    f" {counts[s]} measures {COUNT_WORDS[s]}",
                                    className="visually-hidden",
                                ),
                            ],
                        )
                    )
                    for s in shown_statuses(counts)
                ],
            ),
            _unjudged_note(viewer, counts),
        ]
    )


def _unjudged_note(viewer: Viewer, counts: dict[str, int]) -> html.P | None:
    """Say plainly how many measures cannot be judged yet, and where their targets are set."""
    if not counts["no_target"]:
        return None
    where: list[str | dcc.Link] = (
        [
            "(",
            dcc.Link("download the template on the upload page", href=council_path("/upload")),
            ")",
        ]
        if viewer.may(Permission.UPLOAD)
        else []
    )
    return html.P(
        id="overview-no-target",
        children=[
            f"{counts['no_target']} measure{'s' if counts['no_target'] != 1 else ''} "
            "cannot be judged because no target has been set. Targets are set in the Targets "
            "sheet of the DSG workbook",
            *([" ", *where] if where else []),
            "; ",
            dcc.Link("see which", href=council_path("/?status=no_target#measures")),
            ".",
        ],
    )


def _href(query: dict[str, str], **change: str) -> str:
    picked = {**query, **change}
    kept = {k: picked[k] for k in FILTERS if picked.get(k) not in (None, "all", "paper")}
    return council_path("/" + ("?" + urlencode(kept) if kept else "") + "#measures")


def _choice(name: str, legend: str, options: list[tuple[str, str]], query: dict[str, str]):
    """One filter as a list of links: plain, keyboard-reachable, and the address is the view."""
    return option_group(
        legend,
        f"overview-filter-{name}-label",
        [(label, _href(query, **{name: key}), key == query.get(name)) for key, label in options],
        id=f"overview-filter-{name}",
    )


def _filters(
    viewer: Viewer,
    measures: tuple[Measure, ...],
    query: dict[str, str],
    workstreams: tuple[int, ...],
) -> html.Div:
    categories = list(dict.fromkeys(m.category for m in measures))
    streams = [(str(n), f"Workstream {n}") for n in workstreams]
    statuses = [
        (key, SHOWN_STATUS_WORDS[key][0])
        for key in STATUSES
        if key != WITHHELD_STATUS or viewer.public
    ]
    return html.Div(
        className="filters",
        children=[
            _choice("category", "Category", [("all", "All")] + [(c, c) for c in categories], query),
            _choice(
                "workstream",
                "Workstream",
                [("all", "All"), *streams, ("none", "Programme only")],
                query,
            ),
            _choice("status", "Status", [("all", "All"), *statuses], query),
            _choice("sort", "Sort by", list(SORTS.items()), query),
        ],
    )


def _headline(snapshot: Snapshot) -> html.Section:
    view = snapshot.plan_view
    if view is None:
        return html.Section(
            [html.H2("DSG recovery plan"), html.P("No DSG plan has been loaded yet.")]
        )
    return html.Section(
        [
            html.H2("DSG cumulative balance against plan"),
            chart_block(
                graph_id="overview-dsg-graph",
                title=cumulative_title(view),
                figure=build_cumulative_figure(view),
                summary=summarise_cumulative(view),
                source=plan_source(view),
                download="plan-cumulative",
                level=3,
                table=series_table_for_plan(
                    view.cumulative,
                    caption="Cumulative deficit after contributions at 31 March, £m",
                    table_id=PLAN_CUMULATIVE_TABLE.replace("plan", "overview"),
                    download=f"measure-{view.cumulative[0].measure.ref}",
                ),
            ),
            html.P(dcc.Link("The financial plan, line by line", href=council_path("/plan"))),
        ]
    )


def _chosen(query: dict[str, str], workstreams: tuple[int, ...]) -> dict[str, str]:
    """The filters from the address; anything unknown falls back to showing everything."""
    chosen = {key: str(query.get(key, "")) for key in FILTERS}
    if chosen["sort"] not in SORTS:
        chosen["sort"] = "paper"
    if chosen["status"] not in STATUSES:
        chosen["status"] = "all"
    if chosen["workstream"] not in {*map(str, workstreams), "none"}:
        chosen["workstream"] = "all"
    if not chosen["category"]:
        chosen["category"] = "all"
    return chosen


def layout(council: str = "", **query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    service = current_service()
    viewer = current_viewer()
    snapshot = service.snapshot()
    measures = service.catalogue.measures
    profile = service.council.profile
    workstreams = tuple(w.number for w in profile.workstreams)
    chosen = _chosen(query, workstreams)
    return html.Div(
        className="page page--overview",
        children=[
            html.H1(f"{profile.programme}: is the programme on plan?"),
            demo_notice() if snapshot.is_demo else None,
            html.P(
                f"The latest outturn for each of the programme's {len(measures)} measures, judged "
                "against the DSG recovery plan or the target set for it, with the latest forecast "
                "beside it, and the DSG balance the programme has to bring to nil.",
                className="lede",
            ),
            html.H2("Measures by status"),
            _counts(viewer, snapshot, measures),
            _headline(snapshot),
            html.Section(
                id="measures",
                children=[
                    html.H2(f"All {len(measures)} measures"),
                    html.P(
                        "Choose what to show. Each choice is a link, so the address of the page "
                        "is the view: copy it to share what you see."
                    ),
                    _filters(viewer, measures, chosen, workstreams),
                    html.Div(
                        id="overview-table-container",
                        children=status_table(
                            viewer,
                            snapshot,
                            select_measures(snapshot, measures, viewer=viewer, **chosen),
                            len(measures),
                        ),
                    ),
                ],
            ),
        ],
    )
