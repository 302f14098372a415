"""Failure counting for the public status page (PRV-2), kept in the cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(ip: str, number: str) -> list[str]:
    # Hashed: the number is whatever a visitor typed, and must not shape the cache key.
    typed = hashlib.sha256(number.strip().upper()[:20].encode()).hexdigest()[:32]
    return [f"status-fail:ip:{ip}", f"status-fail:case:{typed}"]


def is_blocked(*, ip: str, number: str = "") -> bool:
    keys = _keys(ip, number) if number else _keys(ip, "")[:1]
    counts = cache.get_many(keys)
    return any(value >= settings.STATUS_MAX_FAILURES for value in counts.values())


def record_failure(*, ip: str, number: str) -> None:
    for key in _keys(ip, number):
        cache.add(key, 0, timeout=settings.STATUS_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.STATUS_FAILURE_WINDOW_SECONDS)
