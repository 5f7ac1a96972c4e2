"""Jobs in the tests: the machine's Redis (127.0.0.1:6379) in a database of the jobs tests' own
(14), emptied before and after each test, and real ``lfi worker`` processes that a test may stop
or kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from services.jobs import jobs_for
from settings import Settings

JOBS_REDIS_URL = "redis://127.0.0.1:6379/14"
LFI = Path(sys.executable).parent / "lfi"


def redis_database() -> Iterator[str]:
    """The jobs tests' Redis database, empty (for a fixture to yield from); its address."""
    client = redis.Redis.from_url(JOBS_REDIS_URL, socket_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.fail(
            f"These tests need Redis on 127.0.0.1:6379 ({error}): install and start Debian's "
            "redis-server",
            pytrace=False,
        )
    yield JOBS_REDIS_URL
    client.flushdb()


class WorkerProcess:
    """``lfi worker`` for the app's settings, in a session of its own (so that it and the
    Chromium it starts can be killed together)."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        if not LFI.exists():
            pytest.fail(
                f"the lfi command is not installed beside {sys.executable}: run scripts/test"
            )
        self.settings, self.folder = settings, folder
        self.log = folder / f"worker-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            "LFI_DATABASE_URL": settings.database_url,
            "LFI_COUNCILS_DIR": str(settings.councils_dir),
            "LFI_REDIS_URL": settings.redis_url or "",
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(LFI), "worker"],
                env=env,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        jobs = jobs_for(settings.redis_url)
        assert jobs is not None
        wait_for(lambda: jobs.live_workers() > 0 or self.process.poll() is not None, 60)
        if self.process.poll() is not None:
            pytest.fail(f"lfi worker stopped at once: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL, as the kernel's out-of-memory killer or a lost machine would: nothing of the
        worker's runs on, and nothing is tidied up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


def started_workers() -> Iterator[list[WorkerProcess]]:
    """The workers a test starts (append them), stopped after it (for a fixture)."""
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def wait_for(condition: Callable[[], object], seconds: float, step: float = 0.1):
    """``condition()``'s first true answer within ``seconds``; the last answer after them."""
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(step)
