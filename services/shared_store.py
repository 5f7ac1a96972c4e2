"""What the workers of a deployment keep between requests: in each process by default, or in Redis
(``LFI_REDIS_URL``) so that every worker on every server holds the same.

Redis is a help, never a dependency: when it cannot be reached the store answers as a cache that
holds nothing (every read misses, every write is dropped) and locks fall back to the process's
own, so the app keeps serving, slower. It tries Redis again after ``RETRY_SECONDS``, so it
recovers by itself once Redis is back.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import redis
from prometheus_client import Counter

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # how long Redis is left alone after it failed
SOCKET_TIMEOUT = 0.5  # seconds: a Redis that does not answer in this time counts as down
PREFIX = "lfi:"  # and the code's digest: a release never reads what another one kept
PAGES_HELD = 256  # a worker's own store holds pages of up to a few hundred kilobytes each

CACHE_READS = Counter(
    "lfi_cache_reads_total", "Reads of the shared caches", ["cache", "result"]
)  # result: hit, miss
STORE_ERRORS = Counter("lfi_shared_store_errors_total", "Redis calls that failed")


class SharedStore(Protocol):
    """Bytes by key, with a time to live; a set-if-absent; and a lock held across workers."""

    shared: bool  # True when every worker and server sees the same store

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: int) -> None: ...

    def add(self, key: str, value: bytes, ttl: int) -> bool:
        """Store ``value`` unless the key is held; True if this call stored it."""
        ...

    def lock(self, name: str, timeout: float) -> AbstractContextManager[None]: ...

    def ping(self) -> bool:
        """Whether the store answers now."""
        ...


@dataclass
class LocalStore:
    """The embedded default: one process's memory, the oldest entries dropped past ``size``."""

    size: int = 512
    shared: bool = False
    _items: OrderedDict[str, tuple[float, bytes]] = field(default_factory=OrderedDict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)

    def get(self, key: str) -> bytes | None:
        with self._guard:
            found = self._items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._guard:
            self._items[key] = (time.monotonic() + ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def add(self, key: str, value: bytes, ttl: int) -> bool:
        with self._guard:
            found = self._items.get(key)
            if found is not None and found[0] >= time.monotonic():
                return False
        self.set(key, value, ttl)
        return True

    @contextmanager
    def lock(self, name: str, timeout: float) -> Iterator[None]:
        with self._guard:
            held = self._locks.setdefault(name, threading.Lock())
        with held:
            yield

    def ping(self) -> bool:
        return True


@dataclass
class RedisStore:
    """Redis, shared by every worker and server; a cache that holds nothing while it is down."""

    client: redis.Redis
    shared: bool = True
    _down_until: float = 0.0
    _fallback: LocalStore = field(default_factory=lambda: LocalStore(size=0))

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        return cls(
            redis.Redis.from_url(
                url,
                socket_timeout=SOCKET_TIMEOUT,
                socket_connect_timeout=SOCKET_TIMEOUT,
                health_check_interval=30,
            )
        )

    def _key(self, key: str) -> str:
        return f"{PREFIX}{code_digest()[:16]}:{key}"

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: redis.RedisError) -> None:
        if self._up():
            log.warning("Redis is unreachable (%s): serving without it for now", error)
        STORE_ERRORS.inc()
        self._down_until = time.monotonic() + RETRY_SECONDS

    def get(self, key: str) -> bytes | None:
        if not self._up():
            return None
        try:
            value = self.client.get(self._key(key))
        except redis.RedisError as error:
            self._failed(error)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        if not self._up():
            return
        try:
            self.client.set(self._key(key), value, ex=ttl)
        except redis.RedisError as error:
            self._failed(error)

    def add(self, key: str, value: bytes, ttl: int) -> bool:
        if not self._up():
            return True  # without Redis each worker acts on its own, as the embedded default does
        try:
            return bool(self.client.set(self._key(key), value, ex=ttl, nx=True))
        except redis.RedisError as error:
            self._failed(error)
            return True

    @contextmanager
    def lock(self, name: str, timeout: float) -> Iterator[None]:
        held = None
        if self._up():
            try:
                held = self.client.lock(
                    self._key("lock:" + name), timeout=timeout, blocking_timeout=timeout
                )
                if not held.acquire():
                    held = None
            except redis.RedisError as error:
                self._failed(error)
                held = None
        if held is None:
            with self._fallback.lock(name, timeout):
                yield
            return
        try:
            yield
        finally:
            try:
                held.release()
            except redis.RedisError as error:  # it expires by itself after ``timeout``
                self._failed(error)

    def ping(self) -> bool:
        try:
            ok = bool(self.client.ping())
        except redis.RedisError as error:
            self._failed(error)
            return False
        self._down_until = 0.0
        return ok


@functools.cache
def code_digest() -> str:
    """The product's code, hashed: the same on every server and worker of one release."""
    root = Path(__file__).resolve().parent.parent
    found = hashlib.sha256()
    for path in sorted(root.glob("*.py")) + sorted(root.glob("[a-z]*/**/*.py")):
        if ".venv" in path.parts or "tests" in path.parts or "benchmarks" in path.parts:
            continue
        found.update(path.relative_to(root).as_posix().encode())
        found.update(path.read_bytes())
    return found.hexdigest()


def open_store(redis_url: str | None) -> SharedStore:
    """Redis when a URL is given, else the process's own memory."""
    return RedisStore.from_url(redis_url) if redis_url else LocalStore(size=PAGES_HELD)


def cache_read(cache: str, found: bytes | None) -> bytes | None:
    """Count a read of ``cache`` as a hit or a miss, for /metrics; answers ``found``."""
    CACHE_READS.labels(cache=cache, result="miss" if found is None else "hit").inc()
    return found
