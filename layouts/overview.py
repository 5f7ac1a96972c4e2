"""/: is the programme on its plan? The DSG balance against plan, how many measures are green,
amber and red, and every measure in a table that can be filtered and sorted."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, urlencode

import dash
from dash import dcc, html

from figures.captions import plan_source
from figures.measure import describe_sparkline, sparkline_svg
from figures.plan import build_cumulative_figure, cumulative_title, summarise_cumulative
from kpis.catalogue import Measure
from kpis.formats import NOT_AVAILABLE, format_value, format_variance
from kpis.measures import MeasureValue
from kpis.service import Snapshot
from layouts._shared.components import (
    chart_block,
    data_table,
    demo_notice,
    direction_text,
    option_group,
    status_tag,
)
from layouts._shared.context import current_service
from layouts.plan import PLAN_CUMULATIVE_TABLE, series_table_for_plan

dash.register_page(
    __name__,
    path="/",
    name="Overview",
    order=0,
    title="Programme overview - Local First Inclusion",
)

STATUSES = ("red", "amber", "green", "none")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
SORTS = {"paper": "Paper order", "status": "Status, worst first", "variance": "Furthest off plan"}
FILTERS = ("category", "workstream", "status", "sort")
TABLE_ID = "overview-table"


def _latest(snapshot: Snapshot, measure: Measure) -> MeasureValue | None:
    return snapshot.latest(measure.ref)


def _status(value: MeasureValue | None) -> str:
    return value.status if value is not None else "none"


def _shortfall(value: MeasureValue | None) -> Decimal:
    """How far worse than plan, as a share of the plan: larger is worse; none sorts last."""
    if value is None or value.variance is None or not value.plan_value:
        return Decimal("-Infinity")
    share = value.variance / abs(value.plan_value)
    return -share if value.measure.direction == "higher_is_better" else share


def select_measures(
    snapshot: Snapshot,
    measures: tuple[Measure, ...],
    *,
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
        and status in ("all", _status(_latest(snapshot, m)))
    ]
    if sort == "status":
        chosen.sort(key=lambda m: (STATUS_RANK[_status(_latest(snapshot, m))], m.ref))
    elif sort == "variance":
        chosen.sort(key=lambda m: (-_shortfall(_latest(snapshot, m)), m.ref))
    return chosen


def _sparkline(snapshot: Snapshot, measure: Measure) -> object:
    series = snapshot.series(measure.ref)
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


def _row(snapshot: Snapshot, measure: Measure) -> list[object]:
    latest = _latest(snapshot, measure)
    unit = measure.unit
    return [
        dcc.Link(f"{measure.ref}. {measure.label}", href=f"/measure/{measure.ref}"),
        format_value(latest.value, unit) if latest else NOT_AVAILABLE,
        latest.period if latest else "–",
        format_value(latest.plan_value, unit)
        if latest and latest.plan_value is not None
        else "none set",
        format_variance(latest.variance, unit) if latest and latest.variance is not None else "–",
        status_tag(_status(latest)),
        direction_text(latest.direction_of_travel if latest else None),
        _sparkline(snapshot, measure),
    ]


def status_table(snapshot: Snapshot, measures: list[Measure]) -> html.Div:
    return data_table(
        caption=f"{len(measures)} of 46 measures: latest value against plan or target",
        table_id=TABLE_ID,
        headers=[
            "Measure",
            "Latest",
            "Period",
            "Plan or target",
            "Difference",
            "Status",
            "Direction of travel",
            "Trend",
        ],
        rows=[_row(snapshot, m) for m in measures],
        text_columns={2, 5, 6, 7},
        download="measures",
    )


def _counts(snapshot: Snapshot, measures: tuple[Measure, ...]) -> html.Ul:
    counts = {s: 0 for s in STATUSES}
    for m in measures:
        counts[_status(_latest(snapshot, m))] += 1
    words = {
        "green": "on track",
        "amber": "at risk",
        "red": "off track",
        "none": "with no plan or target",
    }
    return html.Ul(
        className="status-counts",
        id="overview-counts",
        children=[
            html.Li(
                dcc.Link(
                    href=f"/?status={s}#measures",
                    className=f"count count--{s}",
                    children=[
                        html.Span(str(counts[s]), className="count__number"),
                        status_tag(s),
                        html.Span(f" {counts[s]} measures {words[s]}", className="visually-hidden"),
                    ],
                )
            )
            for s in STATUSES
        ],
    )


def _href(query: dict[str, str], **change: str) -> str:
    picked = {**query, **change}
    kept = {k: picked[k] for k in FILTERS if picked.get(k) not in (None, "all", "paper")}
    return "/?" + urlencode(kept) + "#measures" if kept else "/#measures"


def _choice(name: str, legend: str, options: list[tuple[str, str]], query: dict[str, str]):
    """One filter as a list of links: plain, keyboard-reachable, and the address is the view."""
    return option_group(
        legend,
        f"overview-filter-{name}-label",
        [(label, _href(query, **{name: key}), key == query.get(name)) for key, label in options],
        id=f"overview-filter-{name}",
    )


def _filters(measures: tuple[Measure, ...], query: dict[str, str]) -> html.Div:
    categories = list(dict.fromkeys(m.category for m in measures))
    workstreams = [(str(n), f"Workstream {n}") for n in range(1, 6)]
    statuses = [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "No status")]
    return html.Div(
        className="filters",
        children=[
            _choice("category", "Category", [("all", "All")] + [(c, c) for c in categories], query),
            _choice(
                "workstream",
                "Workstream",
                [("all", "All"), *workstreams, ("none", "Programme only")],
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
                    download="measure-18",
                ),
            ),
            html.P(dcc.Link("The financial plan, line by line", href="/plan")),
        ]
    )


def _chosen(query: dict[str, str]) -> dict[str, str]:
    """The filters from the address; anything unknown falls back to showing everything."""
    chosen = {key: str(query.get(key, "")) for key in FILTERS}
    if chosen["sort"] not in SORTS:
        chosen["sort"] = "paper"
    if chosen["status"] not in STATUSES:
        chosen["status"] = "all"
    if chosen["workstream"] not in {"1", "2", "3", "4", "5", "none"}:
        chosen["workstream"] = "all"
    if not chosen["category"]:
        chosen["category"] = "all"
    return chosen


def layout(**query: str) -> html.Div:
    service = current_service()
    snapshot = service.snapshot()
    measures = service.catalogue.measures
    chosen = _chosen(query)
    return html.Div(
        className="page page--overview",
        children=[
            html.H1("Local First Inclusion: is the programme on plan?"),
            demo_notice() if snapshot.is_demo else None,
            html.P(
                "The latest figure for each of the programme's 46 measures, judged against the "
                "DSG recovery plan or the target set for it, and the DSG balance the programme "
                "has to bring to nil.",
                className="lede",
            ),
            html.H2("Measures by status"),
            _counts(snapshot, measures),
            _headline(snapshot),
            html.Section(
                id="measures",
                children=[
                    html.H2("All 46 measures"),
                    html.P(
                        "Choose what to show. Each choice is a link, so the address of the page "
                        "is the view: copy it to share what you see."
                    ),
                    _filters(measures, chosen),
                    html.Div(
                        id="overview-table-container",
                        children=status_table(
                            snapshot, select_measures(snapshot, measures, **chosen)
                        ),
                    ),
                ],
            ),
        ],
    )
