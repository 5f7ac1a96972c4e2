"""A measure as the workstream, Schools Forum and measure pages show it: a card with its
latest figure, status and chart, and the table of its figures."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.periods import parse_term
from exports.publish import withheld, without_withheld
from figures.captions import measure_source
from figures.measure import build_measure_json, measure_title, summarise_measure, trend_of
from kpis.catalogue import Measure
from kpis.formats import NOT_AVAILABLE
from kpis.measures import MeasureValue, source_family
from kpis.snapshot import Snapshot
from kpis.wording import (
    basis_phrase,
    comparator_figure,
    difference_phrase,
    first_upper,
    listed,
    period_phrase,
    quartile_phrase,
    show_value,
    sign_note,
    status_key,
    target_phrase,
    travel_phrase,
    unit_label,
)
from layouts._shared.components import chart_block, data_table, status_tag
from layouts._shared.context import council_path, current_settings
from layouts._shared.viewer import Viewer, status_for


def target_word(measure: Measure) -> str:
    return "Plan" if measure.category == "DSG" else "Target"


def row_status(value: MeasureValue) -> str:
    """The status shown in a row: a plan-only year has no figure yet."""
    if value.basis == "plan" or value.value is None:
        return "no_figure" if value.measure.direction != "neutral" else "not_judged"
    return status_key(value, value.measure)


TERMS_IN_YEAR = 3


def no_figure_meaning(value: MeasureValue, snapshot: Snapshot) -> str | None:
    """Why a period whose file is loaded has no figure, in place of 'nothing loaded yet': an
    average over no placements, a change with no figure a year earlier to compare, a year not
    all of whose terms are loaded, or a file without the field. None when no file is loaded."""
    measure = value.measure
    if snapshot.submission(value.submission_id) is None:
        return None
    if value.extra.get("base") == 0:
        if measure.computation == "average":
            return "no placements in the term to average"
        return "nothing in the term to divide by"
    if measure.computation == "change":
        # a change is always against the same term a year earlier (kpis/computations.py)
        term = parse_term(value.period)
        earlier = f"{term.season} {term.year - 1}"
        if not any(
            v.period == earlier and v.value is not None for v in snapshot.series(measure.ref)
        ):
            return f"no {earlier} figure to compare with"
    if measure.grain == "financial_year":
        family = source_family(measure)
        terms = {
            s.period
            for s in snapshot.submissions
            if s.family == family
            and s.status != "superseded"
            and s.period != "plan"
            and parse_term(s.period).financial_year == value.period
        }
        if len(terms) < TERMS_IN_YEAR:
            return f"needs the year's {TERMS_IN_YEAR} terms; {len(terms)} loaded"
    return "the file loaded does not hold what it is worked out from"


def value_text(viewer: Viewer, value: MeasureValue | None) -> str:
    """A figure in its unit, or [c] where this viewer is not shown it."""
    if value is None or value.basis == "plan":
        return NOT_AVAILABLE
    return viewer.figure(value, show_value(value.value, value.measure))


def difference_text(viewer: Viewer, value: MeasureValue | None) -> str:
    if value is None or value.variance is None:
        return NOT_AVAILABLE
    return viewer.figure(value, difference_phrase(value))


def series_table(
    series: Sequence[MeasureValue],
    *,
    viewer: Viewer,
    table_id: str,
    snapshot: Snapshot | None = None,
    loaded: Snapshot | None = None,
    download: str | None = None,
) -> html.Div:
    """Every period's figure; with a snapshot, the direction of travel and, for an account, the
    file each figure came from. The files loaded (``snapshot``, or ``loaded`` where the table
    has no such columns) say why a period with a file has no figure."""
    measure = series[0].measure
    headers = ["Period", "Value", "Basis", target_word(measure), "Difference", "Status"]
    sources = snapshot is not None and not viewer.public  # the source file is for accounts
    if snapshot is not None:
        headers += ["Direction of travel"]
    if sources:
        headers += ["Source file"]
    rows: list[list[ComponentType]] = []
    files = snapshot or loaded
    for v in series:
        status = status_for(viewer, v, row_status(v))
        why = no_figure_meaning(v, files) if files and status == "no_figure" else None
        row: list[ComponentType] = [
            v.period,
            value_text(viewer, v),
            first_upper(basis_phrase(v)),
            target_phrase(v),
            difference_text(viewer, v),
            status_tag(status, meaning=why),
        ]
        if snapshot is not None:
            row += [travel_phrase(v) or "Nothing to compare"]
            if sources:
                row += [source_cell(snapshot, v.submission_id)]
        rows.append(row)
    note = sign_note(measure)
    return data_table(
        caption=f"{measure.ref}. {unit_label(measure)}: every period, in {unit_words(measure.unit)}"
        + (f". {note}" if note else ""),
        headers=headers,
        rows=rows,
        table_id=table_id,
        text_columns={2, 3, 5, 6, 7},
        download=download,
    )


def source_cell(snapshot: Snapshot, submission_id: int | None) -> ComponentType:
    record = snapshot.submission(submission_id)
    if record is None:
        return "none"
    return [
        dcc.Link(record.file_name, href=council_path(f"/submissions#submission-{record.id}")),
        html.Br(),
        f"loaded {record.loaded_at:%d %b %Y}, {record.status}",
    ]


def unit_words(unit: str | None) -> str:
    return {
        "£m": "£ millions",
        "£": "pounds",
        "%": "per cent",
        "ratio": "a ratio",
    }.get(unit or "count", "numbers")


def latest_line(
    measure: Measure, latest: MeasureValue | None, forecast=None, *, viewer: Viewer
) -> html.Div:
    """The headline: the latest outturn with its period, target and status; the latest forecast
    beside it, labelled as a forecast with the term it was made in."""
    if latest is None and forecast is None:
        return html.Div(
            html.P("No figures have been loaded for this measure yet.", className="latest"),
            className="latest-block",
        )
    parts = [_figure_line(measure, latest, "Latest outturn", viewer)]
    if forecast is not None and forecast is not latest:
        parts.append(_figure_line(measure, forecast, "Latest forecast", viewer))
    elif latest is not None and latest.basis == "forecast":
        parts.append(
            html.P(
                "Every figure of this measure is a forecast made in its term: there is no outturn.",
                className="source",
            )
        )
    note = sign_note(measure)
    if note:
        parts.append(html.P(note + ".", className="source sign-note"))
    threshold = current_settings().suppress_threshold
    if viewer.public and viewer.hides_any([v for v in (latest, forecast) if v is not None]):
        parts.append(
            html.P(
                f"[c]: withheld. Counts of 1 to {threshold}, and rates or averages resting on "
                "them, are not shown, so that no child can be identified.",
                className="source withheld-note",
            )
        )
    elif latest is not None and withheld(latest, threshold):
        parts.append(
            html.P(
                f"Published outputs (table downloads, the Schools Forum pack, the DfE return) "
                f"show this figure as [c]: it rests on {_base_words(latest)}, and counts of "
                f"1 to {threshold} are withheld there so that no child can be identified.",
                className="source withheld-note",
            )
        )
    return html.Div(parts, className="latest-block")


def _base_words(value: MeasureValue) -> str:
    base = value.extra.get("base")
    if base is None:
        return f"a count of {show_value(value.value, value.measure)}"
    return f"{base} {'case' if base == 1 else 'cases'}"


def _figure_line(
    measure: Measure, value: MeasureValue | None, label: str, viewer: Viewer
) -> html.P:
    if value is None:
        return html.P(f"{label}: none yet.", className="latest")
    if value.basis == "forecast":
        label = "Latest forecast"
    plan = (
        f"{target_word(measure)} {target_phrase(value)}"
        if value.plan_value is not None
        else f"No {target_word(measure).lower()} set"
    )
    travel = travel_phrase(value)
    return html.P(
        className="latest",
        children=[
            f"{label}: ",
            html.Span(
                viewer.figure(value, show_value(value.value, measure)), className="latest__value"
            ),
            f" in {period_phrase(value)}. {plan}. ",
            status_tag(status_for(viewer, value, status_key(value, measure))),
            f" Direction of travel: {travel[:1].lower()}{travel[1:]}." if travel else "",
        ],
    )


def measure_card(
    measure: Measure, snapshot: Snapshot, *, viewer: Viewer, level: int = 2
) -> html.Section:
    """Heading, latest figure and status, and the chart with its figures as a table."""
    series = snapshot.series(measure.ref)
    charted = viewer.charted(series)
    heading = {2: html.H2, 3: html.H3}[level]
    graph_id = f"measure-{measure.ref}-graph"
    return html.Section(
        className="measure-card",
        id=f"measure-{measure.ref}",
        children=[
            heading(
                dcc.Link(
                    f"{measure.ref}. {unit_label(measure)}",
                    href=council_path(f"/measure/{measure.ref}"),
                )
            ),
            latest_line(
                measure,
                snapshot.latest(measure.ref),
                snapshot.forecast(measure.ref),
                viewer=viewer,
            ),
            chart_block(
                graph_id=graph_id,
                title=measure_title(charted),
                figure=build_measure_json(charted),
                summary=summarise_measure(charted),
                level=level + 1,
                table=series_table(
                    series,
                    viewer=viewer,
                    table_id=f"measure-{measure.ref}-table",
                    loaded=snapshot,
                    download=f"measure-{measure.ref}",
                )
                if series
                else None,
                source=measure_source(measure, snapshot),
                download=f"measure-{measure.ref}",
                alt_text=published_summary(series),
                alt_note=published_difference(
                    series, threshold=current_settings().suppress_threshold
                ),
            ),
            comparator_line(series),
        ],
    )


def published_summary(series: Sequence[MeasureValue]) -> str:
    """The summary of the chart as downloaded: withheld figures left out."""
    threshold = current_settings().suppress_threshold
    return summarise_measure(without_withheld(list(series), threshold))


def published_difference(series: Sequence[MeasureValue], *, threshold: int) -> str:
    """Why the downloaded image's alt text differs from the summary an account reads on the
    page: what the published image leaves out ('' when it leaves out nothing)."""
    published = without_withheld(list(series), threshold)
    left_out = [
        shown.period
        for shown, kept in zip(series, published, strict=True)
        if shown.value is not None and kept.value is None
    ]
    trend_dropped = trend_of(series) is not None and trend_of(published) is None
    if not left_out and not trend_dropped:
        return ""
    parts = []
    if left_out:
        parts.append(
            f"{listed(left_out)}, which {'rests' if len(left_out) == 1 else 'rest'} on "
            f"{'a small count' if len(left_out) == 1 else 'small counts'} (withheld as [c] in "
            "every published output)"
        )
    if trend_dropped:
        parts.append("and with it the trend line" if left_out else "the trend line")
    return (
        f"The image to download leaves out {', '.join(parts)}; its alt text describes what the "
        "image shows."
    )


def comparator_line(series: Sequence[MeasureValue]) -> html.P | None:
    """The council's own published figure beside England's and its statistical neighbours'
    average, all on one basis and period, and its quartile: where SEN2 supports the measure."""
    published = [(v, v.england, v.neighbours) for v in series if v.england and v.neighbours]
    if not published:
        return None
    v, england, neighbours = published[-1]
    return html.P(
        className="comparator",
        children=f"Published comparison ({england['basis']}; {england['period']}): this council "
        f"{comparator_figure(v.comparator_council)}, England {comparator_figure(england)}, "
        f"statistical neighbours' average {comparator_figure(neighbours)} "
        f"({neighbours['reported']} of {neighbours['of']} reported). "
        f"Quartile: {quartile_phrase(v.quartile)}.",
    )
