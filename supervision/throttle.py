"""Public complaint page: submissions allowed per IP address in a window, counted in the cache."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache


def _key(ip: str) -> str:
    return f"supervision-complaint:ip:{ip}"


def is_blocked(*, ip: str) -> bool:
    return (cache.get(_key(ip)) or 0) >= settings.SUPERVISION_COMPLAINT_MAX_PER_IP


def retry_after(*, ip: str) -> int:
    """Seconds until this address may send again (the 429 page says so)."""
    window = settings.SUPERVISION_COMPLAINT_WINDOW_SECONDS
    since = cache.get(f"{_key(ip)}:since", time.time())
    return max(60, math.ceil(since + window - time.time()))


def record_submission(*, ip: str) -> None:
    key, window = _key(ip), settings.SUPERVISION_COMPLAINT_WINDOW_SECONDS
    if cache.add(key, 0, timeout=window):
        cache.set(f"{key}:since", time.time(), timeout=window)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
