"""Log filters: a refused or missing page (4xx) is one line, not a traceback."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """`django.request` logs a 403 raised as PermissionDenied with its traceback. A refusal is
    the application working as meant, so the operator gets the one line that says what and
    where; a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
