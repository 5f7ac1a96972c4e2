"""Long work off the request (issue 13, point 2), with real ``lfi worker`` processes on the
machine's Redis: the pack made by a worker is its account's PDF and no one else's; a worker killed
mid-job (SIGKILL) has its job started again once, and killed again, the job is shown failed with
the reason, never left running; a large upload is checked by the worker while its page follows
the check, the check is recorded once and read by the web side without working it out again, and
a refused one keeps only its report."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.roles import Role
from domain.vocabulary import PRIMARY_NEEDS, PROVISION_TYPES
from loaders.templates import write_hnb_workbook
from services import uploads
from services.jobs import jobs_for
from storage.models import AuditEvent, PendingUpload
from tests.cli import lfi_runner
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.routing import council_address as at
from tests.signin import email_for, signed_in_client
from tests.web.conftest import (
    LOCATION,
    answer_of,
    callback_body,
    callback_key,
    data_url,
    ehcp_workbook,
    load_into,
    make_app,
    routing_body,
)
from tests.worker import WorkerProcess, redis_database, started_workers, wait_for

LEAD = email_for(Role.PROGRAMME_LEAD)
OFFICER = email_for(Role.FINANCE_OFFICER)
# Norfolk's catalogue marks 15 measures for the Schools Forum (its paper's list): one chart each.
FORUM_CHARTS = 15


@pytest.fixture
def jobs_redis():
    yield from redis_database()


@pytest.fixture
def workers():
    yield from started_workers()


def _app(folder, redis_url: str, **changes):
    """The app on Redis, with Norfolk's EHCP return for Summer 2026 (a term to report)."""
    app = make_app(folder, redis_url=redis_url, **changes)
    load_into(app, NORFOLK_CODE, ehcp_workbook("Summer 2026", 12_345), "ehcp-summer-2026.xlsx")
    return app


def _settings(app):
    return app.server.extensions["lfi-settings"]


