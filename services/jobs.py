"""Long work off the request: the Schools Forum pack, the DfE return's files and the check of a
large upload are made by a worker (``lfi worker``) while the page that asked shows how far it has
got, then the file to download. Jobs live in Redis (``LFI_REDIS_URL``), on RQ's queue "lfi"
(its Redis key ``rq:queue:lfi``); without Redis the same work runs inside the request.

Each job belongs to the account that asked for it, in the council it asked in: its id is random
(32 characters), and its state and its file are answered only to that account there; to anyone
else it does not exist. A file made is kept in Redis for ``KEEP_FILE``, then deleted.

A job is never lost in silence. A worker beats every ``HEARTBEAT_SECONDS`` while it works
(services/worker.py); one silent for ``HEARTBEAT_TTL`` seconds has died (killed, out of memory,
its machine gone), and the next look at the job's state (the page polls it) has RQ's own
abandoned-job clean-up start it again once (``RETRIES``) or, the second time, mark it failed
with the reason. A queued job with no live worker says so.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import redis
from rq import Queue, Retry, get_current_job
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RqStatus
from rq.worker import Worker

from domain.actors import Actor
from domain.roles import Permission
from services.interface import Deployment

log = logging.getLogger(__name__)

QUEUE_NAME = "lfi"
KEEP_FILE = timedelta(hours=1)  # how long a file made stays in Redis to download
KEEP_FAILURE = timedelta(days=1)  # how long a failed job stays, to say why
RETRIES = 1  # a job whose worker died, or that failed, is started again this many times
HEARTBEAT_SECONDS = 5  # a working worker says it is alive this often
HEARTBEAT_TTL = 20  # seconds: a worker silent this long has died, and its job with it
WORKER_TTL = 30  # seconds: an idle worker silent this long is not counted as listening
IN_FLIGHT = 3  # jobs one account may have waiting or being made at once, in one council
SOCKET_TIMEOUT = 2.0  # seconds: the web side's Redis calls; a request never hangs on Redis
KEY = re.compile(r"[A-Za-z0-9_-]{32}")
ABANDONED = ("AbandonedJobError", "Work-horse terminated")


class JobsUnavailable(RuntimeError):
    """Redis could not be reached for a job; the caller makes the file itself, or says so."""


class JobsBusy(RuntimeError):
    """The account has as many jobs waiting or being made as it may: one must finish first."""

    def __str__(self) -> str:
        return (
            f"You have {IN_FLIGHT} files being made already. Wait for one of them to finish "
            "(each has its own page), then ask again."
        )


class InBackground(Exception):
    """This work is a worker's, not the request's (a large upload's check): the page shows the
    progress of the job doing it, and the result once it is done."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True)
class JobFile:
    """A file a job made: its name, its media type and its bytes."""

    name: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class JobState:
    """A job as its owner's page shows it; never its file's bytes."""

    key: str
    what: str  # "The Schools Forum pack for Summer 2026"
    status: JobStatus
    stage: str  # the step it is on: "Drawing chart 3 of 15"
    again: str  # the address that starts the same work again
    then: str | None = None  # where its page goes when it has finished, if anywhere
    failure: str | None = None  # why it failed, in words for the page
    file_name: str | None = None
    file_size: int | None = None
    kept_until: datetime | None = None  # when its file is deleted
    started: datetime | None = None
    ahead: int = 0  # jobs before it in the queue
    started_again: bool = False  # its worker died (or it failed) and it was started again
    no_worker: bool = False  # queued, and no worker is listening

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)


@dataclass(frozen=True)
class JobRequest:
    """Who asks for a job and what it is, as its page will say it."""

    owner: Actor
    what: str
    again: str
    needs: Permission  # what the owner must still be allowed to take its file
    then: str | None = None
    dedupe: str | None = None  # one job at a time for this owner and this key
    timeout: int = 600  # seconds before the worker stops it


