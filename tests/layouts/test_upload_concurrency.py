"""The upload check page while others store files (issue 11, point 8): on a SQLite file, the page
renders whatever another connection commits meanwhile, and a correction is stored only against the
file its officer saw replaced; otherwise nothing is stored and the page asks again.

A small database: the EHCP return for Summer 2026 (file A). Each test uploads a correction (B)
and, while its check page renders or before it is confirmed, another connection stores a file."""

from __future__ import annotations

import importlib
import io
import json
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from domain.roles import Role
from layouts._shared.upload_parts import GO_ID
from loaders.templates import write_ehcp_workbook
from services.submissions import load_workbook
from storage.database import create_database_engine, write_session
from storage.models import Submission, SubmissionStatus
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.layouts.test_static_pages import text_of, walk
from tests.layouts.uploading import account, norfolk, signed_in_as
from tests.routing import council_address as at
from tests.signin import signed_in_client

SUMMER = "Summer 2026"


def _ehcp(term: str, caseload: int) -> bytes:
    buffer = io.BytesIO()
    counts = {"ehcp_caseload": caseload, "new_plans": 400, "ceased_plans": 150}
    write_ehcp_workbook(buffer, term=term, counts=counts, needs={"ASD": caseload})
    return buffer.getvalue()


def _store(engine, name: str, data: bytes, reason: str | None = None) -> int:
    outcome = load_workbook(
        engine, data, file_name=name, council=NORFOLK, max_bytes=20_000_000, reason=reason
    )
    assert outcome.stored_id is not None, outcome.report.issues
    return outcome.stored_id


@pytest.fixture
def app(tmp_path):
    app = app_on(tmp_path, load_demo=False)
    _store(app.server.extensions["lfi"].engine, "ehcp-a.xlsx", _ehcp(SUMMER, 12_300))
    return app


@pytest.fixture
def engine(app):
    return app.server.extensions["lfi"].engine


@pytest.fixture
def other(app):
    """Another connection to the same SQLite file, as another worker or `lfi load` would hold."""
    settings = app.server.extensions["lfi-settings"]
    other = create_database_engine(settings.database_url)
    yield other
    other.dispose()


def _render(app, token: str, **query: str):
    module = importlib.import_module("layouts.upload_check")
    with signed_in_as(app, account(app)):
        return module.layout(council=NORFOLK_CODE, token=token, **query)


def _keep(app, name: str, data: bytes) -> str:
    """The finance officer's upload, as the upload page keeps it."""
    return norfolk(app).keep_upload(account(app), name, data)


def _asked_again(app, token: str, answer: str):
    """The page the confirmation sends the officer back to: the same upload, checked again."""
    href = json.loads(answer)["response"][GO_ID]["href"]
    address = urlsplit(href)
    assert address.path == at(f"/upload/{token}")
    return _render(app, token, **dict(parse_qsl(address.query)))


def _meanwhile(engine, action):
    """Run ``action`` once, after the page has read the stored EHCP figures and before it goes
    on: the moment another worker's commit would land in the middle of the check."""
    done = []

    def after(conn, cursor, statement, parameters, context, executemany):
        if (
            not done
            and statement.lstrip().upper().startswith("SELECT")
            and "ehcp_figures" in (statement)
        ):
            done.append(True)
            action()

    event.listen(engine, "after_cursor_execute", after)
    return done, lambda: event.remove(engine, "after_cursor_execute", after)


def _submissions(engine) -> list[tuple[str, SubmissionStatus]]:
    with Session(engine) as session:
        return [
            (row.file_name, row.status)
            for row in session.execute(
                select(Submission.file_name, Submission.status).order_by(Submission.id)
            )
        ]


def test_ucc001_another_worker_storing_a_file_while_the_page_renders_breaks_nothing(
    app, engine, other
):
    token = _keep(app, "ehcp-b.xlsx", _ehcp(SUMMER, 12_900))
    done, stop = _meanwhile(
        engine, lambda: _store(other, "ehcp-autumn.xlsx", _ehcp("Autumn 2026", 13_000))
    )
    try:
        page = _render(app, token)
    finally:
        stop()
    assert done, "the other worker never stored its file during the render"
    words = text_of(page)
    assert "Check your workbook" in words and "This replaces ehcp-a.xlsx" in words
    assert [name for name, _ in _submissions(engine)] == ["ehcp-a.xlsx", "ehcp-autumn.xlsx"]


def test_ucc002_a_write_held_open_by_another_connection_during_the_render_breaks_nothing(
    app, engine, other
):
    """Another connection holds the write lock while the page starts, and commits mid-render."""
    token = _keep(app, "ehcp-b.xlsx", _ehcp(SUMMER, 12_900))
    holding, release, committed = threading.Event(), threading.Event(), threading.Event()
    failures = []

    def writer():
        try:
            with write_session(other) as session:
                session.add(
                    Submission(
                        council=NORFOLK_CODE,
                        family="ehcp",
                        period="Spring 2027",
                        file_name="ehcp-spring.xlsx",
                        sha256="0" * 64,
                        size_bytes=1,
                        loaded_at=datetime.now(UTC),
                        status=SubmissionStatus.CURRENT,
                    )
                )
                session.flush()
                holding.set()
                release.wait(timeout=10)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            failures.append(exc)
        finally:
            holding.set()
            committed.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(timeout=10)
    done, stop = _meanwhile(engine, lambda: (release.set(), committed.wait(timeout=10)))
    try:
        page = _render(app, token)
    finally:
        stop()
        release.set()
        thread.join(timeout=20)
    assert not failures, failures
    assert done
    assert "This replaces ehcp-a.xlsx" in text_of(page)


