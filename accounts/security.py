"""Request facts used by throttles, and the sign-in/out hooks that audit and bound sessions."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

SESSION_STARTED_KEY = "firstask_signed_in_at"
SESSION_RENEWED_KEY = "firstask_renewed_at"  # last save that restarted the idle clock


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=N the address the outermost trusted proxy saw.

    Only the right-most N entries of X-Forwarded-For were written by our proxies; anything left of
    them came from the client and is not trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


@receiver(user_logged_in, dispatch_uid="accounts.session_started")
def _remember_sign_in_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())
