"""Keep visitors' phone numbers out of application logs (PRV-1).

Installed as a filter on every handler (settings LOGGING): whatever a message or its arguments
hold, a mainland mobile or landline number is masked before it is written.
"""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)86[\s-]?)?"
    r"(?:1[3-9]\d(?:[\s-]?\d{4}){2}|0(?:10|2\d|[3-9]\d{2})[\s-]?\d{7,8})(?!\d)"
)


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if digits.startswith("0086") and len(digits) > 12:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return f"{digits[:3]}****{digits[-4:]}"


def redact(text: str) -> str:
    return _PHONE.sub(_mask, text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
