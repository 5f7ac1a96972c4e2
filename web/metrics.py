"""Prometheus metrics at /metrics: how long requests take and how many there are, by route, method
and status class; the job queue's depth, read when scraped; and whatever else the app counts
(services/shared_store.py's cache reads and Redis errors).

Routes are labelled by template, never by address, so that the number of series stays bounded
whatever addresses are asked for: a Flask route by its rule (/c/<council>/download/pack.pdf), a
page by the Dash page the router shows (/c/<council>/measure/<ref>), every callback as
/_dash-update-component, and anything unrouted as "unmatched".

Under gunicorn each worker counts in files of its own in PROMETHEUS_MULTIPROC_DIR (set by lfi
serve before the workers start, web/server_hooks.py), and /metrics from any worker adds up every
worker's files; without it (tests, the debug server) the process's own registry answers.

Only the monitoring server may read it: loopback and LFI_METRICS_ALLOW, judged on the client's
address as web/proxies.py resolved it. Anyone else is told there is nothing here.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Iterable, Iterator

import dash
from flask import Flask, Response, abort, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from web.access import Access, requires
from web.guard import CALLBACK_ENDPOINT, PAGE_SHELLS, routed_page
from web.health import Dependencies

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable
JOB_QUEUE = "lfi"  # the queue the jobs helper puts work on
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
LABELS = ("route", "method", "status")
# Seconds: a page is tens of milliseconds, a chart image about one second, the pack up to 120.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

REQUEST_SECONDS = Histogram(
    "lfi_http_request_duration_seconds", "Time to answer a request", LABELS, buckets=BUCKETS
)
REQUESTS = Counter("lfi_http_requests", "Requests answered", LABELS)


def route_label(app: dash.Dash) -> str:
    """The request's route as a template, from a bounded set."""
    rule = request.url_rule
    if rule is None:
        return UNMATCHED
    if rule.endpoint.endswith(CALLBACK_ENDPOINT):
        return "/" + CALLBACK_ENDPOINT
    if rule.endpoint in PAGE_SHELLS:
        page = routed_page(app, request.path) or {}
        if page.get("module", "").split(".")[-1] == "not_found_404":
            return rule.rule  # an address no page has: the shell's own rule
        return page.get("path_template") or page.get("path") or rule.rule
    return rule.rule


def labels_of(app: dash.Dash, status: int) -> dict[str, str]:
    method = request.method if request.method in METHODS else "other"
    return {"route": route_label(app), "method": method, "status": f"{status // 100}xx"}


class QueueDepth:
    """The job queue's depth, read from Redis each time /metrics is scraped."""

    def __init__(self, dependencies: Dependencies) -> None:
        self.dependencies = dependencies

    def collect(self) -> Iterator[Metric]:
        depth = self.dependencies.queue_depth(JOB_QUEUE)
        if depth is None:  # no Redis (work runs inside the request), or Redis does not answer
            return
        gauge = GaugeMetricFamily(
            "lfi_job_queue_depth", "Jobs waiting in the queue", labels=["queue"]
        )
        gauge.add_metric([JOB_QUEUE], depth)
        yield gauge


class Together:
    """Several collectors read as one, for one exposition."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = tuple(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def exposition(extra: Iterable[Collector] = (), multiprocess_dir: str | None = None) -> bytes:
    """Every metric in Prometheus's text format: every worker's, when they count in
    ``multiprocess_dir``, else this process's."""
    if multiprocess_dir:
        counted: Collector = CollectorRegistry()
        MultiProcessCollector(counted, path=multiprocess_dir)
    else:
        counted = REGISTRY
    return generate_latest(Together([counted, *extra]))


def client_allowed(address: str | None, networks: Iterable[str]) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if client.is_loopback:
        return True
    return any(client in ipaddress.ip_network(network, strict=False) for network in networks)


class Metrics:
    def __init__(
        self, app: dash.Dash, *, allow: tuple[str, ...], dependencies: Dependencies
    ) -> None:
        self.app, self.allow = app, allow
        self.queue = QueueDepth(dependencies)

    def start(self) -> None:
        g.lfi_metrics_started = time.perf_counter()

    def observe(self, response: Response) -> Response:
        started = g.pop("lfi_metrics_started", None)
        if started is not None:  # once a request, however often Flask runs the hooks
            labels = labels_of(self.app, response.status_code)
            REQUEST_SECONDS.labels(**labels).observe(time.perf_counter() - started)
            REQUESTS.labels(**labels).inc()
        return response

    def serve(self) -> Response:
        if not client_allowed(request.remote_addr, self.allow):
            abort(404)
        body = exposition([self.queue], os.environ.get(MULTIPROCESS_DIR))
        return Response(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)

    def install(self, server: Flask) -> None:
        # Ahead of the guard, so that refused requests are timed too; it never answers one.
        server.before_request_funcs.setdefault(None, []).insert(0, self.start)
        server.after_request(self.observe)

        @requires(Access.PUBLIC)  # the view itself refuses all but the monitoring server
        def metrics() -> Response:
            return self.serve()

        server.add_url_rule("/metrics", "metrics", metrics)
