"""Log lines as JSON, one object a line, with the request id: what log collectors read without parsing.

``LOG_FORMAT=json`` (the default when ``DEBUG`` is off) writes ``{"time", "level", "logger", "message",
"request_id"}`` and ``exception`` when there is one; ``LOG_FORMAT=plain`` keeps the readable line for a
terminal.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from retour.core.request_context import REQUEST_ID


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or "-" outside a request) on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
