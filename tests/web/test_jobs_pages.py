"""The job pages and routes without a worker running: a job is its owner's alone in its council;
one waiting with no worker listening says so; a file is made in the request when no worker
listens, and every job address is not found without Redis; one job at a time for the same file;
the DfE return's links are marked for download only when no worker may make them."""

from __future__ import annotations

import re

import pytest
import redis

from domain.actors import Actor
from domain.roles import Permission, Role
from exports import tasks
from services.jobs import QUEUE_NAME, JobRequest, JobsBusy, jobs_for
from tests.councils import NORFOLK_CODE
from tests.routing import council_address as at
from tests.signin import email_for, signed_in_client
from tests.web.conftest import (
    LOCATION,
    answer_of,
    callback_body,
    callback_key,
    make_app,
    routing_body,
)
from tests.worker import redis_database

LEAD = email_for(Role.PROGRAMME_LEAD)
ROUND = "december-2026"
UNHELD = "A" * 32  # the shape of a job's key, and no job's


@pytest.fixture
def jobs_redis():
    yield from redis_database()


def _lead_actor() -> Actor:
    return Actor(LEAD, Role.PROGRAMME_LEAD, council=NORFOLK_CODE)


def _queued_annex(redis_url: str, owner: Actor, dedupe: str | None = "annex") -> str:
    """A job for the annex, as the return's link queues one; no worker will take it."""
    jobs = jobs_for(redis_url)
    assert jobs is not None
    request = JobRequest(
        owner=owner,
        what=f"The DfE return's KPI annex for December 2026 ({owner.name})",
        again=at(f"/download/return/{ROUND}/annex.xlsx"),
        needs=Permission.READ,
        dedupe=dedupe,
    )
    return jobs.start(tasks.return_job, (NORFOLK_CODE, ROUND, "annex.xlsx"), request)


def _page(app, client, address: str) -> str:
    """The page's content, as Dash's router sends it (its slashes unescaped)."""
    response = client.post("/_dash-update-component", json=routing_body(app, address))
    return response.get_data(as_text=True).replace("\\u002f", "/")


def test_jbp001_without_redis_every_job_address_is_not_found(tmp_path):
    # given the app without Redis (the embedded default)
    app = make_app(tmp_path)
    lead = signed_in_client(app, Role.PROGRAMME_LEAD)
    # when the lead asks for a job's state, file and page
    # then there are none
    assert lead.get(at(f"/jobs/{UNHELD}/status")).status_code == 404
    assert lead.get(at(f"/jobs/{UNHELD}/file")).status_code == 404
    assert "Page not found" in _page(app, lead, f"/jobs/{UNHELD}")


def test_jbp002_with_redis_and_no_worker_the_annex_is_made_in_the_request(tmp_path, jobs_redis):
    # given the app on Redis, with no worker listening on the queue
    app = make_app(tmp_path, redis_url=jobs_redis)
    viewer = signed_in_client(app, Role.VIEWER)
    # when a viewer asks for the return's annex
    response = viewer.get(at(f"/download/return/{ROUND}/annex.xlsx"))
    # then it is made here and sent, and nothing waits in the queue
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert (
        f'filename="lfi-dfe-return-{ROUND}-annex.xlsx"' in response.headers["Content-Disposition"]
    )
    assert redis.Redis.from_url(jobs_redis).llen(f"rq:queue:{QUEUE_NAME}") == 0


def test_jbp003_a_queued_job_is_its_owners_alone_and_says_no_worker_is_running(
    tmp_path, jobs_redis
):
    # given a job the programme lead started, waiting, with no worker listening
    app = make_app(tmp_path, redis_url=jobs_redis)
    lead = signed_in_client(app, Role.PROGRAMME_LEAD)
    key = _queued_annex(jobs_redis, _lead_actor())
    # when the lead reads its state
    state = lead.get(at(f"/jobs/{key}/status")).get_json()
    # then it waits first in line, its page saying no worker is running, with nothing to take
    assert (state["status"], state["ahead"], state["no_worker"]) == ("queued", 0, True)
    assert state["file"] is None and state["failure"] is None
    page = _page(app, lead, f"/jobs/{key}")
    assert "Waiting to start" in page and "No worker is running to make it just now" in page
    assert lead.get(at(f"/jobs/{key}/file")).status_code == 404
    # and it offers to make the file here instead, which gives the file at once
    assert f'"make it now instead","href":"{at(f"/download/return/{ROUND}/annex.xlsx")}"' in page
    made = lead.get(at(f"/download/return/{ROUND}/annex.xlsx"))
    assert made.status_code == 200 and made.data.startswith(b"PK")
    # and it sits in RQ's list named rq:queue:lfi
    assert redis.Redis.from_url(jobs_redis).lrange(f"rq:queue:{QUEUE_NAME}", 0, -1) == [
        key.encode()
    ]
    # and to another account of the council, it does not exist: route, page and poll
    other = signed_in_client(app, Role.ADMIN)
    assert other.get(at(f"/jobs/{key}/status")).status_code == 404
    assert other.get(at(f"/jobs/{key}/file")).status_code == 404
    assert "Page not found" in _page(app, other, f"/jobs/{key}")
    poll = callback_key(app, "job-poll", "n_intervals")
    body = callback_body(app, poll, {"job-poll": 1, "job-key": key, LOCATION: at(f"/jobs/{key}")})
    answer = answer_of(other.post("/_dash-update-component", json=body))
    assert "no longer held" in str(answer["job-state"]["children"])
    assert answer["job-poll"]["disabled"] is True
    # and the lead's own poll follows it
    answer = answer_of(lead.post("/_dash-update-component", json=body))
    assert "Waiting to start" in str(answer["job-state"]["children"])
    assert answer["job-poll"]["disabled"] is False


