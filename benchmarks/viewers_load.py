"""Many viewers on the production set-up: app servers of several gunicorn workers each, on one
PostgreSQL database and one Redis, as a council's hosting team runs them behind a load balancer.

    .venv/bin/python benchmarks/viewers_load.py [--viewers 200] [--seconds 60] [--servers 2]
        [--workers 2] [--database-url URL] [--councils-dir DIR]

Each viewer is a person reading the dashboard: signed in on one server (the load balancer keeps
them there), they open a page of a council (its overview, a workstream, the plan, a measure, the
Schools Forum page...), read it for two to five seconds, and open another. A page is what Dash's
renderer asks for: the routing callback's answer. The measured run shares the caches in Redis
(LFI_REDIS_URL); the baseline, in the same run, is today's path without Redis: each worker keeps
its own caches, so each page is drawn once per worker instead of once in the deployment.

Without --database-url, a new database is made on the machine's PostgreSQL
(LFI_TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test) holding the
demo data of every council in --councils-dir, and dropped afterwards. Redis is a redis-server of
the benchmark's own on a free port. Prints latency percentiles, errors and each app worker's
peak memory (the largest resident set it reached, VmHWM; Chromium apart: no page draws a chart
image) against the targets:
p95 under 150 ms with no errors, under 300 MB a worker.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from settings import DEFAULT_COUNCILS_DIR  # noqa: E402

POSTGRES_URL = os.environ.get(
    "LFI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
VIEWER = "viewer@bench.example.org"
PASSWORD = "plaid marble kettle orbit"
PAGES = ["/", "/workstream/1", "/workstream/2", "/plan", "/measure/1", "/schools-forum", "/about"]
THINK_SECONDS = (2.0, 5.0)
TARGET_P95_MS = 150
TARGET_WORKER_MB = 300
ROUTING_OUTPUTS = [
    {"id": "_pages_content", "property": "children"},
    {"id": "_pages_store", "property": "data"},
]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def lfi(env: dict, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(
        [str(BIN / "lfi"), *args], env=env, cwd=ROOT, capture_output=True, text=True, input=stdin
    )
    if done.returncode != 0:
        raise SystemExit(f"lfi {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def fresh_postgres_database():
    """A new database on the machine's PostgreSQL, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lfi_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def demo_data(env: dict, councils_dir: Path) -> list[str]:
    """Each council's demo data and one viewer in every council; the councils' LA codes."""
    codes = sorted(p.name for p in councils_dir.iterdir() if (p / "council.toml").exists())
    for code in codes:
        lfi(env, "--council", code, "demo")
    add_viewer(env)
    return codes


