"""Failed sign-ins: counted by django-axes in its own table (AccessAttempt), per username+IP and
per IP, each rule with its own limit; one signal per lock-out (the audit trail's one event).

What is typed as a username is kept only when it names an existing account: anything else may
be a password typed into the wrong field, so axes (its rows, its log lines) sees only a keyed
hash of it. The login form's POST data that axes keeps has both fields masked
(AXES_SENSITIVE_PARAMETERS).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .models import User
from .signals import sign_in_locked_out

UNKNOWN_PREFIX = "*unknown:"  # '*' and ':' cannot occur in a username (Django's validator)
_MASK_SALT = "firstask.accounts.unknown-username"
_CACHE_ATTR = "_firstask_axes_usernames"


def username_mask(typed: str) -> str:
    """A stable pseudonym of an unknown username: the same text counts as the same name, and
    nobody without SECRET_KEY can test a guess against it."""
    digest = salted_hmac(_MASK_SALT, typed, algorithm="sha256").hexdigest()
    return f"{UNKNOWN_PREFIX}{digest[:16]}"


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username axes keeps, counts and logs."""
    field = settings.AXES_USERNAME_FORM_FIELD  # type: ignore[misc]  # axes' AppConf default
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field) if request is not None else None
    if typed is None:
        return None
    typed = str(typed)
    known: dict[str, str] = getattr(request, _CACHE_ATTR, None) or {}
    if typed not in known:
        exists = "\x00" not in typed and User.objects.filter(username=typed).exists()
        known[typed] = typed if exists else username_mask(typed)
        if request is not None:
            setattr(request, _CACHE_ATTR, known)
    return known[typed]


def _rule_name(parameter: str | list[str]) -> str:
    return "+".join([parameter] if isinstance(parameter, str) else parameter)


class SignInThrottle(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler with a limit per lock-out rule.

    Axes compares one failure count with one limit; here the rule on the IP alone allows
    LOGIN_MAX_FAILURES_PER_IP (password spraying over many usernames), every rule that
    includes the username allows AXES_FAILURE_LIMIT.
    """

    @staticmethod
    def _limit(parameter: str | list[str]) -> int:
        if _rule_name(parameter) == "ip_address":
            return settings.LOGIN_MAX_FAILURES_PER_IP
        return settings.AXES_FAILURE_LIMIT

    def tripped_rules(
        self, request: HttpRequest, credentials: dict | None = None
    ) -> list[tuple[str, int]]:
        """(rule, failures) of every rule at or over its own limit."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        tripped = []
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= self._limit(parameter):
                tripped.append((_rule_name(parameter), failures))
        return tripped

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        if self.tripped_rules(request, credentials):
            return settings.AXES_FAILURE_LIMIT
        return min(super().get_failures(request, credentials), settings.AXES_FAILURE_LIMIT - 1)

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs):
        # Only the failure that starts a lock-out is reported, not each one during it.
        already = request is not None and self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already or not getattr(request, "axes_locked_out", False):
            return
        tripped = self.tripped_rules(request, credentials)
        sign_in_locked_out.send(
            sender=type(self),
            username=get_client_username(request, credentials) or "",
            ip_address=str(request.axes_ip_address or ""),
            rules={rule: failures for rule, failures in tripped},
        )

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A successful sign-in forgives that user's own failures, not the IP's: otherwise one
        valid account would reset the counter of a spray from the same address."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            if "username" in _rule_name(parameter):
                count += attempts.delete()[0]
        return count
