"""/c/<council>/jobs/<key>: a file being made by a worker (the Schools Forum pack, a file of the
DfE return), for the account that asked: the step it is on ("Drawing chart 3 of 15"), then the
link to download it, or what failed and a link to try again. The page asks every two seconds
until the job is done. Anyone else's job, or one no longer held, is not found.

The same panel shows the check of a large upload on its own page (layouts/upload_check.py),
which it loads again once the check is done."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from layouts._shared.components import aria, page_not_found
from layouts._shared.context import (
    callback_service,
    council_path,
    council_title,
    current_settings,
    is_this_council,
)
from layouts.upload import LOCATION
from services.jobs import JobState, JobStatus, JobsUnavailable, jobs_for
from web.access import Access, requires
from web.guard import current_actor

dash.register_page(
    __name__,
    path_template="/c/<council>/jobs/<key>",
    name="Your file",
    # before the overview's /c/<council>, which would take this address too (layouts/overview.py)
    order=11,
    title=council_title("Your file"),
    access=Access.READ,
    # Drawn for the one person whose job it is: never kept for another.
    kept=False,
)

STATE_ID = "job-state"
POLL_ID = "job-poll"
KEY_ID = "job-key"
GO_ID = "job-go"
POLL_MS = 2000
UNREACHABLE = (
    "The queue of files being made cannot be reached just now. This page tries again by itself."
)


def job_state(key: str) -> JobState | None:
    """The signed-in account's job ``key`` in this council; None for anyone else's, for one
    no longer held, and without Redis. JobsUnavailable: Redis does not answer."""
    jobs = jobs_for(current_settings().redis_url)
    return jobs.state(key, current_actor()) if jobs is not None else None


def _size(count: int | None) -> str:
    if not count:
        return ""
    return f" ({count / 1_000_000:.1f} MB)" if count >= 100_000 else f" ({count / 1000:.0f} kB)"


def describe(state: JobState) -> list:
    """What the panel says of the job now."""
    if state.status is JobStatus.FINISHED:
        return [
            html.Div(
                className="panel panel--success",
                children=[
                    html.H2("Your file is ready"),
                    html.P(
                        [
                            html.A(
                                f"Download {state.file_name}",
                                href=council_path(f"/jobs/{state.key}/file"),
                                download=state.file_name or "",
                            ),
                            _size(state.file_size),
                        ]
                    )
                    if state.file_name
                    else None,
                ],
            ),
            html.P(
                f"It is kept until {state.kept_until:%H:%M} UTC, an hour after it was made, "
                "then deleted; after that, make it again.",
                className="form-hint",
            )
            if state.kept_until
            else None,
        ]
    if state.status is JobStatus.FAILED:
        return [
            html.Div(
                className="error-summary",
                role="alert",
                children=[
                    html.H2("It could not be made", className="error-summary__title"),
                    html.P(state.failure),
                ],
            ),
            html.P(html.A("Try again", href=state.again, className="button")),
        ]
    again = (
        html.P(
            "The worker making it stopped before it finished, so it was started again.",
            className="form-hint",
        )
        if state.started_again
        else None
    )
    if state.status is JobStatus.RUNNING:
        started = f"Started at {state.started:%H:%M} UTC. " if state.started else ""
        return [
            html.P(html.Strong(state.stage or "Starting")),
            html.P(f"{started}This page follows it by itself.", className="form-hint"),
            again,
        ]
    ahead = f": {state.ahead} ahead of it" if state.ahead else ""
    return [
        html.P(html.Strong(f"Waiting to start{ahead}")),
        again,
        html.Div(
            className="notice",
            children=[
                "No worker is running to make it just now. It starts as soon as one does; or ",
                html.A("make it now instead", href=state.again),
                ", on this page's server (it takes longer to open). If this goes on, tell "
                "whoever runs the dashboard (lfi worker).",
            ],
        )
        if state.no_worker
        else None,
    ]


def progress_panel(state: JobState) -> html.Div:
    """The job's state, followed every two seconds until it is done; a job with somewhere to
    go when it is done (an upload's check page) loads it then."""
    return html.Div(
        [
            dcc.Store(id=KEY_ID, data=state.key),
            html.Div(id=STATE_ID, role="status", **aria(live="polite"), children=describe(state)),
            dcc.Interval(id=POLL_ID, interval=POLL_MS, disabled=state.done),
            dcc.Location(id=GO_ID, refresh=True),
        ]
    )


def _gone() -> list:
    return [
        html.P(
            "This file is no longer held: a file made is kept for an hour. Make it again from "
            "the page you asked for it on."
        )
    ]


@callback(
    Output(STATE_ID, "children"),
    Output(POLL_ID, "disabled"),
    Output(GO_ID, "href"),
    Input(POLL_ID, "n_intervals"),
    State(KEY_ID, "data"),
    LOCATION,
    prevent_initial_call=True,
)
@requires(Access.READ)
def follow(_ticks: int | None, key: str | None, _location: str | None):
    """The job's state now: the account's own job only, in the council of the page."""
    callback_service()
    try:
        state = job_state(key or "")
    except JobsUnavailable:
        return [html.P(UNREACHABLE)], False, no_update
    if state is None:
        return _gone(), True, no_update
    if state.then and (state.status is JobStatus.FINISHED or state.no_worker):
        # done, or no worker to do it: the page it belongs to shows the result, or works it out
        return describe(state), True, state.then
    return describe(state), state.done, no_update


def layout(council: str = "", key: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    try:
        state = job_state(key)
    except JobsUnavailable:
        return html.Div(className="page", children=[html.H1("Your file"), html.P(UNREACHABLE)])
    if state is None or state.then:
        # a check's progress is shown on the upload's own page
        return page_not_found()
    return html.Div(
        className="page page--job",
        children=[
            html.H1(state.what),
            html.P(
                "Made on the server, not in your browser: you may leave this page and come "
                "back to it (its address stays the same) within the hour.",
                className="lede",
            ),
            progress_panel(state),
        ],
    )
