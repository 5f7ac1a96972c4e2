"""Serve the dashboard under gunicorn (2 sync workers, loopback) and drive it with concurrent
clients doing what a browser does: fetch each page's HTML and the app's layout and callback list,
run the Dash pages routing callback for each page, and run it for the overview's filters (links
whose address is the view, so each filter choice is a routing callback with a query string).

    .venv/bin/python benchmarks/dashboard_load.py [--seconds 30] [--clients 20] [--council CODE]

The council's demo data is loaded once into a temporary SQLite file, with a viewer's account in
the council; each client signs in as it, as a browser does (the sign-in form, then the session
cookie and the session's token on every request), and drives the council's pages (under
/c/<LA code>). The measured run serves it with the
measure cache on (LFI_CACHE=true); the baseline, in the same run, recomputes the measures on every
request (LFI_CACHE=false). Prints throughput, latency percentiles and errors for both, and the
ratio of their p95 latencies. Target: cached p95 under 150 ms with no errors at 20 clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from benchmark_council import add_council_argument, choose_council  # noqa: E402

# A council's pages, under /c/<LA code>; the accessibility statement is outside any council.
COUNCIL_PAGES = [
    "",
    *(f"/workstream/{n}" for n in range(1, 6)),
    "/schools-forum",
    "/measure/1",
    "/measure/16",
    "/plan",
    "/submissions",
    "/about",
]  # what a reader opens: the upload pages are a finance officer's
PAGES: list[str] = ["/accessibility"]  # the council's pages are added once it is chosen
ROUTING_INPUT = {"id": "_pages_location", "property": "pathname"}
ROUTING_VALUES = {"pathname": None, "search": "", "hash": ""}
FILTER_SEARCHES = [
    "?status=red",
    "?category=EHCP&status=amber&sort=status",
    "?workstream=2&sort=variance",
    "?category=DSG",
]
APP_FILES = ["/_dash-layout", "/_dash-dependencies"]
TARGET_P95_MS = 150
CALLBACK_KINDS = {"routing callback", "filter (routing)"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


READER = "reader@bench.example.org"
PASSWORD = "plaid marble kettle orbit"


def load_demo(env: dict) -> None:
    for command, given in (
        (["demo"], None),
        (["user", "add", READER, "--role", "viewer", "--password-stdin"], PASSWORD + "\n"),
    ):
        result = subprocess.run(
            [str(BIN / "lfi"), *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            input=given,
        )
        if result.returncode != 0:
            raise SystemExit(f"lfi {command[0]} failed:\n{result.stdout}{result.stderr}")


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int) -> dict[str, str]:
    """The headers a signed-in browser sends: its cookies, the session's token, its origin."""
    origin = f"http://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/sign-in")
        response = conn.getresponse()
        response.read()
        cookies = _cookies(response)
        form = urllib.parse.urlencode(
            {"email": READER, "password": PASSWORD, "csrf_token": cookies["_csrf_token"]}
        )
        conn.request(
            "POST",
            "/sign-in",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"_csrf_token={cookies['_csrf_token']}",
                "Origin": origin,
            },
        )
        response = conn.getresponse()
        response.read()
        cookies |= _cookies(response)
    finally:
        conn.close()
    if response.status != 303 or "lfi_session" not in cookies:
        raise SystemExit(f"signing in as {READER} failed: {response.status}")
    return {
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "X-CSRFToken": cookies["_csrf_token"],
        "Origin": origin,
    }


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body=None,
    signed: dict[str, str] | None = None,
):
    headers = dict(signed or {})
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def get(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        return request(conn, "GET", path)
    finally:
        conn.close()


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "--no-control-socket",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "app:wsgi()",
    ]
    with log.open("w") as stream:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=stream)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if get(port, "/")[0] < 500:  # / answers, if only to send the visitor elsewhere
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer GET / within 90 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def spec(item: dict) -> dict:
    return {"id": item["id"], "property": item["property"]}


