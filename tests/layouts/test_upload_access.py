"""The upload pages through the web, signed in (issue 11, points 3, 4 and 8): only finance
officers and above may upload; what they upload is theirs alone; a limit reached is explained on
the page as a GOV.UK error summary; a waiting upload can be discarded; the confirmation says who
the file is stored as.

A small database on a SQLite file: nothing stored; uploads are limited to two waiting per
account. Officer A is the finance officer tests.signin signs in; officer B another."""

from __future__ import annotations

import base64
import io
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.roles import Role
from layouts._shared.upload_parts import GO_ID, UPLOAD_ERRORS_ID, UPLOAD_ID
from loaders.templates import write_ehcp_workbook
from storage.models import PendingUpload, Submission
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.layouts.test_static_pages import text_of
from tests.layouts.uploading import account, norfolk, signed_in_as
from tests.routing import council_address as at
from tests.routing import routing_request
from tests.signin import email_for, signed_in_client

OFFICER_B = "officer.b@example.org"


@pytest.fixture
def app(tmp_path):
    return app_on(tmp_path, load_demo=False, pending_per_user=2)


def _ehcp(caseload: int) -> bytes:
    buffer = io.BytesIO()
    counts = {"ehcp_caseload": caseload, "new_plans": 400, "ceased_plans": 150}
    write_ehcp_workbook(buffer, term="Summer 2026", counts=counts, needs={"ASD": caseload})
    return buffer.getvalue()


def _client(app, role: Role | None, email: str | None = None):
    return signed_in_client(app, role, email)


def _callback(app, client, input_id: str, prop: str, value, state: dict | None = None):
    """Fire the callback ``input_id.prop`` as Dash's renderer would, from Norfolk's upload page
    unless the state names another location."""
    key, spec = next(
        (key, spec)
        for key, spec in app.callback_map.items()
        if {"id": input_id, "property": prop} in spec["inputs"]
    )
    state, outputs = {"_pages_location": at("/upload"), **(state or {})}, spec["output"]
    body = {
        "output": key,
        "outputs": [o.to_dict() for o in outputs]
        if isinstance(outputs, list)
        else outputs.to_dict(),
        "inputs": [{"id": input_id, "property": prop, "value": value}],
        "changedPropIds": [f"{input_id}.{prop}"],
        "state": [{**s, "value": state.get(s["id"])} for s in spec["state"]],
    }
    return client.post("/_dash-update-component", json=body)


def _upload(app, client, data: bytes, name: str = "ehcp.xlsx"):
    url = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    return _callback(app, client, UPLOAD_ID, "contents", url, {UPLOAD_ID: name})


def _route(client, path: str):
    """Dash's router's answer for ``path``: the page's whole content."""
    body = routing_request(path)
    return client.post("/_dash-update-component", json=body)


