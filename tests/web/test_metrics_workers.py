"""Metrics and logs under gunicorn's several workers: each worker counts in files of its own,
/metrics from any one of them adds up all; with JSON logs, one line a request and no access log.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from app import gunicorn_arguments
from tests.web.conftest import councils_with_devon, settings_for
from tests.web.observing import closed_port, json_lines, labels, read_samples, request_lines
from web.metrics import exposition
from web.server_hooks import child_exit

PROJECT = Path(__file__).resolve().parents[2]
LFI = Path(sys.executable).parent / "lfi"
PLAN = {"route": "/c/<council>/plan", "method": "GET", "status": "2xx"}
# One process's requests, as web/metrics.py counts them: n requests of 20 ms each.
COUNT_REQUESTS = """
import sys
from web.metrics import REQUEST_SECONDS, REQUESTS
labels = {"route": "/c/<council>/plan", "method": "GET", "status": "2xx"}
for _ in range(int(sys.argv[1])):
    REQUESTS.labels(**labels).inc()
    REQUEST_SECONDS.labels(**labels).observe(0.02)
"""


def _count_in_process(folder: Path, requests: int) -> int:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", COUNT_REQUESTS, str(requests)],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return requests


def test_mpw001_metrics_add_up_every_workers_counts(tmp_path):
    # given two processes counting into one folder: 2 requests in one, 3 in the other
    _count_in_process(tmp_path, 2)
    _count_in_process(tmp_path, 3)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
    # when /metrics reads the folder
    samples = read_samples(exposition(multiprocess_dir=str(tmp_path)).decode())
    # then it reports 5 requests, 5 timed, all of them within 25 ms and none within 10 ms, 0.1 s
    assert samples[("lfi_http_requests_total", labels(**PLAN))] == 5
    assert samples[("lfi_http_request_duration_seconds_count", labels(**PLAN))] == 5
    bucket = "lfi_http_request_duration_seconds_bucket"
    assert samples[(bucket, labels(**PLAN, le="0.025"))] == 5
    assert samples[(bucket, labels(**PLAN, le="0.01"))] == 0
    assert samples[("lfi_http_request_duration_seconds_sum", labels(**PLAN))] == pytest.approx(0.1)


def test_mpw002_a_worker_that_ends_keeps_its_counts(tmp_path, monkeypatch):
    # given a worker that counted 4 requests, then ended, as gunicorn tells its hook (in the
    # server's environment, which names the folder)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    _count_in_process(tmp_path, 4)
    (written,) = tmp_path.glob("counter_*.db")
    pid = int(written.stem.split("_")[-1])
    child_exit(None, SimpleNamespace(pid=pid))
    # then its requests are still counted: a total never falls when a worker is replaced
    samples = read_samples(exposition(multiprocess_dir=str(tmp_path)).decode())
    assert samples[("lfi_http_requests_total", labels(**PLAN))] == 4


def test_mpw003_gunicorns_access_log_is_on_only_with_text_logs(tmp_path):
    text = gunicorn_arguments(settings_for(tmp_path))
    json = gunicorn_arguments(dataclasses.replace(settings_for(tmp_path), log_format="json"))
    assert "--access-logfile" in text and "--access-logfile" not in json
    for arguments in (text, json):
        at = arguments.index("--config")
        assert arguments[at + 1] == "python:web.server_hooks"


def _get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _counted_by_worker(folder: Path) -> dict[str, float]:
    """Each worker's count of /healthz requests, by its process id, read from its own file."""
    counted = {}
    for written in folder.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(written)]):
            for sample in metric.samples:
                if (
                    sample.name == "lfi_http_requests_total"
                    and sample.labels["route"] == "/healthz"
                ):
                    counted[written.stem.split("_")[-1]] = sample.value
    return counted


def _wait_for_workers(process: subprocess.Popen, url: str, folder: Path) -> None:
    """Until the server answers and both workers have loaded the app (each counts in a file)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"lfi serve stopped with {process.returncode}")
        metrics_folders = list(folder.glob("lfi-metrics-*"))
        if metrics_folders and len(list(metrics_folders[0].glob("counter_*.db"))) == 2:
            return
        time.sleep(0.3)
    pytest.fail(f"lfi serve's two workers did not start at {url} within 120 s")


def test_mpw004_under_gunicorn_every_request_is_one_json_line_and_metrics_add_up_workers(tmp_path):
    # given lfi serve, two workers, JSON logs, its temporary files in a folder of the test's
    port, scratch = closed_port(), tmp_path / "tmp"
    scratch.mkdir()
    settings = settings_for(tmp_path, councils_dir=councils_with_devon(tmp_path))
    env = {
        **os.environ,
        "LFI_DATABASE_URL": settings.database_url,
        "LFI_COUNCILS_DIR": str(settings.councils_dir),
        "LFI_PORT": str(port),
        "LFI_WORKERS": "2",
        "LFI_LOG_FORMAT": "json",
        "LFI_LOAD_DEMO": "false",
        "TMPDIR": str(scratch),
    }
    for name in ("LFI_COUNCIL", "LFI_REDIS_URL", "LFI_DEBUG", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "stderr").open("w") as stderr:
        server = subprocess.Popen(
            [str(LFI), "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
        try:
            _wait_for_workers(server, url, scratch)
            (folder,) = scratch.glob("lfi-metrics-*")
            # when /healthz is asked, each request with an id, until both workers have answered
            sent = 0
            while len(_counted_by_worker(folder)) < 2 and sent < 500:
                assert _get(f"{url}/healthz", **{"X-Request-ID": f"mpw004-{sent}"}) == 200
                sent += 1
            by_worker = _counted_by_worker(folder)
            # then /metrics, from whichever worker answers, counts every one of them
            with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
                samples = read_samples(response.read().decode())
            route = labels(route="/healthz", method="GET", status="2xx")
            assert len(by_worker) == 2, by_worker
            assert samples[("lfi_http_requests_total", route)] == sent == sum(by_worker.values())
        finally:
            server.terminate()
            server.wait(timeout=30)
    # and each request wrote exactly one line, every line on standard error is JSON, and the
    # metrics folder went with the server
    written = (tmp_path / "stderr").read_text()
    lines = request_lines(written)
    ids = [line["request_id"] for line in lines if line["request_id"].startswith("mpw004-")]
    assert sorted(ids) == sorted(f"mpw004-{n}" for n in range(sent))
    assert len(json_lines(written)) == len(written.splitlines())
    assert not folder.exists()


def test_mpw005_a_request_may_take_120_s_only_while_the_pack_prints_in_it(tmp_path):
    """Without Redis the pack and the DfE report print within the request (up to two minutes);
    with Redis they are jobs (printed in the request only while no job worker answers, 6 to
    10 s), and a web worker silent for 60 s is taken as hung and replaced."""
    alone = gunicorn_arguments(settings_for(tmp_path))
    shared = gunicorn_arguments(
        dataclasses.replace(settings_for(tmp_path), redis_url="redis://127.0.0.1:6379/0")
    )
    assert alone[alone.index("--timeout") + 1] == "120"
    assert shared[shared.index("--timeout") + 1] == "60"


def test_mpw006_a_worker_leaves_what_it_loaded_to_the_garbage_collector_no_more():
    import gc

    from web import server_hooks

    held = [object() for _ in range(1000)]  # standing for the app a worker has just loaded
    try:
        server_hooks.post_worker_init(worker=None)
        assert gc.get_freeze_count() >= len(held)
    finally:
        gc.unfreeze()
