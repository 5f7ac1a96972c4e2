"""/c/<council>/upload: the templates, and a workbook in. The file is kept pending and checked on
its own page (/c/<council>/upload/<token>), where the report, the preview and the confirmation
are. Each callback sends the page's location, so the guard knows whose council it acts in."""

from __future__ import annotations

import base64
import binascii

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from domain.actors import Forbidden
from layouts._shared.components import page_not_found
from layouts._shared.context import (
    callback_service,
    council_path,
    council_title,
    current_settings,
    is_this_council,
)
from layouts._shared.upload_parts import (
    GO_ID,
    UPLOAD_ERRORS_ID,
    UPLOAD_ID,
    error_summary,
    file_picker,
)
from services.interface import UploadRefused
from web.access import Access, requires
from web.guard import current_actor

dash.register_page(
    __name__,
    path_template="/c/<council>/upload",
    name="Upload",
    order=6,
    title=council_title("Upload a workbook"),
    access=Access.UPLOAD,
    # Drawn for the one person looking (their waiting uploads): never kept for another.
    kept=False,
)

# The signed-in account's own waiting uploads: filled by a callback, never part of the page
# itself, which is kept and shown to every account of the same role.
WAITING_ID = "upload-waiting-list"
# The page's location, which every callback sends so that the guard knows its council.
LOCATION = State("_pages_location", "pathname")

TEMPLATES = (
    ("dsg", "DSG plan and forecast", "the plan, the latest outturn and forecast, and targets"),
    ("ehcp", "EHCP return", "plans, requests, census counts and plans by primary need, each term"),
    ("hnb", "High Needs Block return", "spending, savings and the placement list, each term"),
)


def _templates() -> html.Section:
    return html.Section(
        [
            html.H2("1. Download a template"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.A(
                                f"{title} template (.xlsx)",
                                href=council_path(f"/upload/template/{family}.xlsx"),
                                download=f"lfi-{family}-template.xlsx",
                            ),
                            f": {what}.",
                        ]
                    )
                    for family, title, what in TEMPLATES
                ]
            ),
            html.P(
                "Each template has an Instructions sheet saying what goes where. Put the term "
                "(for example Autumn 2026) in B2 of the first sheet."
            ),
        ]
    )


def layout(council: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    settings = current_settings()
    return html.Div(
        className="page page--upload",
        children=[
            html.H1("Upload a workbook"),
            html.P(
                "Bring in a term's figures: download the template, fill it in, then upload it. "
                "Every cell is checked, and you see what will change before anything is stored.",
                className="lede",
            ),
            _templates(),
            html.H2("2. Fill it in"),
            html.P(
                "Keep names, dates of birth, UPNs and addresses out of the workbook: a file with "
                "personal data is refused. Corrections to a term already loaded need a reason."
            ),
            file_picker(settings.max_upload_mb, label="3. Upload it"),
            html.Section(id=WAITING_ID),
            html.P(dcc.Link("See every file loaded so far", href=council_path("/submissions"))),
        ],
    )


@callback(Output(WAITING_ID, "children"), Input(WAITING_ID, "id"), LOCATION)
@requires(Access.UPLOAD)
def show_waiting(_id: str, _location: str | None):
    """Your uploads waiting to be confirmed, each a link to its check page, where it can be
    stored or discarded."""
    waiting = callback_service().waiting_uploads(current_actor())
    if not waiting:
        return None
    return [
        html.H2("Your uploads waiting to be confirmed"),
        html.P(
            "Each is kept for a day. Open one to store its figures or discard it.",
            className="form-hint",
        ),
        html.Ul(
            [
                html.Li(
                    [
                        dcc.Link(upload.file_name, href=council_path(f"/upload/{upload.token}")),
                        f", uploaded {upload.uploaded_at:%d %B %Y at %H:%M} UTC",
                    ]
                )
                for upload in waiting
            ]
        ),
    ]


def decode_upload(contents: str) -> bytes | None:
    """The bytes of a dcc.Upload data URL, or None if it is not one."""
    try:
        _header, encoded = contents.split(",", 1)
        return base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        return None


@callback(
    Output(GO_ID, "href", allow_duplicate=True),
    Output("upload-status", "children"),
    Output(UPLOAD_ERRORS_ID, "children"),
    Input(UPLOAD_ID, "contents"),
    State(UPLOAD_ID, "filename"),
    LOCATION,
    prevent_initial_call=True,
)
@requires(Access.UPLOAD)
def receive(contents: str | None, filename: str | None, _location: str | None):
    service = callback_service()
    if not contents:
        return no_update, no_update, no_update
    data = decode_upload(contents)
    if data is None:
        text = "The file could not be read from the browser. Try choosing it again."
        return no_update, text, no_update
    try:
        token = service.keep_upload(current_actor(), filename or "workbook.xlsx", data)
    except (UploadRefused, Forbidden) as refused:
        summary = error_summary([(str(refused), UPLOAD_ID)], summary_id="upload-refused")
        return no_update, "Nothing was kept.", summary
    return council_path(f"/upload/{token}"), "Checking the file…", None


# dcc.Upload's file input takes no attributes of its own: name it after the heading above it and
# describe it by the hint, so that a screen reader announces what it is for.
clientside_callback(
    """
    function(id) {
        // The input arrives with the component's code, which loads on demand: wait for it.
        let tries = 0;
        const timer = setInterval(function() {
            const input = document.querySelector("#" + id + " input[type=file]");
            if (input) {
                input.id = id + "-input";
                input.setAttribute("aria-labelledby", "upload-label");
                input.setAttribute("aria-describedby", "upload-hint");
            }
            if (input || ++tries > 100) { clearInterval(timer); }
        }, 50);
        return window.dash_clientside.no_update;
    }
    """,
    Output("upload-label-sink", "data"),
    Input(UPLOAD_ID, "id"),
)

# A refusal's error summary takes focus when it appears, so it is read out at once.
clientside_callback(
    """
    function(children) {
        const summary = document.getElementById("upload-refused");
        if (summary) { summary.focus(); }
        return window.dash_clientside.no_update;
    }
    """,
    Output("upload-errors-sink", "data"),
    Input(UPLOAD_ERRORS_ID, "children"),
    prevent_initial_call=True,
)