def _confirm_callback(app) -> tuple[str, dict]:
    return next(
        (key, spec)
        for key, spec in app.callback_map.items()
        if {"id": "upload-confirm", "property": "n_clicks"} in spec["inputs"]
    )


def _confirm(app, client, page, *, reason: str):
    """Press 'Store the figures' as the browser would: every State the callback reads is taken
    from the page as rendered, with the reason typed in."""
    key, spec = _confirm_callback(app)
    values = {
        (node.id, prop): getattr(node, prop, None)
        for node in walk(page)
        if isinstance(getattr(node, "id", None), str)
        for prop in ("data", "value")
    }
    # the reason typed in, and the page's location, which the browser sends with it
    typed = {"upload-reason": reason, "_pages_location": at("/upload")}
    state = [
        {**s, "value": typed.get(s["id"], values.get((s["id"], s["property"])))}
        for s in spec["state"]
    ]
    body = {
        "output": key,
        "outputs": [o.to_dict() for o in spec["output"]],
        "inputs": [{"id": "upload-confirm", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["upload-confirm.n_clicks"],
        "state": state,
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return response.data.decode()


def test_ucc003_a_correction_is_not_stored_over_a_file_its_officer_never_saw(app, engine, other):
    client = signed_in_client(app, Role.FINANCE_OFFICER)
    token = _keep(app, "ehcp-b.xlsx", _ehcp(SUMMER, 12_900))
    page = _render(app, token)
    assert "This replaces ehcp-a.xlsx" in text_of(page)
    # meanwhile someone else corrects the same return
    _store(other, "ehcp-c.xlsx", _ehcp(SUMMER, 12_600), reason="Caseload recounted")

    answer = _confirm(app, client, page, reason="Autumn recount")

    # nothing stored: A superseded by C, C current, and B still waiting to be checked again
    assert _submissions(engine) == [
        ("ehcp-a.xlsx", SubmissionStatus.SUPERSEDED),
        ("ehcp-c.xlsx", SubmissionStatus.CURRENT),
    ]
    assert "stored=" not in answer
    assert norfolk(app).read_upload(account(app), token) is not None
    # the page, shown again, says why, and now replaces C, its changes worked out against C
    again = _asked_again(app, token, answer)
    words = text_of(again)
    assert "Someone else stored a file for this period while you were checking yours" in words
    assert "ehcp-c.xlsx, loaded" in words and "This replaces ehcp-c.xlsx" in words
    # caseload 12,600 (C) to 12,900 (B), no longer 12,300 (A) to 12,900
    assert "12,600Summer 2026, outturn12,900Summer 2026, outturn" in words

    # confirmed from the new page, it is stored against C
    answer = _confirm(app, client, again, reason="Autumn recount")
    assert "stored=" in answer
    assert _submissions(engine)[-1] == ("ehcp-b.xlsx", SubmissionStatus.CURRENT)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 3


def test_ucc004_a_new_file_is_not_stored_when_another_arrived_for_its_period_meanwhile(
    app, engine, other
):
    client = signed_in_client(app, Role.FINANCE_OFFICER)
    token = _keep(app, "ehcp-autumn-b.xlsx", _ehcp("Autumn 2026", 12_900))
    page = _render(app, token)
    assert "This replaces" not in text_of(page)
    _store(other, "ehcp-autumn-c.xlsx", _ehcp("Autumn 2026", 12_600))

    answer = _confirm(app, client, page, reason="")

    assert [name for name, _ in _submissions(engine)] == ["ehcp-a.xlsx", "ehcp-autumn-c.xlsx"]
    assert "stored=" not in answer
    words = text_of(_asked_again(app, token, answer))
    assert "Someone else stored a file for this period" in words
    assert "This replaces ehcp-autumn-c.xlsx" in words


def test_ucc005_the_check_is_made_again_inside_the_write_transaction(app, engine, other):
    """A file stored after the confirmation's first check, before it writes, still stops it."""
    from services.interface import Overtaken

    service = norfolk(app)
    with Session(engine) as session:
        stored_a = session.scalar(select(Submission.id))
    officer = account(app)
    pending = service.read_upload(officer, _keep(app, "ehcp-b.xlsx", _ehcp(SUMMER, 12_900)))
    stored_c = _store(other, "ehcp-c.xlsx", _ehcp(SUMMER, 12_600), reason="Caseload recounted")

    outcome = service.store_upload(officer, pending, replaces=stored_a, reason="Autumn recount")

    assert isinstance(outcome, Overtaken) and outcome.current.id == stored_c
    assert [name for name, _ in _submissions(engine)] == ["ehcp-a.xlsx", "ehcp-c.xlsx"]
    outcome = service.store_upload(officer, pending, replaces=stored_c, reason="Autumn recount")
    assert outcome.stored_id is not None and outcome.superseded.id == stored_c
