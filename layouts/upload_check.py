"""/c/<council>/upload/<token>: the check of an uploaded workbook. With errors: 'There is a problem' and the
full report, nothing stored. Without: what storing it will change, and the confirmation. A large
workbook is checked by a worker when Redis and a worker are at hand (LFI_BACKGROUND_CHECK_MB):
meanwhile the page shows how far the check has got, and loads again when it is done."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from domain.actors import Forbidden
from domain.roles import Permission
from exports import tasks
from layouts._shared.components import data_table, page_not_found
from layouts._shared.context import (
    PRODUCT,
    callback_service,
    council_path,
    current_service,
    current_settings,
    is_this_council,
)
from layouts._shared.upload_parts import (
    GO_ID,
    error_summary,
    figure_cell,
    file_picker,
    problem_text,
    report_table,
    status_change,
)
from layouts.jobs import progress_panel
from layouts.upload import LOCATION
from services.checked import valid_parts
from services.interface import Overtaken, PendingCheck, PendingFile, UploadGone
from services.jobs import (
    InBackground,
    JobRequest,
    JobsBusy,
    JobState,
    JobStatus,
    JobsUnavailable,
    jobs_for,
)
from services.pending import sheet_counts
from web.access import Access, requires
from web.guard import current_actor

PAGE_TITLE = f"Check your workbook - {PRODUCT}"
DISCARD_GO_ID = "upload-discard-go"


def _check(token: str) -> tuple[PendingFile, PendingCheck | None] | None:
    """The signed-in account's own pending upload and its check (None while a worker works it
    out); None for anyone else's, for one no longer waiting, and for an account that may not
    upload."""
    service, actor = current_service(), current_actor()
    try:
        pending = service.read_upload(actor, token)
    except Forbidden:
        return None
    if pending is None:
        return None
    try:
        return pending, service.check_upload(actor, pending)
    except InBackground:
        return pending, None
    except Forbidden:
        return None


def _title(council: str = "", token: str = "", **_query: str) -> str:
    if not is_this_council(council):
        return f"Page not found - {PRODUCT}"
    found = _check(token)
    if found is None:
        return f"Upload not found - {PRODUCT}"
    check = found[1]
    return ("Error: " if check is not None and not check.checked.report.ok else "") + PAGE_TITLE


dash.register_page(
    __name__,
    path_template="/c/<council>/upload/<token>",
    name="Check your workbook",
    # before the overview's /c/<council>, which would take this address too (layouts/overview.py)
    order=10,
    title=_title,
    access=Access.UPLOAD,
    # Drawn for the one person looking (their waiting uploads): never kept for another.
    kept=False,
)


def _expired() -> html.Div:
    return html.Div(
        className="page",
        children=[
            html.H1("This upload is no longer waiting"),
            html.P(
                "It has been stored or discarded, or it was not confirmed within a day and was "
                "forgotten. Nothing else has changed."
            ),
            html.P(
                [
                    dcc.Link("See what has been stored", href=council_path("/submissions")),
                    " or ",
                    dcc.Link("upload a workbook", href=council_path("/upload")),
                    ".",
                ]
            ),
        ],
    )


def _with_errors(pending, check: PendingCheck) -> html.Div:
    report = check.checked.report
    issues = report.issues
    errors = [
        (problem_text(issue), f"problem-{number}")
        for number, issue in enumerate(issues, start=1)
        if issue.level == "error"
    ]
    return html.Div(
        className="page page--upload-check",
        children=[
            error_summary(errors),
            dcc.Store(id="upload-focus-sink"),
            html.H1("Check your workbook"),
            html.P(
                f"{pending.file_name} has {len(report.errors)} "
                f"{'error' if len(report.errors) == 1 else 'errors'}"
                + (
                    f" and {len(report.warnings)} warning{'s' if len(report.warnings) > 1 else ''}"
                    if report.warnings
                    else ""
                )
                + ". Nothing from it has been stored.",
                className="lede",
            ),
            report_table(issues, caption=f"Every problem found in {pending.file_name}"),
            file_picker(current_settings().max_upload_mb, label="Upload a corrected workbook"),
            _discard(pending.token),
        ],
    )


def _discard(token: str) -> html.Section:
    """The way to let go of an upload without storing it, so that it no longer counts against
    the uploads an account may have waiting."""
    return html.Section(
        [
            html.H2("Discard this upload"),
            html.P(
                "Nothing from it is stored, and it no longer counts among your waiting uploads.",
                className="form-hint",
            ),
            dcc.Store(id="upload-discard-token", data=token),
            html.Button(
                "Discard this upload",
                id="upload-discard",
                className="button button--secondary",
                n_clicks=0,
            ),
            dcc.Location(id=DISCARD_GO_ID, refresh=True),
        ]
    )


def _summary(pending, check: PendingCheck) -> html.Table:
    checked = check.checked
    family, content = valid_parts(checked)
    rows = [
        ("File", pending.file_name),
        ("Kind", family.title),
        ("Period", "Plan only" if content.period == "plan" else content.period),
        ("Size", f"{len(pending.content) / 1000:,.0f} kB"),
        ("Rows read", "; ".join(f"{sheet}: {gave}" for sheet, gave in sheet_counts(checked))),
        ("Warnings", str(len(checked.report.warnings))),
    ]
    return html.Table(
        className="summary-list",
        children=html.Tbody([html.Tr([html.Th(k, scope="row"), html.Td(v)]) for k, v in rows]),
    )


def _changes(check: PendingCheck) -> html.Section:
    changes = check.preview.changes
    body: html.P | html.Div
    if not changes:
        body = html.P("No measure changes: the figures are the same as those already stored.")
    else:
        body = data_table(
            caption=f"{len(changes)} measure "
            f"{'figure' if len(changes) == 1 else 'figures'} will change",
            table_id="upload-changes",
            headers=["Measure", "Period", "Now", "After storing", "Status"],
            rows=[
                [
                    dcc.Link(
                        f"{c.measure.ref}. {c.measure.label}",
                        href=council_path(f"/measure/{c.measure.ref}"),
                    ),
                    c.period,
                    figure_cell(c.now, c.measure),
                    figure_cell(c.after, c.measure),
                    status_change(c),
                ]
                for c in changes
            ],
            text_columns={1, 4},
        )
    return html.Section(
        [
            html.H2("What will change"),
            html.P(
                "Where a period has no figure yet, 'Now' shows the latest earlier one, "
                "with its period.",
                className="form-hint",
            )
            if changes
            else None,
            body,
        ]
    )


def _waiting(check: PendingCheck) -> html.Section | None:
    waiting = check.preview.waiting
    if not waiting:
        return None
    return html.Section(
        [
            html.H2("Waiting for more data"),
            html.P(
                "These measures will still show 'not available' for the file's period "
                "after it is stored."
            ),
            data_table(
                caption=f"{len(waiting)} "
                f"{'measure waits' if len(waiting) == 1 else 'measures wait'} for more data",
                table_id="upload-waiting",
                headers=["Measure", "Period", "Why not available yet"],
                rows=[
                    [
                        dcc.Link(f"{w.ref}. {w.label}", href=council_path(f"/measure/{w.ref}")),
                        w.period,
                        w.reason[:1].upper() + w.reason[1:],
                    ]
                    for w in waiting
                ],
                text_columns={1, 2},
            ),
        ]
    )


def _confirm_form(token: str, check: PendingCheck) -> html.Section:
    fields: list[html.P | html.Div | dcc.Textarea] = [
        html.P(
            f"Stored as you, {current_actor().name}: your account is kept with the file in the "
            "history.",
            id="upload-stored-as",
        )
    ]
    replaced = check.replaces
    if replaced is not None:  # a correction needs a reason
        fields.append(
            html.Div(
                className="form-group",
                id="upload-reason-group",
                children=[
                    html.Label(
                        "Reason for the correction", htmlFor="upload-reason", className="form-label"
                    ),
                    html.Span(
                        f"This replaces {replaced.described}, which stays in the history.",
                        className="form-hint",
                    ),
                    dcc.Textarea(id="upload-reason", rows=3, className="form-textarea"),
                ],
            )
        )
    else:
        # The confirm callback reads the reason; a file that corrects nothing needs none.
        fields.append(dcc.Textarea(id="upload-reason", hidden="hidden", value=""))
    return html.Section(
        [
            html.H2("Store the figures"),
            html.Div(id="upload-confirm-errors"),
            *fields,
            dcc.Store(id="upload-token", data=token),
            # What the changes above were worked out against: confirming stores the file only
            # if this is still the current file for its period.
            dcc.Store(id="upload-replaces", data=check.replaces.id if check.replaces else None),
            dcc.Store(id="upload-title"),
            dcc.Store(id="upload-title-sink"),
            html.Button("Store the figures", id="upload-confirm", className="button", n_clicks=0),
            " ",
            dcc.Link("Cancel and upload another file", href=council_path("/upload")),
            dcc.Location(id=GO_ID, refresh=True),
        ]
    )


def _overtaken_banner(check: PendingCheck) -> html.Div:
    now = check.identical_to or check.replaces
    stored = now.described if now is not None else "another file"
    return html.Div(
        className="error-summary",
        role="alert",
        id="overtaken-banner",
        children=[
            html.H2("Nothing was stored", className="error-summary__title"),
            html.P(
                f"Someone else stored a file for this period while you were checking yours: "
                f"{stored}. What storing your file would change has been worked out again "
                "below, against it. Check it and confirm again."
            ),
        ],
    )


def _valid(token: str, pending, check: PendingCheck, overtaken: bool = False) -> html.Div:
    warnings = check.checked.report.warnings
    identical = check.identical_to
    return html.Div(
        className="page page--upload-check",
        children=[
            _overtaken_banner(check) if overtaken else None,
            html.H1("Check your workbook"),
            html.P("The file has no errors. Nothing is stored until you confirm.", className="lede")
            if identical is None
            else html.P(
                f"{'This file is' if identical.same_bytes else 'The figures in this file are'} "
                f"already stored: {identical.described}. There is nothing to do.",
                className="lede",
            ),
            _summary(pending, check),
            report_table(warnings, caption="Warnings: the file can be stored, but check these")
            if warnings
            else None,
            _changes(check) if identical is None else None,
            _waiting(check) if identical is None else None,
            _confirm_form(token, check) if identical is None else None,
            _discard(token),
        ],
    )


def _check_job(pending: PendingFile, again: bool) -> JobState | None:
    """The worker's check of ``pending``: the one under way, or the last one if it failed
    (unless asked ``again``), else a new one. None: Redis cannot be reached."""
    jobs = jobs_for(current_settings().redis_url)
    if jobs is None:
        return None
    actor, page = current_actor(), council_path(f"/upload/{pending.token}")
    dedupe = f"check {pending.token}"
    try:
        latest = jobs.latest(dedupe, actor)
        # a finished check is not here only because a file was stored since: check again
        if latest is not None and (
            latest.status in (JobStatus.QUEUED, JobStatus.RUNNING)
            or (latest.status is JobStatus.FAILED and not again)
        ):
            return latest
        job = JobRequest(
            owner=actor,
            what=f"The check of {pending.file_name}",
            again=f"{page}?again=1",
            then=page,
            needs=Permission.UPLOAD,
            dedupe=dedupe,
            timeout=tasks.CHECK_TIMEOUT,
        )
        key = jobs.start(
            tasks.upload_check_job, (current_service().council.la_code, pending.token, actor), job
        )
        return jobs.state(key, actor)
    except (JobsUnavailable, JobsBusy):  # checked in the request instead, as without a worker
        return None


def _checking(pending: PendingFile, again: bool) -> html.Div:
    state = _check_job(pending, again)
    return html.Div(
        className="page page--upload-check",
        children=[
            html.H1("Checking your workbook"),
            html.P(
                f"{pending.file_name} ({len(pending.content) / 1_000_000:.1f} MB) is being "
                "checked on the server: every cell, then what storing it would change in each "
                "measure. This page shows the check when it is done; nothing is stored until "
                "you confirm.",
                className="lede",
            ),
            progress_panel(state)
            if state is not None
            else html.P(
                "The queue of checks cannot be reached just now. Load this page again in a minute."
            ),
            _discard(pending.token),
        ],
    )


def layout(
    council: str = "", token: str = "", overtaken: str = "", again: str = "", **_query: str
) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    found = _check(token)
    if found is None:
        return _expired()
    pending, check = found
    if check is None:
        return _checking(pending, again == "1")
    if not check.checked.report.ok:
        return _with_errors(pending, check)
    return _valid(token, pending, check, overtaken=overtaken == "1")


def _overtaken(check: PendingCheck, replaces: int | None) -> bool:
    """Whether the file now current for the period is not the one the officer's page showed."""
    if not check.checked.report.ok:
        return False
    now = check.replaces.id if check.replaces else None
    return check.identical_to is not None or now != replaces