def test_jbp004_a_key_of_any_other_shape_is_not_found(tmp_path, jobs_redis):
    app = make_app(tmp_path, redis_url=jobs_redis)
    lead = signed_in_client(app, Role.PROGRAMME_LEAD)
    for key in ("measures", UNHELD, UNHELD + "A", UNHELD[:-1] + "."):
        assert lead.get(at(f"/jobs/{key}/status")).status_code == 404, key


def test_jbp005_the_same_file_asked_for_twice_while_waiting_is_one_job(tmp_path, jobs_redis):
    # given a job waiting for the lead's annex
    make_app(tmp_path, redis_url=jobs_redis)
    first = _queued_annex(jobs_redis, _lead_actor())
    # when the lead asks again (a second click), and another account asks for the same file
    again = _queued_annex(jobs_redis, _lead_actor())
    other = _queued_annex(jobs_redis, Actor("someone@example.org", Role.VIEWER, NORFOLK_CODE))
    # then the lead's second ask is the first job, and the other account's is a job of its own
    assert again == first and other != first
    assert redis.Redis.from_url(jobs_redis).llen(f"rq:queue:{QUEUE_NAME}") == 2


@pytest.mark.parametrize(("redis_url", "marked"), [(None, True), ("jobs", False)])
def test_jbp006_the_return_links_are_marked_for_download_only_without_redis(
    tmp_path, jobs_redis, redis_url, marked
):
    # given the app with or without Redis
    app = make_app(tmp_path, redis_url=jobs_redis if redis_url else None)
    viewer = signed_in_client(app, Role.VIEWER)
    # when the return's page is drawn
    page = _page(app, viewer, "/return")
    # then its file links are marked for download only when a file is always sent at once (with
    # Redis a link may lead to the job's page, which a browser would save as the file)
    links = re.findall(rf'"href":"/c/{NORFOLK_CODE}/download/return/[a-z0-9-]+/([a-z.]+)"', page)
    assert links == ["annex.xlsx", "report.docx", "report.pdf"]
    assert ('"download":""' in page) is marked


def test_jbp007_a_waiting_check_with_no_worker_sends_its_page_back_to_check_it_there(
    tmp_path, jobs_redis
):
    # given a finance officer's upload check waiting for a worker, with none listening
    app = make_app(tmp_path, redis_url=jobs_redis)
    officer = signed_in_client(app, Role.FINANCE_OFFICER)
    page = at("/upload/some-upload")
    jobs = jobs_for(jobs_redis)
    assert jobs is not None
    owner = Actor(email_for(Role.FINANCE_OFFICER), Role.FINANCE_OFFICER, council=NORFOLK_CODE)
    request = JobRequest(
        owner=owner, what="The check of hnb.xlsx", again=page, needs=Permission.UPLOAD, then=page
    )
    key = jobs.start(tasks.upload_check_job, (NORFOLK_CODE, "some-upload", owner), request)
    # when its page's poll ticks
    poll = callback_key(app, "job-poll", "n_intervals")
    body = callback_body(app, poll, {"job-poll": 1, "job-key": key, LOCATION: page})
    answer = answer_of(officer.post("/_dash-update-component", json=body))
    # then the page is loaded again, to check the file itself, and the poll stops
    assert answer["job-go"]["href"] == page
    assert answer["job-poll"]["disabled"] is True


def test_jpg020_an_account_may_have_three_jobs_going_at_once_in_a_council(jobs_redis):
    """Any account could otherwise fill the one queue every council shares (the DfE return's
    links take any round from 2020 to 2100): a fourth job waits for one of three to end."""
    lead = _lead_actor()
    started = [_queued_annex(jobs_redis, lead, dedupe=f"annex {n}") for n in range(3)]
    with pytest.raises(JobsBusy, match="You have 3 files being made already"):
        _queued_annex(jobs_redis, lead, dedupe="annex 3")
    # another account, or the same one in another council, is not held back by these
    other = Actor("viewer@example.org", Role.VIEWER, council=NORFOLK_CODE)
    assert _queued_annex(jobs_redis, other, dedupe="annex 0") not in started
    elsewhere = Actor(LEAD, Role.PROGRAMME_LEAD, council="E10000029")
    assert _queued_annex(jobs_redis, elsewhere, dedupe="annex 0") not in started
    # once one has ended, the account may start another
    jobs = jobs_for(jobs_redis)
    assert jobs is not None
    jobs.queue.fetch_job(started[0]).cancel()
    assert _queued_annex(jobs_redis, lead, dedupe="annex 3") not in started