class Jobs:
    """RQ's queue "lfi" on one Redis."""

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection
        self.queue = Queue(QUEUE_NAME, connection=connection)

    @classmethod
    def from_url(cls, url: str) -> Jobs:
        return cls(
            redis.Redis.from_url(
                url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
            )
        )

    def live_workers(self) -> int:
        """Workers listening on the queue that have said they are alive lately."""
        cutoff = datetime.now(UTC) - timedelta(seconds=WORKER_TTL)
        workers = Worker.all(queue=self.queue)
        return sum(1 for w in workers if w.last_heartbeat and w.last_heartbeat >= cutoff)

    def usable(self) -> bool:
        """Whether a job started now would be made: Redis answers and a worker listens."""
        try:
            return self.live_workers() > 0
        except redis.RedisError as error:
            log.warning("The job queue cannot be reached (%s): working in the request", error)
            return False

    def start(self, task: Callable[..., Any], args: tuple, request: JobRequest) -> str:
        """Queue ``task(*args)`` for a worker; the job's key. With ``dedupe``, a job of the same
        owner and key still queued or running is answered instead of a second one."""
        try:
            if request.dedupe is not None:
                running = self._in_flight(request.dedupe, request.owner)
                if running is not None:
                    return running
            mine = _owned_key(request.owner)
            if self._still_going(mine) >= IN_FLIGHT:
                raise JobsBusy()
            key = secrets.token_urlsafe(24)
            self.queue.enqueue(
                task,
                args=args,
                job_id=key,
                description=request.what,
                meta=_meta(request),
                result_ttl=int(KEEP_FILE.total_seconds()),
                failure_ttl=int(KEEP_FAILURE.total_seconds()),
                retry=Retry(max=RETRIES),
                job_timeout=request.timeout,
            )
            self.connection.sadd(mine, key)
            self.connection.expire(mine, KEEP_FAILURE)
            if request.dedupe is not None:
                self.connection.set(_dedupe_key(request.dedupe, request.owner), key, ex=KEEP_FILE)
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error
        return key

    def state(self, key: str, actor: Actor) -> JobState | None:
        """The job ``key`` as ``actor`` may see it: None when it is not theirs in the council
        they act in, or is no longer held."""
        try:
            job = self._job(key, actor)
            if job is None:
                return None
            status = job.get_status()
            if status == RqStatus.STARTED:
                # RQ's own clean-up notices a worker whose heartbeat has expired: its job is
                # started again or failed, with AbandonedJobError, here and now
                self.queue.started_job_registry.cleanup()
                job = Job.fetch(key, connection=self.connection)
                status = job.get_status()
            return self._described(job, status)
        except (NoSuchJobError, InvalidJobOperation):  # gone, or going, as it was read
            return None
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error

    def latest(self, dedupe: str, actor: Actor) -> JobState | None:
        """The newest job ``actor`` started under ``dedupe``, if it is still held."""
        try:
            found = self.connection.get(_dedupe_key(dedupe, actor))
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error
        return self.state(found.decode(), actor) if isinstance(found, bytes) else None

    def file(self, key: str, actor: Actor) -> JobFile | None:
        """The file job ``key`` made, for its owner while they may still have it."""
        try:
            job = self._job(key, actor)
            if job is None or job.get_status() != RqStatus.FINISHED:
                return None
            if not actor.may(Permission(job.meta.get("needs", Permission.READ.value))):
                return None
            made = job.return_value()
        except (NoSuchJobError, InvalidJobOperation):
            return None
        except redis.RedisError as error:
            raise JobsUnavailable(str(error)) from error
        return made if isinstance(made, JobFile) else None

    def _job(self, key: str, actor: Actor) -> Job | None:
        if not KEY.fullmatch(key or "") or actor.council is None:
            return None
        job = Job.fetch(key, connection=self.connection)
        meta = job.get_meta(refresh=False)
        if meta.get("owner") != actor.name or meta.get("council") != actor.council:
            return None
        return job

    def _still_going(self, owned: str) -> int:
        """How many of the account's jobs are waiting or being made; the others are let go."""
        going = 0
        for raw in self.connection.smembers(owned):
            key = raw.decode() if isinstance(raw, bytes) else str(raw)
            try:
                status = Job.fetch(key, connection=self.connection).get_status()
            except NoSuchJobError:
                status = None
            if status in (RqStatus.QUEUED, RqStatus.STARTED, RqStatus.SCHEDULED, RqStatus.DEFERRED):
                going += 1
            else:
                self.connection.srem(owned, key)
        return going

    def _in_flight(self, dedupe: str, owner: Actor) -> str | None:
        found = self.latest(dedupe, owner)
        if found is not None and found.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return found.key
        return None

    def _described(self, job: Job, status: RqStatus) -> JobState:
        meta = job.get_meta(refresh=False)
        common = {
            "key": job.id,
            "what": meta.get("what", "Your file"),
            "stage": meta.get("stage", ""),
            "again": meta.get("again", "/"),
            "then": meta.get("then"),
            "started_again": (job.retries_left if job.retries_left is not None else RETRIES)
            < RETRIES,
        }
        if status == RqStatus.STARTED:
            return JobState(status=JobStatus.RUNNING, started=job.started_at, **common)
        if status == RqStatus.FINISHED and not meta.get("failure"):
            kept = (job.ended_at or datetime.now(UTC)) + KEEP_FILE
            return JobState(
                status=JobStatus.FINISHED,
                file_name=meta.get("file_name"),
                file_size=meta.get("file_size"),
                kept_until=kept,
                **common,
            )
        if status in (RqStatus.FINISHED, RqStatus.FAILED, RqStatus.STOPPED, RqStatus.CANCELED):
            return JobState(status=JobStatus.FAILED, failure=_failure(job), **common)
        ahead = job.get_position()
        return JobState(
            status=JobStatus.QUEUED,
            ahead=ahead or 0,
            no_worker=self.live_workers() == 0,
            **{**common, "stage": ""},  # a dead attempt's last step is not this one's
        )