def add_viewer(env: dict) -> None:
    lfi(
        env,
        "user",
        "add",
        VIEWER,
        "--role",
        "viewer",
        "--all-councils",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


@contextmanager
def redis_server(folder: Path):
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("The benchmark runs a Redis of its own: install Debian's redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]


def start_servers(env: dict, count: int, workers: int, folder: Path) -> list[Server]:
    servers = []
    for n in range(count):
        port = free_port()
        log = (folder / f"server-{n}.log").open("w")
        process = subprocess.Popen(
            [str(BIN / "lfi"), "serve"],
            env={**env, "LFI_PORT": str(port), "LFI_WORKERS": str(workers)},
            cwd=ROOT,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        servers.append(Server(port, process))
    for server in servers:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(server.url + "/sign-in", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise SystemExit(f"a server did not start: see {folder}")
            time.sleep(0.3)
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()


class Viewer:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = requests.Session()
        page = self.http.get(server.url + "/sign-in", timeout=60)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit(f"/sign-in answered {page.status_code} with no form")
        answer = self.http.post(
            server.url + "/sign-in",
            data={"email": VIEWER, "password": PASSWORD, "csrf_token": token.group(1)},
            headers={"Origin": server.url},
            allow_redirects=False,
            timeout=60,
        )
        if answer.status_code != 303:
            raise SystemExit(f"signing in answered {answer.status_code}")

    def open(self, path: str) -> bool:
        """Open the page; whether it came back whole."""
        changed = ["_pages_location.pathname"]
        body = {
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": ROUTING_OUTPUTS,
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": path},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        headers = {
            "Origin": self.server.url,
            "X-CSRFToken": self.http.cookies.get("_csrf_token") or "",
        }
        try:
            answer = self.http.post(
                self.server.url + "/_dash-update-component", json=body, headers=headers, timeout=30
            )
        except requests.RequestException:
            return False
        return answer.status_code == 200 and b'"response"' in answer.content


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


def read(viewer: Viewer, pages: list[str], deadline: float, results: Results, seed: int) -> None:
    chance = random.Random(seed)
    time.sleep(chance.uniform(0, THINK_SECONDS[1]))  # people do not all arrive at once
    while time.monotonic() < deadline:
        started = time.perf_counter()
        ok = viewer.open(chance.choice(pages))
        results.add(time.perf_counter() - started, ok)
        time.sleep(chance.uniform(*THINK_SECONDS))


def every_page(codes: list[str]) -> list[str]:
    return [f"/c/{code}{page}" for code in codes for page in PAGES]


def worker_memory_mb(servers: list[Server]) -> list[float]:
    sizes = []
    for server in servers:
        for pid in server.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            # the most it ever held, not what it holds at the end: a worker must stay under the
            # target at its largest
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                sizes.append(int(found.group(1)) / 1024)
    return sizes


def measure(
    label: str, env: dict, args: argparse.Namespace, codes: list[str], folder: Path
) -> dict:
    servers = start_servers(env, args.servers, args.workers, folder)
    try:
        pages = every_page(codes)
        warm = Viewer(servers[0])
        for path in pages:  # each page drawn once, as the first readers of the morning do
            warm.open(path)
        viewers = [Viewer(servers[n % len(servers)]) for n in range(args.viewers)]
        results = Results()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=read, args=(v, pages, deadline, results, n))
            for n, v in enumerate(viewers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        memory = worker_memory_mb(servers)
    finally:
        stop_servers(servers)
    cuts = statistics.quantiles(results.latencies, n=100, method="inclusive")
    figures = {
        "p50": cuts[49] * 1e3,
        "p95": cuts[94] * 1e3,
        "p99": cuts[98] * 1e3,
        "views": len(results.latencies),
        "errors": results.errors,
        "memory": max(memory, default=0.0),
    }
    print(
        f"  {label}: {figures['views']:,} page views, p50 {figures['p50']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms, "
        f"errors {figures['errors']}, largest worker at its peak {figures['memory']:.0f} MB "
        f"(of {len(memory)} workers)"
    )
    return figures


def environment(database_url: str, councils_dir: Path) -> dict:
    env = {
        **os.environ,
        "LFI_DATABASE_URL": database_url,
        "LFI_COUNCILS_DIR": str(councils_dir),
        "LFI_LOAD_DEMO": "false",
    }
    env.pop("LFI_COUNCIL", None)
    env.pop("LFI_REDIS_URL", None)
    return env


def compare(env: dict, args: argparse.Namespace, codes: list[str], folder: Path) -> dict:
    """The viewers on servers sharing Redis, then on today's path (no Redis), printed against
    the targets; the shared run's figures."""
    print(
        f"{args.viewers} viewers reading {len(codes)} councils' pages for {args.seconds:g} s, "
        f"on {args.servers} servers of {args.workers} gunicorn workers each, on PostgreSQL"
    )
    with redis_server(folder) as redis_url:
        shared = measure("with Redis", {**env, "LFI_REDIS_URL": redis_url}, args, codes, folder)
    baseline = measure("today's path, no Redis", env, args, codes, folder)
    print(f"  today's p95 / shared p95: {baseline['p95'] / shared['p95']:.1f} times")
    met = shared["p95"] < TARGET_P95_MS and shared["errors"] == 0
    print(
        f"  target (p95 under {TARGET_P95_MS} ms, no errors): "
        f"{'TARGET MET' if met else 'TARGET MISSED'}"
    )
    small = shared["memory"] < TARGET_WORKER_MB
    print(
        f"  target (every worker under {TARGET_WORKER_MB} MB, Chromium apart): "
        f"{'TARGET MET' if small else 'TARGET MISSED'} ({shared['memory']:.0f} MB largest)"
    )
    return shared


def run(args: argparse.Namespace, database_url: str, folder: Path) -> None:
    env = environment(database_url, args.councils_dir)
    codes = args.codes or demo_data(env, args.councils_dir)
    compare(env, args, codes, folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", help=f"a database already holding the data and {VIEWER}, with --codes"
    )
    parser.add_argument("--codes", nargs="*", help="the councils to read, with --database-url")
    parser.add_argument("--councils-dir", type=Path, default=DEFAULT_COUNCILS_DIR)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            run(args, args.database_url, Path(folder))
        else:
            with fresh_postgres_database() as url:
                run(args, url, Path(folder))


if __name__ == "__main__":
    main()
