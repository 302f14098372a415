"""A phone number typed into the case list's search box never goes into a URL (VIS-2, PRV-1):
the list keeps it in the user's session under a short random token and the URL carries the
token (``?qs=…``). Tokens expire after SEARCH_TOKEN_MINUTES; the session keeps the last few."""

from __future__ import annotations

import secrets
import time

from django.conf import settings

SESSION_KEY = "case_searches"
KEPT = 10


def _ttl() -> int:
    return settings.SEARCH_TOKEN_MINUTES * 60


def search_token_store(session, term: str) -> str:
    now = time.time()
    kept = {token: entry for token, entry in session.get(SESSION_KEY, {}).items() if entry[1] > now}
    token = secrets.token_urlsafe(9)
    kept[token] = [term, now + _ttl()]
    session[SESSION_KEY] = dict(sorted(kept.items(), key=lambda item: item[1][1])[-KEPT:])
    return token


def search_token_read(session, token: str) -> str | None:
    entry = session.get(SESSION_KEY, {}).get(token)
    if not entry or entry[1] <= time.time():
        return None
    return entry[0]