def callback_body(callback: dict, values: dict, changed: list[str]) -> bytes:
    """The payload Dash's renderer posts: see ``fillVals`` and ``handleServerside``."""
    multi = callback["output"].startswith("..")
    names = callback["output"].strip(".").split("...") if multi else [callback["output"]]
    outputs = [dict(zip(("id", "property"), name.rsplit(".", 1), strict=True)) for name in names]
    body = {
        "output": callback["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": [
            {**spec(i), "value": values.get(i["id"], {}).get(i["property"])}
            for i in callback["inputs"]
        ],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }
    if callback["state"]:
        body["state"] = [
            {**spec(s), "value": values.get(s["id"], {}).get(s["property"])}
            for s in callback["state"]
        ]
    return json.dumps(body).encode()


def routing_requests(callback: dict) -> list[tuple]:
    changed = ["_pages_location.pathname"]
    bodies = [
        callback_body(callback, {"_pages_location": {**ROUTING_VALUES, "pathname": path}}, changed)
        for path in PAGES
    ]
    return [("routing callback", "POST", "/_dash-update-component", body) for body in bodies]


def filter_requests(callback: dict) -> list[tuple]:
    changed = ["_pages_location.search"]
    overview = PAGES[0]  # the council's overview, which the filters narrow
    bodies = [
        callback_body(
            callback,
            {"_pages_location": {**ROUTING_VALUES, "pathname": overview, "search": q}},
            changed,
        )
        for q in FILTER_SEARCHES
    ]
    return [("filter (routing)", "POST", "/_dash-update-component", body) for body in bodies]


def build_mix(port: int, describe: bool) -> list[tuple]:
    status, data = get(port, "/_dash-dependencies")
    if status != 200:
        raise SystemExit(f"GET /_dash-dependencies answered {status}")
    callbacks = [c for c in json.loads(data) if not c.get("clientside_function")]
    routing = [c for c in callbacks if ROUTING_INPUT in [spec(i) for i in c["inputs"]]]
    if not routing:
        raise SystemExit("no callback takes _pages_location.pathname as an input")
    mix = [("page HTML", "GET", path, None) for path in PAGES] + routing_requests(routing[0])
    mix += [("app layout and callbacks", "GET", path, None) for path in APP_FILES]
    if describe:
        missing = not_found(port, routing_requests(routing[0]))
        print(f"  pages routed to the not-found page: {', '.join(missing) or 'none'}")
    return mix + filter_requests(routing[0])


def not_found(port: int, routing: list[tuple]) -> list[str]:
    """The paths whose routing callback answers with the not-found page's title."""
    missing = []
    signed = sign_in(port)
    for path, (_, method, target, body) in zip(PAGES, routing, strict=True):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, data = request(conn, method, target, body, signed)
        conn.close()
        title = (
            json.loads(data)["response"]["_pages_store"]["data"]["title"] if status == 200 else ""
        )
        if status != 200 or title.startswith("Page not found"):
            missing.append(path if status == 200 else f"{path} ({status})")
    return missing


def failed(kind: str, status: int, data: bytes) -> bool:
    if status != 200:
        return True
    # a callback that answers 200 without a "response" has failed inside Dash
    return kind in CALLBACK_KINDS and b'"response"' not in data


def client(port: int, mix: list[tuple], deadline: float, results: list) -> None:
    signed = sign_in(port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < deadline:
        for kind, method, path, body in mix:
            start = time.perf_counter()
            try:
                status, data = request(conn, method, path, body, signed)
                bad = failed(kind, status, data)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                bad = True
            results.append((kind, time.perf_counter() - start, bad))
            if time.perf_counter() >= deadline:
                break
    conn.close()


def rotate(mix: list[tuple], n: int, clients: int) -> list[tuple]:
    """Start each client at a different place in the mix, spread over all of it."""
    start = n * len(mix) // clients
    return mix[start:] + mix[:start]


def drive(port: int, mix: list[tuple], seconds: float, clients: int) -> list[tuple]:
    results: list[tuple] = []
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(port, rotate(mix, n, clients), deadline, results))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentiles(latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else []
    cuts = cuts or [latencies[0]] * 99
    return {
        "p50": cuts[49] * 1e3,
        "p95": cuts[94] * 1e3,
        "p99": cuts[98] * 1e3,
        "max": max(latencies) * 1e3,
    }


def summarise(label: str, results: list[tuple], seconds: float) -> dict:
    figures = percentiles([latency for _, latency, _ in results])
    errors = sum(bad for _, _, bad in results)
    print(
        f"  {label}: {len(results):,} requests, {len(results) / seconds:,.0f} requests/s, "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
        f"p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms, errors {errors}"
    )
    for kind in dict.fromkeys(kind for kind, _, _ in results):
        part = [r for r in results if r[0] == kind]
        each = percentiles([latency for _, latency, _ in part])
        print(
            f"    {kind:<17} {len(part):>7,} requests, p50 {each['p50']:7.1f} ms, "
            f"p95 {each['p95']:7.1f} ms, errors {sum(bad for _, _, bad in part)}"
        )
    return {**figures, "errors": errors}


def first_traceback(log: Path) -> str:
    lines = log.read_text(errors="replace").splitlines()
    start = next((n for n, line in enumerate(lines) if "Traceback" in line), None)
    return "" if start is None else "\n".join(lines[max(start - 1, 0) : start + 30])


def measure(label: str, env: dict, args: argparse.Namespace, folder: Path) -> dict:
    port, log = free_port(), folder / f"gunicorn-{label}.log"
    server = start_server(env, port, log)
    try:
        mix = build_mix(port, describe=label == "cached")
        drive(port, mix, seconds=2, clients=4)
        results = drive(port, mix, args.seconds, args.clients)
    finally:
        stop_server(server)
    figures = summarise(label, results, args.seconds)
    if trace := first_traceback(log):
        print(f"  first traceback in the gunicorn log ({label}):\n{trace}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    add_council_argument(parser)
    args = parser.parse_args()
    code = choose_council(args.council).la_code
    PAGES[:0] = [f"/c/{code}{page}" for page in COUNCIL_PAGES]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = {
            **os.environ,
            "LFI_DATABASE_URL": f"sqlite:///{folder / 'lfi.sqlite3'}",
            "LFI_COUNCIL": code,
        }
        load_demo(env)
        env["LFI_LOAD_DEMO"] = "false"
        print(
            f"Dashboard under gunicorn, 2 sync workers, {args.clients} clients, "
            f"{args.seconds:g} s each run"
        )
        cached = measure("cached", {**env, "LFI_CACHE": "true"}, args, folder)
        baseline = measure("baseline", {**env, "LFI_CACHE": "false"}, args, folder)
    print(f"  baseline p95 / cached p95: {baseline['p95'] / cached['p95']:.1f} times")
    met = cached["p95"] < TARGET_P95_MS and cached["errors"] == 0
    print(
        f"  target (cached p95 under {TARGET_P95_MS} ms, no errors): "
        f"{'TARGET MET' if met else 'TARGET MISSED'}"
    )


if __name__ == "__main__":
    main()
