"""Parts of the upload pages: the file picker, the GOV.UK error summary, the report table, and
the cells of the preview (a figure with its period and basis; a change of status)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from kpis.catalogue import Measure
from kpis.formats import NOT_AVAILABLE
from kpis.measures import MeasureValue
from kpis.preview import Change
from kpis.wording import basis_phrase, show_value
from layouts._shared.components import aria, scrolling_table, status_tag
from loaders.report import Issue

UPLOAD_ID = "upload-workbook"
GO_ID = "upload-go"
# Where a refused upload (a limit reached) is explained, as a GOV.UK error summary.
UPLOAD_ERRORS_ID = "upload-errors"


def file_picker(max_mb: int, *, label: str = "Upload a workbook") -> html.Div:
    """A drop zone that is also a button: Tab reaches it, Enter or Space opens the file chooser."""
    return html.Div(
        className="form-group",
        children=[
            html.Div(id=UPLOAD_ERRORS_ID),
            html.H2(label, id="upload-label"),
            html.P(
                f"An Excel workbook (.xlsx) made from one of the templates, up to {max_mb} MB. "
                "It is checked first; nothing is stored until you confirm.",
                id="upload-hint",
                className="form-hint",
            ),
            dcc.Upload(
                id=UPLOAD_ID,
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                max_size=max_mb * 1_000_000,
                multiple=False,
                className="upload-zone",
                children=html.Div(
                    [
                        html.Span("Choose a workbook", className="button button--secondary"),
                        " or drop it here",
                    ]
                ),
            ),
            dcc.Loading(
                html.P(id="upload-status", role="status", className="form-hint"),
                type="dot",
            ),
            dcc.Location(id=GO_ID, refresh=True),
            dcc.Store(id="upload-label-sink"),
            dcc.Store(id="upload-errors-sink"),
        ],
    )


def error_summary(
    items: Sequence[tuple[str, str]], *, summary_id: str = "error-summary"
) -> html.Div:
    """'There is a problem', each problem a link to where it is explained."""
    return html.Div(
        id=summary_id,
        className="error-summary",
        tabIndex="-1",
        role="alert",
        **aria(labelledby=f"{summary_id}-title"),
        children=[
            html.H2(
                "There is a problem", id=f"{summary_id}-title", className="error-summary__title"
            ),
            html.Ul(
                className="error-summary__list",
                children=[html.Li(html.A(text, href=f"#{target}")) for text, target in items],
            ),
        ],
    )


def problem_text(issue: Issue) -> str:
    where = "The file" if issue.sheet is None else f"Sheet {issue.location}"
    return f"{where}: {issue.found}"


def report_table(issues: Sequence[Issue], *, caption: str) -> html.Div:
    """Every problem with where it is, what was found, what was expected and how to fix it;
    each row has an id the error summary links to."""
    rows = [
        html.Tr(
            id=f"problem-{number}",
            className=f"report-row--{issue.level}",
            children=[
                html.Th(str(number), scope="row"),
                html.Td(
                    html.Span(issue.level.capitalize(), className=f"level level--{issue.level}")
                ),
                html.Td(issue.location),
                html.Td(issue.found),
                html.Td(issue.expected),
                html.Td(issue.fix),
            ],
        )
        for number, issue in enumerate(issues, start=1)
    ]
    return scrolling_table(
        caption=caption,
        headers=["No.", "Level", "Where", "Found", "Expected", "How to fix it"],
        body=rows,
        table_id="upload-report",
    )


def figure_cell(value: MeasureValue | None, measure: Measure) -> list:
    """A figure with its period and basis beneath it: a number is never shown without them."""
    if value is None:
        return [NOT_AVAILABLE, html.Br(), html.Span("no earlier figure", className="source")]
    return [
        show_value(value.value, measure),
        html.Br(),
        html.Span(f"{value.period}, {basis_phrase(value)}", className="source"),
    ]


def status_change(change: Change) -> list:
    """'Green: on track -> Amber: at risk', by word and icon; or that the status stays."""
    after = status_tag(change.status_after)
    if not change.status_changes:
        return ["No change: ", after]
    return [
        status_tag(change.status_now),
        html.Span(" → ", **aria(hidden="true")),
        html.Span(" changes to ", className="visually-hidden"),
        after,
    ]
