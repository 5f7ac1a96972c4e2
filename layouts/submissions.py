"""/c/<council>/submissions: every file the council loaded, newest first: what it is, its status, who loaded it and
when, and what it superseded."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.roles import Permission
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from layouts._shared.components import page_not_found, scrolling_table, table_downloads
from layouts._shared.context import council_path, council_title, current_service, is_this_council
from layouts._shared.viewer import current_viewer
from web.access import Access

dash.register_page(
    __name__,
    path_template="/c/<council>/submissions",
    name="Submissions",
    order=7,
    title=council_title("Submissions"),
    access=Access.READ,
)

TABLE_ID = "submissions-table"


def _status(record: SubmissionRecord, snapshot: Snapshot) -> ComponentType:
    if record.status != "superseded":
        return html.Strong("Current")
    newer = snapshot.submission(record.superseded_by_id)
    replaced_by = newer.file_name if newer else f"submission {record.superseded_by_id}"
    return [
        html.Strong("Superseded"),
        " by ",
        html.A(replaced_by, href=f"#submission-{record.superseded_by_id}"),
        f": {record.supersede_reason}" if record.supersede_reason else "",
    ]


def _supersedes(record: SubmissionRecord, snapshot: Snapshot) -> ComponentType:
    older = [s for s in snapshot.submissions if s.superseded_by_id == record.id]
    if not older:
        return "–"
    return [html.A(s.file_name, href=f"#submission-{s.id}") for s in older]


def _row(record: SubmissionRecord, snapshot: Snapshot) -> html.Tr:
    return html.Tr(
        id=f"submission-{record.id}",
        children=[
            html.Th(record.file_name, scope="row"),
            html.Td(record.family_title),
            html.Td(record.period_label),
            html.Td(_status(record, snapshot)),
            html.Td(_supersedes(record, snapshot)),
            html.Td(f"{record.loaded_at:%d %b %Y %H:%M} UTC"),
            html.Td(record.loaded_by or "not recorded"),
            html.Td("Demo data" if record.is_demo else "Council data"),
        ],
    )


def _stored_banner(snapshot: Snapshot, stored: str) -> html.Div | None:
    record = snapshot.submission(int(stored)) if stored.isdigit() else None
    if record is None:
        return None
    return html.Div(
        className="panel panel--success",
        role="status",
        id="stored-banner",
        children=[
            html.H2("Stored", className="panel__title"),
            html.P(
                [
                    f"{record.file_name} ({record.family_title}, {record.period_label}) is stored "
                    "and the dashboard now shows its figures. ",
                    dcc.Link("See the overview", href=council_path("/")),
                    ".",
                ]
            ),
        ],
    )


def layout(council: str = "", stored: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    snapshot = current_service().snapshot()
    records = snapshot.submissions
    headers = ["File", "Kind", "Period", "Status", "Supersedes", "Loaded", "By", "Data"]
    return html.Div(
        className="page page--submissions",
        children=[
            _stored_banner(snapshot, stored),
            html.H1("Submissions"),
            html.P(
                f"Every file loaded, newest first: {len(records)} in all. A correction supersedes "
                "the earlier file for the same return and period; both are kept.",
                className="lede",
            ),
            html.P(dcc.Link("Upload a workbook", href=council_path("/upload")))
            if current_viewer().may(Permission.UPLOAD)
            else None,
            table_downloads("submissions", "Every submission", withheld=False),
            scrolling_table(
                caption="Every submission, newest first",
                headers=headers,
                body=[_row(r, snapshot) for r in records],
                table_id=TABLE_ID,
            ),
        ],
    )
