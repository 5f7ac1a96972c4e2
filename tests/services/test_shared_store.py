"""What workers share (issue 13, point 1): in Redis when the deployment has it, so two workers
answer alike and a version of the measures is computed once in the deployment; and the app keeps
serving while Redis is down, then uses it again when it is back. Each test starts its own Redis."""

from __future__ import annotations

import io
import threading
import time

import pytest
from prometheus_client import REGISTRY

from kpis.snapshot import Snapshot
from loaders.templates import write_ehcp_workbook
from services import shared_store
from services.measures import HeldSnapshots, MeasureService
from services.shared_store import LocalStore, RedisStore, open_store
from services.submissions import load_workbook
from tests.councils import NORFOLK
from tests.fixtures.build_fixtures import COUNTS, NEEDS
from tests.redis_server import RedisServer, free_port


def _store_errors() -> float:
    return REGISTRY.get_sample_value("lfi_shared_store_errors_total") or 0.0


def _ehcp(caseload: int, term: str = "Autumn 2024") -> bytes:
    buffer = io.BytesIO()
    write_ehcp_workbook(
        buffer, term=term, counts={**COUNTS, "ehcp_caseload": caseload}, needs=dict(NEEDS)
    )
    return buffer.getvalue()


def _load(engine, data: bytes, name: str) -> None:
    outcome = load_workbook(
        engine, data, file_name=name, council=NORFOLK, max_bytes=10_000_000, loaded_by="Test"
    )
    assert outcome.stored_id is not None, [str(i) for i in outcome.report.issues]


def test_shs001_the_local_store_expires_evicts_and_adds_once():
    store = LocalStore(size=2)
    store.set("a", b"1", ttl=60)
    store.set("b", b"2", ttl=60)
    assert store.get("a") == b"1"  # now the most recently used
    store.set("c", b"3", ttl=60)  # past the size: the least recently used, b, goes
    assert (store.get("a"), store.get("b"), store.get("c")) == (b"1", None, b"3")
    assert store.add("a", b"9", ttl=60) is False
    assert store.get("a") == b"1"
    assert store.add("d", b"4", ttl=60) is True
    store.set("e", b"5", ttl=-1)  # already expired
    assert store.get("e") is None
    assert store.shared is False


def test_shs002_redis_holds_one_value_for_every_worker(own_redis):
    first, second = open_store(own_redis.url), open_store(own_redis.url)
    assert isinstance(first, RedisStore) and first.shared
    first.set("page:x", b"drawn once", ttl=60)
    assert second.get("page:x") == b"drawn once"
    assert second.add("check:1", b"recorded", ttl=60) is True
    assert first.add("check:1", b"recorded", ttl=60) is False  # only one worker records it


def test_shs003_the_lock_makes_a_second_worker_wait(own_redis):
    first, second = open_store(own_redis.url), open_store(own_redis.url)
    order: list[str] = []

    def other_worker() -> None:
        with second.lock("compute", timeout=10):
            order.append("second")

    with first.lock("compute", timeout=10):
        waiting = threading.Thread(target=other_worker)
        waiting.start()
        time.sleep(0.3)
        order.append("first")
    waiting.join(timeout=10)
    assert order == ["first", "second"]


def test_shs004_without_redis_the_store_misses_quickly_and_recovers(tmp_path, monkeypatch):
    monkeypatch.setattr(shared_store, "RETRY_SECONDS", 0.5)
    server = RedisServer(tmp_path, port=free_port())
    store = open_store(server.url)  # nothing listens on the port yet
    errors = _store_errors()
    started = time.monotonic()
    store.set("k", b"v", ttl=60)
    assert store.get("k") is None
    assert store.add("k", b"v", ttl=60) is True  # each worker acts alone, as without Redis
    with store.lock("k", timeout=1):
        pass  # the process's own lock stands in
    assert store.ping() is False
    assert time.monotonic() - started < 3  # one refused connection, then Redis is left alone
    assert _store_errors() > errors
    server.start()
    try:
        time.sleep(0.6)  # past RETRY_SECONDS
        store.set("k", b"back", ttl=60)
        assert store.get("k") == b"back"
        assert store.ping() is True
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_shs005_a_version_is_computed_once_by_two_workers(engine, own_redis):
    _load(engine, _ehcp(12_147), "ehcp-autumn-2024.xlsx")
    workers = [
        MeasureService(engine=engine, council=NORFOLK, store=open_store(own_redis.url))
        for _ in range(2)
    ]
    seen = [w.snapshot() for w in workers]
    assert [w.computed for w in workers] == [1, 0]  # the second read the first's
    assert seen[0].version == seen[1].version
    assert seen[1].latest(1).value == 12_147
    # a new submission: computed once more in the whole deployment, by whoever asks first
    _load(engine, _ehcp(12_300, term="Spring 2025"), "ehcp-spring-2025.xlsx")
    assert workers[1].snapshot().latest(1).value == 12_300
    assert workers[0].snapshot().latest(1).value == 12_300
    assert [w.computed for w in workers] == [1, 1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_shs006_measures_are_served_while_redis_is_down_and_shared_again_after(
    engine, own_redis, monkeypatch
):
    monkeypatch.setattr(shared_store, "RETRY_SECONDS", 0.2)
    _load(engine, _ehcp(12_147), "ehcp-autumn-2024.xlsx")
    worker = MeasureService(engine=engine, council=NORFOLK, store=open_store(own_redis.url))
    own_redis.stop()
    assert worker.snapshot().latest(1).value == 12_147  # computed here, Redis or not
    own_redis.start()
    time.sleep(0.3)
    _load(engine, _ehcp(12_300, term="Spring 2025"), "ehcp-spring-2025.xlsx")
    assert worker.snapshot().latest(1).value == 12_300
    other = MeasureService(engine=engine, council=NORFOLK, store=open_store(own_redis.url))
    assert other.snapshot().latest(1).value == 12_300
    assert other.computed == 0  # read from Redis, which holds the version again


def _empty(version: tuple[int, int]) -> Snapshot:
    return Snapshot(version=version, measures=(), plan_view=None, submissions=())


def test_shs007_a_worker_holds_a_bounded_number_of_councils_snapshots():
    """A worker of a deployment serving 153 councils must not come to hold all their snapshots
    (about 2 MB each): the least recently used is let go past the bound."""
    held = HeldSnapshots(size=2)
    a, b, c = _empty((1, 1)), _empty((2, 5)), _empty((3, 9))
    held.put("E1", a)
    held.put("E2", b)
    assert held.get("E1", (1, 1)) is a  # E1 now the most recently used
    held.put("E3", c)  # past the bound: E2 goes
    assert held.get("E2", (2, 5)) is None
    assert held.get("E1", (1, 1)) is a and held.get("E3", (3, 9)) is c
    assert held.get("E1", (2, 2)) is None  # another data version is not this one
