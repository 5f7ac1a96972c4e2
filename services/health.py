"""Whether what the app depends on answers now, for the load balancer's readiness check
(/readyz): the database and, when one is configured, Redis; and how many jobs wait in a queue,
for /metrics.

Each check opens its own connection with short timeouts, rather than borrowing one from the app's
pool: the question is whether a new request could be served now, and a database or Redis that
does not answer must fail the check within ``TIMEOUT_SECONDS`` rather than hold the probe.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import redis
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

READINESS_SECONDS = 1.0  # a readiness answer is reused this long
TIMEOUT_SECONDS = 2  # libpq's connect_timeout counts whole seconds, 2 at the least
OK = "ok"
UNREACHABLE = "unreachable"
NOT_CONFIGURED = "not configured"
# RQ keeps a queue's waiting jobs in a Redis list of this name (rq.Queue.key).
RQ_QUEUE_KEY = "rq:queue:{name}"


@dataclass(frozen=True)
class Readiness:
    """Each dependency's state: "ok", "unreachable", or for Redis "not configured"."""

    database: str
    redis: str

    @property
    def ready(self) -> bool:
        # Redis is a help, not a need: without it every worker serves from its own caches and
        # long work waits (services/shared_store.py). Taking every server out of the load
        # balancer because Redis is down would turn a slower service into none; the body says
        # Redis is unreachable, and /metrics counts the store's errors for the alert.
        return self.database == OK


@dataclass(frozen=True)
class Dependencies:
    database: Engine
    redis: redis.Redis | None
    # the latest answer and when it was worked out, shared by the requests of one worker
    _recent: list[tuple[float, Readiness]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def connect(cls, database_url: str, redis_url: str | None) -> Dependencies:
        """Probes for these addresses; nothing is connected until a check runs."""
        client = (
            redis.Redis.from_url(
                redis_url,
                socket_timeout=TIMEOUT_SECONDS,
                socket_connect_timeout=TIMEOUT_SECONDS,
            )
            if redis_url
            else None
        )
        return cls(_probe_engine(database_url), client)

    def readiness(self) -> Readiness:
        """Each dependency's state, checked at most once a second: anyone may ask (the load
        balancer does, without signing in), and each check opens a new connection."""
        with self._lock:
            now = time.monotonic()
            if not self._recent or now - self._recent[0][0] >= READINESS_SECONDS:
                self._recent[:] = [(now, Readiness(database=self._database(), redis=self._redis()))]
            return self._recent[0][1]

    def queue_depth(self, queue: str) -> int | None:
        """Jobs waiting in the RQ queue ``queue``; None without Redis or when it does not answer."""
        if self.redis is None:
            return None
        try:
            return int(self.redis.llen(RQ_QUEUE_KEY.format(name=queue)))
        except redis.RedisError as error:
            log.warning("The job queue's length could not be read from Redis: %s", error)
            return None

    def _database(self) -> str:
        try:
            with self.database.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            log.warning("The database does not answer: %s", _first_line(error))
            return UNREACHABLE
        return OK

    def _redis(self) -> str:
        if self.redis is None:
            return NOT_CONFIGURED
        try:
            answered = bool(self.redis.ping())
        except redis.RedisError as error:
            log.warning("Redis does not answer: %s", error)
            return UNREACHABLE
        return OK if answered else UNREACHABLE


def _probe_engine(database_url: str) -> Engine:
    """An engine that connects afresh for every check, and gives up within the timeout."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # Opened read-write but never created: a missing file is a database that is not there,
        # not a new empty one.
        location = "file:" + quote(str(Path(url.database).resolve())) + "?mode=rw"
        return create_engine(
            "sqlite://",
            poolclass=NullPool,
            creator=lambda: sqlite3.connect(location, uri=True, timeout=TIMEOUT_SECONDS),
        )
    if url.get_backend_name() == "postgresql":
        return create_engine(
            url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": TIMEOUT_SECONDS,
                "options": f"-c statement_timeout={TIMEOUT_SECONDS * 1000}",
            },
        )
    return create_engine(url, poolclass=NullPool)


def _first_line(error: Exception) -> str:
    # SQLAlchemy appends the statement and a link to its documentation; the cause is the first
    # line. It names the host and port, never the password.
    return str(error).splitlines()[0] if str(error) else type(error).__name__
