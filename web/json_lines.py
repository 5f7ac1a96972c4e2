"""Log records as JSON lines on standard error (LFI_LOG_FORMAT=json), one object a line, for a log
collector to read without parsing text: the app's request lines and its other records, and
gunicorn's own (web/server_hooks.py). Knows nothing of Flask, so gunicorn's master can load it."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

# A record's extra fields, merged into its line: logger.info(..., extra={FIELDS: {...}}).
FIELDS = "lfi_fields"
REQUEST_ID = "request_id"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            REQUEST_ID: getattr(record, REQUEST_ID, None),
        }
        line.update(getattr(record, FIELDS, {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is when each record is written, not when the handler was made:
    the app is built once and its handler outlives any later change of the stream."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr
