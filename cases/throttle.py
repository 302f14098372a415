"""Failure counting for the public status page (PRV-2), kept in the cache.

A case number is locked per client IP, never for everyone: five wrong codes for a number from
one address must not lock the real visitor out from another. An address guessing across many
numbers is locked as a whole after ``IP_FACTOR`` times as many failures. The QR link is never
locked (views.status_token answers a valid token first: 128 random bits are not guessed)."""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

IP_FACTOR = 4


def throttled_context(seconds: int) -> dict:
    """What every 429 page says: when to try again and whom to call (templates/_throttled.html)."""
    return {"minutes": max(1, -(-seconds // 60)), "hotline": settings.SUPERVISION_HOTLINE}


def _keys(ip: str, number: str) -> dict[str, int]:
    """Cache key -> the failures it allows."""
    limit = settings.STATUS_MAX_FAILURES
    keys = {f"status-fail:ip:{ip}": limit * IP_FACTOR}
    if number:
        # Hashed: the number is whatever a visitor typed, and must not shape the cache key.
        typed = hashlib.sha256(number.strip().upper()[:20].encode()).hexdigest()[:32]
        keys[f"status-fail:ip-case:{ip}:{typed}"] = limit
    return keys


def _blocked_keys(ip: str, number: str) -> list[str]:
    keys = _keys(ip, number)
    counts = cache.get_many(list(keys))
    return [key for key, value in counts.items() if value >= keys[key]]


def is_blocked(*, ip: str, number: str = "") -> bool:
    return bool(_blocked_keys(ip, number))


def retry_after(*, ip: str, number: str = "") -> int:
    """Seconds until the lock on this address (and number) lifts; 0 when not locked."""
    blocked = _blocked_keys(ip, number)
    if not blocked:
        return 0
    window = settings.STATUS_FAILURE_WINDOW_SECONDS
    since = cache.get_many([f"{key}:since" for key in blocked])
    now = time.time()
    ends = [since.get(f"{key}:since", now) + window for key in blocked]
    return max(60, math.ceil(max(ends) - now))


def record_failure(*, ip: str, number: str = "") -> None:
    window = settings.STATUS_FAILURE_WINDOW_SECONDS
    for key in _keys(ip, number):
        if cache.add(key, 0, timeout=window):
            cache.set(f"{key}:since", time.time(), timeout=window)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


# Visitor lookup at intake (INT-2): each complete phone number typed costs one of these per
# user, so that a desk cannot be used to test many numbers for being visitors.
LOOKUP_MAX = 30
LOOKUP_WINDOW_SECONDS = 600


def lookup_take(*, user_id: int) -> int:
    """Count one lookup by this user; 0 when allowed, else seconds until the window ends."""
    key = f"visitor-lookup:{user_id}"
    if cache.add(key, 0, timeout=LOOKUP_WINDOW_SECONDS):
        cache.set(f"{key}:since", time.time(), timeout=LOOKUP_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=LOOKUP_WINDOW_SECONDS)
        count = 1
    if count <= LOOKUP_MAX:
        return 0
    since = cache.get(f"{key}:since", time.time())
    return max(60, math.ceil(since + LOOKUP_WINDOW_SECONDS - time.time()))
