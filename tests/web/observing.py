"""What the observability tests share: Redis on this machine, a port nothing listens on, the JSON
request lines a test wrote to standard error, and /metrics read back as numbers."""

from __future__ import annotations

import json
import logging
import os
import socket

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from web.json_lines import StderrHandler

# Database 15, so that the queue the tests fill is no one else's.
REDIS_URL = os.environ.get("LFI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def running_redis() -> redis.Redis:
    """A client of the test Redis; the test fails, saying what to start, if it does not answer."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is not answering at {REDIS_URL} ({error}). Start it (Debian: apt-get install "
            "redis-server), or point LFI_TEST_REDIS_URL at one the tests may write to.",
            pytrace=False,
        )
    return client


def closed_port() -> int:
    """A loopback port nothing listens on: bound for a moment, then let go."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        return held.getsockname()[1]


def request_lines(stderr: str) -> list[dict]:
    """The request lines among what was written to standard error."""
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "lfi.request"]


def json_lines(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def remove_json_handler() -> None:
    """JSON logging is the process's root handler once an app asked for it: taken away again so
    that other tests' logging is as they expect."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)


def read_samples(text: str) -> Samples:
    """Every sample of a Prometheus exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def labels(**given: str) -> frozenset[tuple[str, str]]:
    return frozenset(given.items())
