import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from .security import SESSION_RENEWED_KEY, SESSION_STARTED_KEY


class SessionLifetimeMiddleware:
    """End a session that has lived longer than SESSION_ABSOLUTE_HOURS, however active it was.

    The idle timeout is Django's own SESSION_COOKIE_AGE, renewed by saving the session (and
    checked here against the last save as well). It is
    saved when it changes, and otherwise at most once every SESSION_RENEW_SECONDS: writing the
    session row on every request cost three queries per page (BEGIN, UPDATE, COMMIT) for an
    idle deadline that a minute's precision serves as well. A session without a start stamp
    (made before this middleware existed) is stamped now.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                return self.get_response(request)
            renewed = int(request.session.get(SESSION_RENEWED_KEY, 0))
            if renewed and now - renewed > settings.SESSION_COOKIE_AGE:
                # Idle past the cookie age since the session was last saved: what the database
                # store's expiry says, checked here too because the cache that keeps sessions
                # (cached_db) expires them by its own clock.
                logout(request)
                return self.get_response(request)
            if now - renewed >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now  # saved: the idle clock restarts
        return self.get_response(request)
