"""Request types for views, as django-stubs recommends for attributes our middleware adds.

``AuthedRequest`` is what a view behind ``LoginRequiredMiddleware`` receives: its ``user`` is a
signed-in ``User``, never ``AnonymousUser``. A view marked ``@login_not_required`` takes
``AppRequest`` and checks ``request.user.is_authenticated`` itself. These are annotations only:
Django still passes a plain ``HttpRequest`` at run time.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AppRequest(HttpRequest):
    """Any request that went through our middleware stack (firstask.settings.MIDDLEWARE)."""

    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware
    request_id: str  # audit.middleware.RequestIdMiddleware


class AuthedRequest(AppRequest):
    """A request past django.contrib.auth.middleware.LoginRequiredMiddleware."""

    user: User