def _page(client, path: str) -> str:
    response = _route(client, path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _counts(app) -> tuple[int, int]:
    with Session(app.server.extensions["lfi"].engine) as session:
        pending = session.scalar(select(func.count()).select_from(PendingUpload))
        stored = session.scalar(select(func.count()).select_from(Submission))
    return pending, stored


def _token_of(response) -> str:
    href = response.json["response"][GO_ID]["href"]
    assert href.startswith(at("/upload/"))
    return href.removeprefix(at("/upload/"))


def test_upa001_a_viewer_gets_403_from_the_upload_page_callback_and_template(app):
    viewer = _client(app, Role.VIEWER)

    assert _upload(app, viewer, _ehcp(12_300)).status_code == 403
    assert viewer.get(at("/upload/template/ehcp.xlsx")).status_code == 403
    assert _route(viewer, at("/upload")).status_code == 403

    assert _counts(app) == (0, 0)  # no pending upload, no submission


def test_upa002_an_officers_upload_is_kept_as_theirs_and_stored_as_their_account(app):
    officer = _client(app, Role.FINANCE_OFFICER)
    token = _token_of(_upload(app, officer, _ehcp(12_300)))

    page = _page(officer, at(f"/upload/{token}"))
    assert f"Stored as you, {email_for(Role.FINANCE_OFFICER)}" in page
    assert "Your name" not in page and "upload-name" not in page
    answer = _callback(
        app,
        officer,
        "upload-confirm",
        "n_clicks",
        1,
        {"upload-token": token, "upload-reason": "", "upload-replaces": None},
    )
    assert answer.json["response"][GO_ID]["href"] == at("/submissions?stored=1")
    with Session(app.server.extensions["lfi"].engine) as session:
        assert session.scalar(select(Submission.loaded_by)) == "finance.officer@example.org"
    assert _counts(app) == (0, 1)


def test_upa003_another_officer_sees_no_such_upload_and_cannot_store_it(app):
    officer_a = _client(app, Role.FINANCE_OFFICER)
    token = _token_of(_upload(app, officer_a, _ehcp(12_300)))
    officer_b = _client(app, Role.FINANCE_OFFICER, OFFICER_B)

    page = _page(officer_b, at(f"/upload/{token}"))
    assert "This upload is no longer waiting" in page and "ehcp.xlsx" not in page
    answer = _callback(
        app,
        officer_b,
        "upload-confirm",
        "n_clicks",
        1,
        {"upload-token": token, "upload-reason": "", "upload-replaces": None},
    )
    assert answer.json["response"][GO_ID]["href"] == at(f"/upload/{token}")
    _callback(app, officer_b, "upload-discard", "n_clicks", 1, {"upload-discard-token": token})

    assert _counts(app) == (1, 0)  # A's upload still waits; nothing stored
    assert "ehcp.xlsx" in _page(officer_a, at(f"/upload/{token}"))


def test_upa004_a_limit_reached_is_an_error_summary_on_the_upload_page(app):
    officer = _client(app, Role.FINANCE_OFFICER)
    first = _token_of(_upload(app, officer, _ehcp(12_300), "first.xlsx"))
    _token_of(_upload(app, officer, _ehcp(12_400), "second.xlsx"))

    refused = _upload(app, officer, _ehcp(12_500), "third.xlsx").json["response"]

    assert GO_ID not in refused  # the page stays, and says why
    summary = json.dumps(refused[UPLOAD_ERRORS_ID]["children"])
    assert "There is a problem" in summary and '"role": "alert"' in summary
    assert "You have 2 uploads waiting to be confirmed, the most one account may have." in summary
    assert _counts(app) == (2, 0)
    # the page lists the two waiting, each linked to its check page
    waiting = _callback(app, officer, "upload-waiting-list", "id", "upload-waiting-list")
    listed = json.dumps(waiting.json["response"]["upload-waiting-list"]["children"])
    assert "second.xlsx" in listed and at(f"/upload/{first}") in listed


def test_upa005_discarding_a_waiting_upload_lets_the_officer_upload_again(app):
    officer = _client(app, Role.FINANCE_OFFICER)
    first = _token_of(_upload(app, officer, _ehcp(12_300), "first.xlsx"))
    _token_of(_upload(app, officer, _ehcp(12_400), "second.xlsx"))

    assert "Discard this upload" in _page(officer, at(f"/upload/{first}"))
    answer = _callback(
        app, officer, "upload-discard", "n_clicks", 1, {"upload-discard-token": first}
    )

    assert answer.json["response"]["upload-discard-go"]["href"] == at("/upload")
    assert "This upload is no longer waiting" in _page(officer, at(f"/upload/{first}"))
    _token_of(_upload(app, officer, _ehcp(12_500), "third.xlsx"))
    assert _counts(app) == (2, 0)


def test_upa006_the_check_page_rendered_for_another_account_shows_nothing_of_the_file(app):
    officer = account(app)
    token = norfolk(app).keep_upload(officer, "ehcp.xlsx", _ehcp(12_300))
    from layouts.upload_check import layout

    with signed_in_as(app, account(app, Role.ADMIN)):
        words = text_of(layout(council=NORFOLK_CODE, token=token))
    assert words.startswith("This upload is no longer waiting")
    with signed_in_as(app, officer):
        assert "ehcp.xlsx" in text_of(layout(council=NORFOLK_CODE, token=token))


@pytest.mark.parametrize(
    "address",
    [at("/upload/{token}"), "/" + at("/upload/{token}"), "//" + at("/upload/{token}")],
)
def test_upa007_an_officers_check_page_is_never_kept_for_another_however_it_is_addressed(
    app, address
):
    # Given officer A's waiting upload, whose check page A has opened by its own address and by
    # one the router reads as the check page too (it strips leading slashes, which the guard
    # does not read as a council's: there, the page is refused or not found),
    officer_a = _client(app, Role.FINANCE_OFFICER)
    token = _token_of(_upload(app, officer_a, _ehcp(12_300)))
    assert "ehcp.xlsx" in _page(officer_a, at(f"/upload/{token}"))
    _route(officer_a, address.format(token=token))
    # when officer B, with the same role, asks for the same address,
    officer_b = _client(app, Role.FINANCE_OFFICER, OFFICER_B)
    response = _route(officer_b, address.format(token=token))
    page = response.get_data(as_text=True)
    # then B is refused, or told it is not waiting, and sees nothing of A's file.
    assert response.status_code in (200, 403)
    assert "ehcp.xlsx" not in page
    if response.status_code == 200:
        assert "This upload is no longer waiting" in page or "Page not found" in page
