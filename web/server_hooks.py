"""gunicorn's configuration for lfi serve (``--config python:web.server_hooks``): the metrics of a
worker that has ended are tidied away, their folder removed when the server stops, and with
LFI_LOG_FORMAT=json gunicorn's own lines are JSON too and its access log is off (the app writes
one line a request, web/request_log.py).

gunicorn reads this module's names that match its settings (child_exit, on_exit,
logconfig_dict); it ignores the rest.
"""

from __future__ import annotations

import gc
import os
import shutil
from typing import Any

from prometheus_client import multiprocess

from settings import read_settings

# prometheus_client's variable (web/metrics.py): named here so that gunicorn's master, which
# answers no request, never loads the app's modules nor makes metrics files of its own.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def post_worker_init(worker: Any) -> None:
    """The app is loaded: what it holds now (Dash, Plotly, pandas, the catalogues) lives as long
    as the worker, so the cyclic garbage collector is told to leave it alone. Without this, a
    collection walks those millions of objects again and again, a fifth of a page's first view
    (benchmarks/national.py)."""
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    # prometheus_client's multiprocess mode: a dead worker's live gauges go; its counters and
    # histograms stay, so totals never fall back when a worker is replaced.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    # lfi serve made the folder, private to this server, before gunicorn started.
    folder = os.environ.get(MULTIPROCESS_DIR)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _json_logging() -> dict[str, Any]:
    """Laid over gunicorn's own logging configuration (gunicorn.glogging.CONFIG_DEFAULTS): its
    handlers write JSON lines; the root logger is left to the app (web/request_log.py)."""
    return {
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
        "formatters": {"generic": {"()": "web.json_lines.JsonLines"}},
    }


if read_settings().log_format == "json":
    logconfig_dict = _json_logging()