def _events(app, action: str) -> list[AuditEvent]:
    with Session(app.server.extensions["lfi"].engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def _detail(event: AuditEvent) -> dict | None:
    return json.loads(event.detail) if event.detail else None


def _follow(client, address: str, until, seconds: float) -> tuple[dict, list[str]]:
    """Poll a job's state until ``until(state)``; the state then and every step seen."""
    seen: list[str] = []

    def look():
        response = client.get(address + "/status")
        assert response.status_code == 200, response.status_code
        state = response.get_json()
        if state["stage"] and state["stage"] not in seen:
            seen.append(state["stage"])
        return state if until(state) else None

    state = wait_for(look, seconds, step=0.05)
    assert state, f"the job did not get there within {seconds} s; steps seen: {seen}"
    return state, seen


def test_job001_lfi_worker_without_redis_exits_2_saying_what_to_set(tmp_path):
    # given the environment without LFI_REDIS_URL
    run = lfi_runner(tmp_path, LFI_REDIS_URL="")
    # when a worker is started
    result = run("worker")
    # then it stops at once, exit 2, naming the setting
    assert result.returncode == 2
    assert "LFI_REDIS_URL is not set" in result.stderr


def test_job002_a_pack_made_by_a_worker_is_its_accounts_pdf_and_no_one_elses(
    tmp_path, jobs_redis, workers
):
    # given the app on Redis and a worker
    app = _app(tmp_path, jobs_redis)
    workers.append(WorkerProcess(_settings(app), tmp_path))
    lead = signed_in_client(app, Role.PROGRAMME_LEAD)
    # when the programme lead asks for the pack
    asked = lead.get(at("/download/pack.pdf?period=Summer+2026&meeting=Schools+Forum"))
    # then the request goes on at once to the job's page, under an unguessable key
    assert asked.status_code == 303
    found = re.fullmatch(rf"/c/{NORFOLK_CODE}/jobs/([A-Za-z0-9_-]{{32}})", asked.location)
    assert found, asked.location
    job = asked.location
    # and the page follows it chart by chart to the print, then to the file
    state, seen = _follow(lead, job, lambda s: s["status"] in ("finished", "failed"), 180)
    assert state["status"] == "finished", state
    assert f"Drawing chart 1 of {FORUM_CHARTS}" in seen and "Printing the PDF" in seen, seen
    assert state["file_name"] == "lfi-schools-forum-pack-summer-2026.pdf"
    page = lead.post("/_dash-update-component", json=routing_body(app, job)).get_data(as_text=True)
    assert "The Schools Forum pack for Summer 2026" in page and "Your file is ready" in page
    # and the file is a PDF, to the lead, recorded in the trail as the lead's export
    taken = lead.get(job + "/file")
    assert taken.status_code == 200 and taken.data.startswith(b"%PDF")
    assert (
        'filename="lfi-schools-forum-pack-summer-2026.pdf"' in taken.headers["Content-Disposition"]
    )
    exports = [(e.actor, e.target) for e in _events(app, "export")]
    assert exports == [(LEAD, "lfi-schools-forum-pack-summer-2026.pdf")]
    # and to another programme lead of the same council, and a viewer, the job does not exist
    for other in (
        signed_in_client(app, Role.PROGRAMME_LEAD, "another.lead@example.org"),
        signed_in_client(app, Role.VIEWER),
    ):
        assert other.get(job + "/status").status_code == 404
        assert other.get(job + "/file").status_code == 404
        shown = other.post("/_dash-update-component", json=routing_body(app, job))
        assert "Page not found" in shown.get_data(as_text=True)
    assert len(_events(app, "export")) == 1


def test_job003_a_dfe_return_file_made_by_a_worker_downloads_under_its_name(
    tmp_path, jobs_redis, workers
):
    # given the app on Redis and a worker
    app = _app(tmp_path, jobs_redis)
    workers.append(WorkerProcess(_settings(app), tmp_path))
    viewer = signed_in_client(app, Role.VIEWER)
    # when a viewer asks for the December 2026 round's monitoring report, as a Word file
    asked = viewer.get(at("/download/return/december-2026/report.docx"))
    assert asked.status_code == 303
    state, seen = _follow(viewer, asked.location, lambda s: s["status"] == "finished", 120)
    # then it is made and taken as a Word file (a zip) of that name
    assert "Writing the monitoring report" in seen or seen[-1] == "Ready"
    assert state["file_name"] == "lfi-dfe-return-december-2026-report.docx"
    taken = viewer.get(asked.location + "/file")
    assert taken.status_code == 200 and taken.data.startswith(b"PK")


def test_job004_a_worker_killed_mid_job_is_started_again_once_then_shown_failed(
    tmp_path, jobs_redis, workers
):
    # given a pack being drawn by a worker
    app = _app(tmp_path, jobs_redis)
    settings = _settings(app)
    first = WorkerProcess(settings, tmp_path)
    workers.append(first)
    lead = signed_in_client(app, Role.PROGRAMME_LEAD)
    job = lead.get(at("/download/pack.pdf?period=Summer+2026")).location
    _follow(lead, job, lambda s: s["stage"].startswith("Drawing chart"), 120)
    # when the worker is killed (SIGKILL: no clean-up of its own)
    first.kill()
    # then within the heartbeat's 20 seconds, and a little, the job is waiting to start again,
    # and its page says no worker is running, not that it is
    state, _ = _follow(lead, job, lambda s: s["status"] != "running", 45)
    assert (state["status"], state["started_again"]) == ("queued", True)
    state, _ = _follow(lead, job, lambda s: s["no_worker"], 45)
    assert state["status"] == "queued"
    # when a second worker takes it up and is killed in the middle too
    second = WorkerProcess(settings, tmp_path)
    workers.append(second)
    _follow(lead, job, lambda s: s["stage"].startswith("Drawing chart"), 120)
    second.kill()
    # then the job is shown failed, saying why, and is in RQ's failed registry: never left
    # running, never lost
    state, _ = _follow(lead, job, lambda s: s["status"] != "running", 45)
    assert state["status"] == "failed"
    assert state["failure"] == (
        "The worker making it stopped before it finished: it was restarted, or ran out of "
        "memory. It had been started again once already."
    )
    assert state["again"] == at("/download/pack.pdf?period=Summer+2026")
    assert lead.get(job + "/file").status_code == 404
    jobs = jobs_for(jobs_redis)
    assert jobs is not None
    assert job.rsplit("/", 1)[1] in jobs.queue.failed_job_registry.get_job_ids()
    assert jobs.queue.count == 0


# ---- a large upload, checked by the worker ----------------------------------------------------

ROWS = 30_000
TERM_START = date(2024, 9, 1)


def _placements_workbook(*, repeat_one: bool = False) -> bytes:
    """Norfolk's High Needs Block return for Autumn 2024 with ROWS placements (one reference
    used twice, with ``repeat_one``: an error)."""
    needs, provisions = list(PRIMARY_NEEDS), list(PROVISION_TYPES.values())
    placements = []
    for n in range(ROWS):
        age = 4 + n % 15
        placements.append(
            {
                "reference": f"PL-{0 if repeat_one and n == 1 else n:06d}",
                "age": age,
                "nc_year": age - 5 if 5 <= age <= 18 else None,
                "primary_need": needs[n % len(needs)],
                "provision_type": provisions[n % len(provisions)],
                "provider": f"Provider {n % 400:03d}",
                "in_county": "In" if n % 3 else "Out",
                "annual_cost": 5_000.0 + (n * 37) % 100_000,
                "start_date": TERM_START - timedelta(days=30 + n % 1_500),
                "end_date": None,
                "renegotiation_saving": None,
            }
        )
    buffer = io.BytesIO()
    write_hnb_workbook(buffer, shape=NORFOLK.shape, term="Autumn 2024", placements=placements)
    return buffer.getvalue()


def _upload(app, client, data: bytes) -> str:
    key = callback_key(app, "upload-workbook", "contents")
    body = callback_body(
        app,
        key,
        {"upload-workbook.contents": data_url(data), "upload-workbook.filename": "hnb.xlsx"},
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return next(v["href"] for v in answer_of(response).values() if "href" in v)


def _page(app, client, address: str) -> str:
    return client.post("/_dash-update-component", json=routing_body(app, address)).get_data(
        as_text=True
    )


def _follow_on_page(app, client, page_text: str, page: str) -> dict:
    """Tick the page's poll (the callback its two-second timer sends) until the job is done;
    the answer then."""
    found = re.search(r'"id":"job-key"[^}]*"data":"([A-Za-z0-9_-]{32})"', page_text) or re.search(
        r'"data":"([A-Za-z0-9_-]{32})"[^}]*"id":"job-key"', page_text
    )
    assert found, "the page holds no job to follow"
    key = callback_key(app, "job-poll", "n_intervals")

    def tick():
        body = callback_body(app, key, {"job-poll": 1, "job-key": found.group(1), LOCATION: page})
        answer = answer_of(client.post("/_dash-update-component", json=body))
        return answer if answer["job-poll"]["disabled"] else None

    answer = wait_for(tick, 120, step=0.2)
    assert answer, "the check did not finish within 120 s"
    return answer


def test_job005_a_large_upload_is_checked_by_the_worker_while_its_page_follows_it(
    tmp_path, jobs_redis, workers, monkeypatch
):
    # given the app on Redis checking uploads over 1 MB in a worker, and a workbook over it
    app = _app(tmp_path, jobs_redis, background_check_mb=1)
    workers.append(WorkerProcess(_settings(app), tmp_path))
    data = _placements_workbook()
    assert len(data) > 1_000_000
    officer = signed_in_client(app, Role.FINANCE_OFFICER)
    # when the finance officer uploads it and opens its page
    page = _upload(app, officer, data)
    shown = _page(app, officer, page)
    # then the page says it is being checked, and follows the worker's check to its end, when
    # it loads itself again
    assert "Checking your workbook" in shown and "is being checked on the server" in shown
    answer = _follow_on_page(app, officer, shown, page)
    assert answer["job-go"]["href"] == page
    # and, loaded again, the page shows the check, worked out by the worker: the web side
    # reads it from Redis and never reads the file itself
    monkeypatch.setattr(uploads, "check_workbook", _must_not_check)
    shown = _page(app, officer, page)
    assert "The file has no errors" in shown and "Store the figures" in shown
    assert f"{ROWS:,} rows" in shown
    assert "Check your workbook" in _page(app, officer, page)
    # and the trail has the upload, taken in for the worker, and its check, recorded once
    assert [(e.actor, e.outcome, _detail(e)) for e in _events(app, "upload")] == [
        (OFFICER, "ok", {"check": "worker"})
    ]
    assert [(e.actor, e.outcome, _detail(e)) for e in _events(app, "check")] == [
        (OFFICER, "ok", {"family": "hnb", "period": "Autumn 2024"})
    ]


def _must_not_check(*_args, **_kwargs):
    raise AssertionError("the web side read the workbook: the worker's check was not used")


def test_job006_a_large_upload_refused_by_the_workers_check_keeps_only_its_report(
    tmp_path, jobs_redis, workers
):
    # given the app on Redis checking uploads over 1 MB in a worker, and a workbook over it
    # in which one placement reference is used twice
    app = _app(tmp_path, jobs_redis, background_check_mb=1)
    workers.append(WorkerProcess(_settings(app), tmp_path))
    data = _placements_workbook(repeat_one=True)
    officer = signed_in_client(app, Role.FINANCE_OFFICER)
    # when it is uploaded and checked by the worker
    page = _upload(app, officer, data)
    _follow_on_page(app, officer, _page(app, officer, page), page)
    # then its page names the problem, and nothing of the file is kept but its report
    shown = _page(app, officer, page)
    assert "There is a problem" in shown and "PL-000000" in shown
    with Session(app.server.extensions["lfi"].engine) as session:
        kept = session.scalars(select(PendingUpload.content)).all()
    assert len(kept) == 1 and kept[0].startswith(b"lfi:refused-upload-report")
    assert data[:64] not in kept[0]
    assert [(e.outcome, _detail(e)) for e in _events(app, "check")] == [("refused", {"errors": 1})]


def test_job007_a_workbook_under_the_threshold_is_checked_in_the_request(
    tmp_path, jobs_redis, workers
):
    # given the app on Redis and a worker, checking uploads over 2 MB (the default) in the worker
    app = _app(tmp_path, jobs_redis)
    workers.append(WorkerProcess(_settings(app), tmp_path))
    officer = signed_in_client(app, Role.FINANCE_OFFICER)
    # when a small workbook is uploaded
    page = _upload(app, officer, ehcp_workbook("Autumn 2026", 12_400))
    # then its page shows the check at once, and no job was queued
    assert "The file has no errors" in _page(app, officer, page)
    jobs = jobs_for(jobs_redis)
    assert jobs is not None and jobs.queue.count == 0
    assert [(e.outcome, _detail(e)) for e in _events(app, "upload")] == [
        ("ok", {"family": "ehcp", "period": "Autumn 2026"})
    ]
