"""The readiness checks (services/health.py): the database by a SELECT 1 on a connection of its
own, Redis by a ping, each giving up within two seconds; and the job queue's depth."""

from __future__ import annotations

import time
import uuid

from rq import Queue

from services.health import Dependencies, Readiness
from tests.web.observing import REDIS_URL, closed_port, running_redis


def test_hlt001_a_database_that_answers_is_ready(engine, database_url):
    # given an upgraded database of each kind, and no Redis
    probes = Dependencies.connect(database_url, None)
    # then it is ready
    assert probes.readiness() == Readiness(database="ok", redis="not configured")
    assert probes.readiness().ready


def test_hlt002_a_missing_sqlite_file_is_not_ready_and_is_not_created(tmp_path):
    # given a SQLite file that is not there, in a folder that is
    missing = tmp_path / "lfi.sqlite3"
    # when readiness is checked
    state = Dependencies.connect(f"sqlite:///{missing}", None).readiness()
    # then the database is unreachable, and no empty database was made in its place
    assert (state.database, state.ready) == ("unreachable", False)
    assert not missing.exists()


def test_hlt003_postgresql_on_a_closed_port_fails_within_two_seconds():
    started = time.monotonic()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/lfi"
    state = Dependencies.connect(url, None).readiness()
    assert (state.database, state.ready) == ("unreachable", False)
    assert time.monotonic() - started < 2.5


def test_hlt004_redis_on_a_closed_port_is_unreachable_and_has_no_queue(engine, database_url):
    probes = Dependencies.connect(database_url, f"redis://127.0.0.1:{closed_port()}/0")
    assert probes.readiness() == Readiness(database="ok", redis="unreachable")
    assert probes.queue_depth("lfi") is None


def test_hlt005_the_queue_depth_is_the_length_of_rqs_list(engine, database_url):
    # given a queue of a name no one else uses, holding two jobs
    client = running_redis()
    name = f"hlt005-{uuid.uuid4().hex}"
    client.rpush(f"rq:queue:{name}", "a", "b")
    try:
        probes = Dependencies.connect(database_url, REDIS_URL)
        # then its depth is 2, as RQ itself counts it, and an empty queue's is 0
        assert (probes.queue_depth(name), probes.queue_depth(name + "-empty")) == (2, 0)
        assert Queue(name, connection=client).count == 2
        assert probes.readiness() == Readiness(database="ok", redis="ok")
    finally:
        client.delete(f"rq:queue:{name}")


def test_hlt020_readiness_is_checked_at_most_once_a_second(tmp_path, monkeypatch):
    """Anyone may ask /readyz, and each check opens a new connection: a flood of asks within a
    second costs one check."""
    from sqlalchemy import event

    from services import health

    path = tmp_path / "lfi.sqlite3"
    path.touch()
    probes = Dependencies.connect(f"sqlite:///{path}", None)
    connections: list[object] = []
    event.listen(probes.database, "connect", lambda *_: connections.append(1))
    for _ in range(50):
        assert probes.readiness().ready
    assert len(connections) == 1
    monkeypatch.setattr(health, "READINESS_SECONDS", 0.0)
    probes.readiness()
    assert len(connections) == 2  # once the answer is older than that, checked again