@callback(
    Output(GO_ID, "href", allow_duplicate=True),
    Output("upload-confirm-errors", "children"),
    Output("upload-title", "data"),
    Input("upload-confirm", "n_clicks"),
    State("upload-token", "data"),
    State("upload-reason", "value"),
    State("upload-replaces", "data"),
    LOCATION,
    prevent_initial_call=True,
)
@requires(Access.UPLOAD)
def confirm(
    n_clicks: int, token: str, reason: str | None, replaces: int | None, _location: str | None
):
    service = callback_service()
    if not n_clicks:
        return no_update, no_update, no_update
    found = _check(token)
    again = council_path(f"/upload/{token}")
    if found is None:
        return again, no_update, no_update
    pending, check = found
    if check is None:  # a file stored meanwhile: the worker checks it again, and the page says so
        return again, no_update, no_update
    if _overtaken(check, replaces):
        # Checked again before asking for a missing reason: a file stored meanwhile changes
        # whether one is needed. The page is worked out again against it, and says why.
        return f"{again}?overtaken=1", no_update, no_update
    reason = (reason or "").strip()
    if check.needs_reason and not reason:
        return (
            no_update,
            error_summary(
                [("Enter the reason for the correction", "upload-reason")],
                summary_id="confirm-errors",
            ),
            "Error: " + PAGE_TITLE,
        )
    try:
        outcome = service.store_upload(
            current_actor(), pending, replaces=replaces, reason=reason or None
        )
    except UploadGone:  # stored or discarded from another tab, or expired, meanwhile
        return again, no_update, no_update
    if isinstance(outcome, Overtaken):  # stored by someone else since the check above
        return f"{again}?overtaken=1", no_update, no_update
    if outcome.stored_id is None:
        text = [(problem_text(issue), "upload-confirm") for issue in outcome.report.errors]
        return (
            no_update,
            error_summary(
                text or [("The file was not stored", "upload-confirm")], summary_id="confirm-errors"
            ),
            "Error: " + PAGE_TITLE,
        )
    return council_path(f"/submissions?stored={outcome.stored_id}"), None, PAGE_TITLE


@callback(
    Output(DISCARD_GO_ID, "href"),
    Input("upload-discard", "n_clicks"),
    State("upload-discard-token", "data"),
    LOCATION,
    prevent_initial_call=True,
)
@requires(Access.UPLOAD)
def discard(n_clicks: int, token: str, _location: str | None):
    service = callback_service()
    if not n_clicks:
        return no_update
    service.forget_upload(current_actor(), token)
    return council_path("/upload")


# The error summary takes focus when it appears, and the page title says there is a problem.
clientside_callback(
    """
    function(title) {
        if (title) { document.title = title; }
        const summary = document.getElementById("confirm-errors");
        if (summary) { summary.focus(); }
        return window.dash_clientside.no_update;
    }
    """,
    Output("upload-title-sink", "data"),
    Input("upload-title", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function(id) {
        const summary = document.getElementById(id);
        if (summary) { summary.focus(); }
        return window.dash_clientside.no_update;
    }
    """,
    Output("upload-focus-sink", "data"),
    Input("error-summary", "id"),
)
