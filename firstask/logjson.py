"""JSON log lines (LOG_FORMAT=json): one object per line, with the request id of the request
being served, for a log shipper to index without parsing free text."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from audit import context


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.request logs a 4xx/5xx after the middleware has returned: the id is on the request.
        request_id = context.request_id.get() or getattr(
            getattr(record, "request", None), "request_id", ""
        )
        if request_id:
            line["request_id"] = request_id
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