def _meta(request: JobRequest) -> dict[str, Any]:
    return {
        "owner": request.owner.name,
        "council": request.owner.council,
        "what": request.what,
        "again": request.again,
        "then": request.then,
        "needs": request.needs.value,
        "stage": "",
    }


def _owned_key(owner: Actor) -> str:
    named = f"{owner.name}\n{owner.council}".encode()
    return "lfi:jobs-of:" + hashlib.sha256(named).hexdigest()


def _dedupe_key(dedupe: str, owner: Actor) -> str:
    named = f"{owner.name}\n{owner.council}\n{dedupe}".encode()
    return "lfi:job-for:" + hashlib.sha256(named).hexdigest()


def _failure(job: Job) -> str:
    """Why a job failed, in words for its page: what its task said, else what became of it."""
    said = job.get_meta(refresh=False).get("failure")
    result = job.latest_result()
    trace = (result.exc_string if result is not None else None) or ""
    twice = " It had been started again once already." if job.retries_left == 0 else ""
    if any(mark in trace for mark in ABANDONED):
        return (
            "The worker making it stopped before it finished: it was restarted, or ran out "
            f"of memory.{twice}"
        )
    if said:
        return str(said) + twice
    if "JobTimeoutException" in trace:
        return f"It took longer than {int(job.timeout or 0) // 60} minutes, so it was stopped."
    return f"Something went wrong while it was being made; the worker's log says what.{twice}"


# ---- inside a job (the worker) -------------------------------------------------------------

# What the job functions (exports/tasks.py) work on, handed to them by the worker that runs them
# (services/worker.py), which alone may reach the database.
_serving: list[Callable[[], Deployment]] = []


def serve_jobs_from(deployment: Callable[[], Deployment]) -> None:
    """Let this process's jobs work on the deployment ``deployment()`` gives."""
    _serving[:] = [deployment]


def job_deployment() -> Deployment:
    """The deployment a job works on; RuntimeError outside a worker."""
    if not _serving:
        raise RuntimeError("no deployment to work on: jobs run in lfi worker")
    return _serving[0]()


def running_as_job() -> bool:
    """Whether this code runs in a worker, as a job."""
    return get_current_job() is not None


def report_progress(stage: str) -> None:
    """Say what the job is doing now, for its page ("Drawing chart 3 of 15"); outside a job,
    nothing. A stage reported means the job is at work again: an earlier failure is forgotten."""
    job = get_current_job()
    if job is None:
        return
    job.meta["stage"] = stage
    job.meta.pop("failure", None)
    job.save_meta()


def report_failure(message: str) -> None:
    """Say why the job could not be made, for its page; outside a job, nothing."""
    job = get_current_job()
    if job is None:
        return
    job.meta["failure"] = message
    job.save_meta()


def report_file(made: JobFile) -> JobFile:
    """Note the file's name and size for the job's page, which never loads the file itself."""
    job = get_current_job()
    if job is not None:
        job.meta.update(file_name=made.name, file_size=len(made.data), stage="Ready")
        job.save_meta()
    return made


# ---- the web side: one queue per process and address ------------------------------------------

_opened: dict[str, Jobs] = {}
_guard = threading.Lock()


def jobs_for(redis_url: str | None) -> Jobs | None:
    """The job queue on ``redis_url`` (one per process); None without Redis."""
    if redis_url is None:
        return None
    with _guard:
        if redis_url not in _opened:
            _opened[redis_url] = Jobs.from_url(redis_url)
        return _opened[redis_url]


def usable_jobs(redis_url: str | None) -> Jobs | None:
    """The job queue when a job started now would be made (Redis answers and a worker listens);
    None: do the work in the request, as without Redis."""
    jobs = jobs_for(redis_url)
    return jobs if jobs is not None and jobs.usable() else None
