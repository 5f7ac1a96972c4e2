"""The worker behind ``lfi worker``: takes jobs from RQ's queue "lfi" and makes them, one at a
time, in its own process.

It does not fork a process a job (RQ's default): the deployment (every council's service) and the
Chromium that draws the charts are built once and kept between jobs, as a web worker keeps them.
While a job runs, a thread beats every few seconds (services.jobs.HEARTBEAT_SECONDS); if the
worker is killed, the beats stop, and within HEARTBEAT_TTL seconds its job is seen as abandoned:
started again once, then failed (services/jobs.py).
"""

from __future__ import annotations

import logging
import threading
from functools import cache

import redis
from rq import SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue
from rq.worker import WorkerStatus

from services.deployment import Deployment
from services.jobs import (
    HEARTBEAT_SECONDS,
    HEARTBEAT_TTL,
    QUEUE_NAME,
    WORKER_TTL,
    serve_jobs_from,
)
from settings import Settings, read_settings
from storage.database import create_database_engine

log = logging.getLogger(__name__)

# How often a worker looks for jobs whose worker died (RQ's registries), besides the page's look.
MAINTENANCE_SECONDS = 30


class HeartbeatWorker(SimpleWorker):
    """RQ's SimpleWorker (each job in the worker's own process), beating while it works."""

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # RQ's own allows the job's whole timeout plus a minute: a killed worker's job would
        # look alive for up to eleven minutes. The beats below keep this short one fresh.
        return HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        # a job started again begins with no step of its own yet, not the dead attempt's last
        job.meta["stage"] = ""
        job.save_meta()
        execution = self.prepare_execution(job)
        stop = threading.Event()
        beats = threading.Thread(
            target=self._beat, args=(job, execution, stop), name="lfi-heartbeat", daemon=True
        )
        beats.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            stop.set()
            beats.join()
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: Job, execution: Execution, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                self.maintain_heartbeats(job, execution)
            except redis.RedisError as error:  # the next beat tries again
                log.warning("Worker %s: heartbeat failed: %s", self.name, error)


@cache
def worker_deployment() -> Deployment:
    """Every council's service, as the environment's settings describe the deployment: built at
    the worker's first job, kept for the rest."""
    settings = read_settings()
    return Deployment.build(create_database_engine(settings.database_url), settings)


def run_worker(settings: Settings, *, burst: bool = False) -> int:
    """Work on the queue until stopped (SIGTERM: after the job in hand), or with ``burst``
    until it is empty. The deployment is built first, so a worker whose settings cannot serve
    the councils stops at once, saying why."""
    if settings.redis_url is None:
        raise ValueError("a worker needs LFI_REDIS_URL")
    worker_deployment()
    serve_jobs_from(worker_deployment)
    # no socket timeout: the worker waits on Redis for the next job
    connection = redis.Redis.from_url(settings.redis_url)
    worker = HeartbeatWorker(
        [QUEUE_NAME],
        connection=connection,
        job_monitoring_interval=HEARTBEAT_SECONDS,
        worker_ttl=WORKER_TTL,
        maintenance_interval=MAINTENANCE_SECONDS,
    )
    worker.work(burst=burst, logging_level="INFO")
    return 0
