"""The stated upload size limit is the real one (issue 11, point 8): with LFI_MAX_UPLOAD_MB at 1,
a file of 1,000,001 bytes sent as the browser sends it (base64 in a callback's JSON body) is
refused with HTTP 413 and a message naming the limit, and nothing is kept; a file of exactly
1,000,000 bytes is taken in and checked."""

from __future__ import annotations

import base64
import dataclasses

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from domain.roles import Role
from layouts._shared.upload_parts import UPLOAD_ID
from layouts.upload_routes import decoded_size
from storage.models import PendingUpload
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.layouts.test_static_pages import text_of
from tests.layouts.uploading import account, signed_in_as
from tests.routing import council_address as at
from tests.signin import signed_in_client

LIMIT = 1_000_000  # LFI_MAX_UPLOAD_MB=1


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    made = app_on(tmp_path_factory.mktemp("size-limit"), load_demo=False)
    settings = dataclasses.replace(made.server.extensions["lfi-settings"], max_upload_mb=1)
    return create_app(settings)


@pytest.fixture(scope="module")
def client(app):
    return signed_in_client(app, Role.FINANCE_OFFICER)


def _data_url(size: int) -> str:
    encoded = base64.b64encode(b"\x00" * size).decode()
    return "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + (
        encoded
    )


def _send(app, client, size: int):
    """What the browser posts when a file is dropped on Norfolk's upload page."""
    key, spec = next(
        (key, spec)
        for key, spec in app.callback_map.items()
        if {"id": UPLOAD_ID, "property": "contents"} in spec["inputs"]
    )
    body = {
        "output": key,
        "outputs": [o.to_dict() for o in spec["output"]],
        "inputs": [{"id": UPLOAD_ID, "property": "contents", "value": _data_url(size)}],
        "changedPropIds": [f"{UPLOAD_ID}.contents"],
        "state": [
            {"id": UPLOAD_ID, "property": "filename", "value": "big.xlsx"},
            {"id": "_pages_location", "property": "pathname", "value": at("/upload")},
        ],
    }
    return client.post("/_dash-update-component", json=body)


def _kept(app) -> int:
    with Session(app.server.extensions["lfi"].engine) as session:
        return session.scalar(select(func.count()).select_from(PendingUpload))


@pytest.mark.parametrize(
    ("size", "expected"), [(1, 1), (2, 2), (3, 3), (4, 4), (999_999, 999_999), (LIMIT, LIMIT)]
)
def test_usl001_a_data_urls_file_size_is_worked_out_from_its_length(size, expected):
    assert decoded_size(_data_url(size)) == expected


def test_usl002_a_file_one_byte_over_the_limit_gets_413_naming_the_limit(app, client):
    before = _kept(app)
    response = _send(app, client, LIMIT + 1)
    assert response.status_code == 413
    assert "larger than the upload limit of 1 MB" in response.text
    assert _kept(app) == before  # nothing kept


def test_usl003_a_file_at_the_limit_is_taken_in_and_checked(app, client):
    before = _kept(app)
    response = _send(app, client, LIMIT)
    assert response.status_code == 200
    assert response.json["response"]["upload-go"]["href"].startswith(at("/upload/"))
    assert _kept(app) == before + 1


def test_usl004_a_body_too_long_for_any_file_within_the_limit_gets_the_same_413(app, client):
    response = client.post(
        "/_dash-update-component", data=b"x" * 1_500_000, content_type="application/json"
    )
    assert response.status_code == 413
    assert "larger than the upload limit of 1 MB" in response.text


def test_usl005_the_upload_page_states_the_limit(app):
    from layouts.upload import layout

    with signed_in_as(app, account(app)):
        assert "up to 1 MB" in text_of(layout(council=NORFOLK_CODE))
