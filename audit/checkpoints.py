"""Signed checkpoints of the audit chain: the text token, its signature and its parsing.

The chain proves that no row was changed in place, but not that its tail is still there: whoever
owns the table can cut the last rows and the rest still verifies. A checkpoint anchors the head
(last event id, its hash, how many events there are up to it, when) under an HMAC-SHA256 key
that is not in the database, and is handed out where the database owner cannot reach it (mail to
the auditors, printed in the day's archive PDFs) as one pasteable line:

    fa-ckpt:v1:<last event id>:<event count>:<head hash>:<UTC time>:<signature>

Key: ``AUDIT_CHECKPOINT_KEY``, or ``SECRET_KEY`` (and its fallbacks) when that is unset. Either way
it goes through Django's ``salted_hmac`` with a salt of its own, so the signing key is never the
key of sessions or password resets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

PREFIX = "fa-ckpt:v1"
_SALT = "firstask.audit.checkpoint.v1"
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_TOKEN = re.compile(
    r"^fa-ckpt:v1:(?P<id>[0-9]{1,19}):(?P<count>[0-9]{1,19}):(?P<head>[0-9a-f]{64})"
    r":(?P<time>[0-9]{8}T[0-9]{6}Z):(?P<sig>[0-9a-f]{64})$",
    re.IGNORECASE,
)


class BadToken(ValueError):
    """The text is not a checkpoint token (its message says what is wrong)."""


@dataclass(frozen=True)
class Checkpoint:
    last_event_id: int
    event_count: int
    head_hash: str
    created_at: datetime
    signature: str = ""

    @property
    def message(self) -> str:
        stamp = self.created_at.astimezone(UTC).strftime(_TIME_FORMAT)
        return f"{PREFIX}:{self.last_event_id}:{self.event_count}:{self.head_hash}:{stamp}"

    @property
    def token(self) -> str:
        return f"{self.message}:{self.signature}"

    def describe(self) -> str:
        stamp = self.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"checkpoint of {stamp} ({self.event_count} events up to #{self.last_event_id})"


def _keys() -> list[str]:
    if settings.AUDIT_CHECKPOINT_KEY:
        return [settings.AUDIT_CHECKPOINT_KEY]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _sign(message: str, key: str) -> str:
    return salted_hmac(_SALT, message, secret=key, algorithm="sha256").hexdigest()


def checkpoint_sign(checkpoint: Checkpoint) -> str:
    return _sign(checkpoint.message, _keys()[0])


def checkpoint_signature_valid(checkpoint: Checkpoint) -> bool:
    return any(
        constant_time_compare(_sign(checkpoint.message, key), checkpoint.signature)
        for key in _keys()
    )


def checkpoint_parse(text: str) -> Checkpoint:
    """Read a pasted token (surrounding blanks and line breaks of a mail client are ignored)."""
    match = _TOKEN.match("".join(str(text).split()))
    if match is None:
        raise BadToken(
            "not a checkpoint token: expected fa-ckpt:v1:<id>:<count>:<64 hex>:<time>:<64 hex>"
        )
    try:
        created_at = datetime.strptime(match["time"].upper(), _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError as error:
        raise BadToken(f"not a checkpoint token: bad time {match['time']!r}") from error
    return Checkpoint(
        last_event_id=int(match["id"]),
        event_count=int(match["count"]),
        head_hash=match["head"].lower(),
        created_at=created_at,
        signature=match["sig"].lower(),
    )
