"""Operable (issue 13, point 6): a request id on every answer, one JSON line a request with
LFI_LOG_FORMAT=json, /healthz and /readyz for the load balancer, and /metrics for the monitoring
server alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from domain.roles import Role
from services.health import Dependencies
from services.shared_store import cache_read
from settings import SettingsError, read_settings
from tests.routing import council_address as at
from tests.signin import signed_in_client
from tests.web.conftest import engine_of, make_app, routing_body
from tests.web.observing import (
    REDIS_URL,
    closed_port,
    json_lines,
    labels,
    read_samples,
    remove_json_handler,
    request_lines,
    running_redis,
)
from web.health import DEPENDENCIES_KEY

NORFOLK = "E10000020"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
OUTSIDER = "203.0.113.9"
PROXY = "10.0.0.5"


@pytest.fixture
def json_app(tmp_path):
    yield make_app(tmp_path, log_format="json")
    remove_json_handler()


def metrics_of(app, **environ) -> dict:
    response = app.server.test_client().get("/metrics", environ_base=environ)
    assert response.status_code == 200, response.status_code
    return read_samples(response.get_data(as_text=True))


# Request ids and the JSON request line


def test_obs001_a_signed_in_request_in_a_council_writes_one_json_line(json_app, capsys):
    # given a viewer of Norfolk, signed in, and a request id the load balancer gave
    client = signed_in_client(json_app, Role.VIEWER)
    capsys.readouterr()
    # when they open Norfolk's overview filtered by a query
    response = client.get(at("/") + "?status=red", headers={"X-Request-ID": "lb-7f3a.0001_x"})
    # then the id comes back, and exactly one line is written, saying who, where and what
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "lb-7f3a.0001_x"
    (line,) = request_lines(capsys.readouterr().err)
    assert {key: line[key] for key in line if key not in ("time", "duration_ms")} == {
        "level": "INFO",
        "logger": "lfi.request",
        "message": f"GET /c/{NORFOLK} 200",
        "request_id": "lb-7f3a.0001_x",
        "method": "GET",
        "path": f"/c/{NORFOLK}",  # the query left out
        "status": 200,
        "user": "viewer@example.org",
        "council": NORFOLK,
        "remote_addr": "127.0.0.1",
    }
    assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 60_000
    written = datetime.fromisoformat(line["time"])
    assert written.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - written).total_seconds()) < 60


def test_obs002_a_refused_callback_is_logged_with_its_council_and_no_one_signed_in(
    json_app, capsys
):
    # given a stranger posting Norfolk's plan's routing callback without a token
    client = json_app.server.test_client()
    capsys.readouterr()
    response = client.post("/_dash-update-component", json=routing_body(json_app, "/plan"))
    # then it is refused and the one line names the council it asked for and no user
    (line,) = request_lines(capsys.readouterr().err)
    assert (response.status_code, line["status"]) == (403, 403)
    assert (line["user"], line["council"], line["path"]) == (
        None,
        NORFOLK,
        "/_dash-update-component",
    )
    assert line["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    "sent",
    [
        "has spaces in it",
        "x" * 65,
        "<script>alert(1)</script>",
        "semi;colon",
        "",
        "é-accented",
    ],
)
def test_obs003_a_malformed_request_id_is_replaced(json_app, capsys, sent):
    # given a request id that is not letters, digits, dots, dashes and underscores, 1 to 64
    client = json_app.server.test_client()
    capsys.readouterr()
    # when it is sent
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    # then a new one, 32 hexadecimal digits, is sent back and logged instead
    given = response.headers["X-Request-ID"]
    assert given != sent and GENERATED_ID.fullmatch(given)
    (line,) = request_lines(capsys.readouterr().err)
    assert line["request_id"] == given


def test_obs004_a_request_id_of_64_characters_is_kept(json_app):
    sent = "A" * 60 + "._-9"
    response = json_app.server.test_client().get("/healthz", headers={"X-Request-ID": sent})
    assert response.headers["X-Request-ID"] == sent


def test_obs005_with_text_logs_the_id_is_still_sent_and_no_json_line_is_written(tmp_path, capsys):
    # given the default log format
    app = make_app(tmp_path)
    capsys.readouterr()
    # when a request is answered
    response = app.server.test_client().get("/healthz")
    # then it has an id, and the app writes no line of its own (gunicorn's access log does)
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])
    assert request_lines(capsys.readouterr().err) == []


def test_obs006_an_app_log_record_in_a_request_is_a_json_line_with_its_request_id(tmp_path, capsys):
    # given JSON logs and a Redis that does not answer
    app = make_app(tmp_path, log_format="json", redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    try:
        capsys.readouterr()
        # when the readiness check finds it so, and logs a warning saying so
        response = app.server.test_client().get("/readyz", headers={"X-Request-ID": "probe-1"})
        lines = json_lines(capsys.readouterr().err)
    finally:
        remove_json_handler()
    # then the warning is a JSON line carrying the request's id, before the request's own line
    assert response.status_code == 200
    warning, request = [line for line in lines if line["request_id"] == "probe-1"]
    assert (warning["level"], warning["logger"]) == ("WARNING", "services.health")
    assert warning["message"].startswith("Redis does not answer")
    assert (request["logger"], request["status"]) == ("lfi.request", 200)


# Liveness and readiness


def test_obs010_healthz_answers_without_touching_the_database(app):
    # given a signed-in browser, whose session cookie would otherwise be looked up
    client = signed_in_client(app, Role.VIEWER)
    statements: list[str] = []
    engine = engine_of(app)
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    # when /healthz is asked, and the database is then made unreachable for /readyz
    response = client.get("/healthz")
    probes = Dependencies.connect(f"sqlite:///{engine.url.database}-missing/lfi.sqlite3", None)
    app.server.extensions[DEPENDENCIES_KEY] = probes
    still = client.get("/healthz")
    # then it answers "ok" both times and no statement reached the database
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    assert (still.status_code, statements) == (200, [])


def test_obs011_readyz_is_ready_with_the_database_and_no_redis(app):
    response = app.server.test_client().get("/readyz")
    assert (response.status_code, response.get_json()) == (
        200,
        {"database": "ok", "redis": "not configured"},
    )


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:///{folder}/no-such-folder/lfi.sqlite3",
        "postgresql+psycopg://postgres@127.0.0.1:{port}/lfi",
    ],
    ids=["sqlite-in-a-missing-folder", "postgresql-on-a-closed-port"],
)
def test_obs012_readyz_is_503_naming_the_database_when_it_is_unreachable(
    app, tmp_path, database_url
):
    # given a database that cannot be reached
    url = database_url.format(folder=tmp_path, port=closed_port())
    app.server.extensions[DEPENDENCIES_KEY] = Dependencies.connect(url, None)
    # when the load balancer asks whether to send requests here
    response = app.server.test_client().get("/readyz")
    # then 503, naming the database, and nothing of its address
    assert (response.status_code, response.get_json()) == (
        503,
        {"database": "unreachable", "redis": "not configured"},
    )
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_obs013_readyz_names_redis_when_it_does_not_answer_and_stays_ready(tmp_path):
    # given Redis configured on a port nothing listens on
    port = closed_port()
    app = make_app(tmp_path, redis_url=f"redis://127.0.0.1:{port}/0")
    # when readiness is asked
    response = app.server.test_client().get("/readyz")
    # then Redis is named as unreachable, but the server stays in the load balancer: it serves
    # without Redis (tests/faults/test_served.py); neither address is in the body
    assert (response.status_code, response.get_json()) == (
        200,
        {"database": "ok", "redis": "unreachable"},
    )
    assert str(port) not in response.get_data(as_text=True)


def test_obs014_readyz_is_200_when_the_database_and_redis_answer(tmp_path):
    running_redis()
    app = make_app(tmp_path, redis_url=REDIS_URL)
    response = app.server.test_client().get("/readyz")
    assert (response.status_code, response.get_json()) == (200, {"database": "ok", "redis": "ok"})


# Metrics


def test_obs020_metrics_count_requests_by_route_template_not_address(app):
    # given a viewer of Norfolk
    client = signed_in_client(app, Role.VIEWER)
    before = metrics_of(app)
    # when they open two measures' pages, post one routing callback, and ask for no such thing
    client.get(at("/measure/3"))
    client.get(at("/measure/4"))
    client.post("/_dash-update-component", json=routing_body(app, "/measure/3"))
    client.get("/no/such/address/at/all.txt")
    after = metrics_of(app)

    def grew(name: str, **given: str) -> float:
        key = (name, labels(**given))
        return after.get(key, 0) - before.get(key, 0)

    # then the pages count under their page's template, the callback under one label
    page = {"route": "/c/<council>/measure/<ref>", "method": "GET", "status": "2xx"}
    callback = {"route": "/_dash-update-component", "method": "POST", "status": "2xx"}
    assert grew("lfi_http_requests_total", **page) == 2
    assert grew("lfi_http_request_duration_seconds_count", **page) == 2
    assert grew("lfi_http_request_duration_seconds_bucket", **page, le="+Inf") == 2
    assert grew("lfi_http_requests_total", **callback) == 1
    # an address no page has counts under the page shell's own rule
    shell = {"route": "/<path:path>", "method": "GET", "status": "2xx"}
    assert grew("lfi_http_requests_total", **shell) == 1
    # and no label anywhere holds an address or a council's code
    routes = {dict(key[1]).get("route", "") for key in after}
    assert not [route for route in routes if NORFOLK in route or "measure/3" in route]


def test_obs021_metrics_show_the_shared_caches_reads(app):
    # given one hit and two misses of a cache, counted as services.shared_store counts them
    before = metrics_of(app)
    cache_read("obs021", b"found")
    cache_read("obs021", None)
    cache_read("obs021", None)
    after = metrics_of(app)
    # then /metrics shows them
    hits = ("lfi_cache_reads_total", labels(cache="obs021", result="hit"))
    misses = ("lfi_cache_reads_total", labels(cache="obs021", result="miss"))
    assert (after[hits] - before.get(hits, 0), after[misses] - before.get(misses, 0)) == (1, 2)


def test_obs022_metrics_show_the_job_queues_depth_read_from_redis(tmp_path):
    # given Redis configured, with three jobs waiting in the queue "lfi"
    queue = running_redis()
    app = make_app(tmp_path, redis_url=REDIS_URL)
    queue.delete("rq:queue:lfi")
    queue.rpush("rq:queue:lfi", "job-1", "job-2", "job-3")
    try:
        # when /metrics is scraped
        samples = metrics_of(app)
    finally:
        queue.delete("rq:queue:lfi")
    # then the depth is read at that moment
    assert samples[("lfi_job_queue_depth", labels(queue="lfi"))] == 3


def test_obs023_without_redis_there_is_no_queue_to_measure(app):
    samples = metrics_of(app)
    assert [key for key in samples if key[0] == "lfi_job_queue_depth"] == []


def test_obs024_metrics_are_not_found_from_an_address_not_allowed(tmp_path):
    # given the default: loopback alone may read /metrics
    app = make_app(tmp_path, trusted_proxies=(PROXY,))
    client = app.server.test_client()
    # when an outsider asks, directly or through the trusted proxy, or claims to be loopback
    direct = client.get("/metrics", environ_base={"REMOTE_ADDR": OUTSIDER})
    proxied = client.get(
        "/metrics", environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": OUTSIDER}
    )
    claimed = client.get(
        "/metrics", environ_base={"REMOTE_ADDR": OUTSIDER}, headers={"X-Forwarded-For": "::1"}
    )
    # then there is nothing there, and no metric in the answer
    for response in (direct, proxied, claimed):
        assert response.status_code == 404
        assert "lfi_http_requests" not in response.get_data(as_text=True)
    # while loopback itself reads them
    assert client.get("/metrics").status_code == 200


def test_obs025_lfi_metrics_allow_lets_the_monitoring_network_read_them(tmp_path, monkeypatch):
    # given LFI_METRICS_ALLOW naming the monitoring server's network
    monkeypatch.setenv("LFI_METRICS_ALLOW", "203.0.113.0/28, 2001:db8::/32")
    allow = read_settings().metrics_allow
    assert allow == ("203.0.113.0/28", "2001:db8::/32")
    client = make_app(tmp_path, metrics_allow=allow).server.test_client()
    # then an address in it reads them, one just outside does not
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": OUTSIDER})
    v6 = client.get("/metrics", environ_base={"REMOTE_ADDR": "2001:db8::7"})
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.16"})
    assert (inside.status_code, v6.status_code, outside.status_code) == (200, 200, 404)


def test_obs026_lfi_metrics_allow_refuses_what_is_not_a_network(monkeypatch):
    monkeypatch.setenv("LFI_METRICS_ALLOW", "monitoring.council.example")
    with pytest.raises(SettingsError, match="LFI_METRICS_ALLOW"):
        read_settings()
