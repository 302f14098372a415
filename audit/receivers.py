"""Security events that happen outside our services: failed sign-ins, lockouts, account changes.

Successful sign-ins are kept by django-axes (AccessLog, with IP and user agent)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts.security import client_ip
from accounts.signals import account_changed

from .services import audit_record_standalone


def _ip(request: Any) -> str:
    return client_ip(request) if request is not None else ""


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs) -> None:
    username = str(credentials.get("username", "")).replace("\x00", "")[:64]
    audit_record_standalone(
        actor=None,
        action="auth.login_failed",
        object_type="user",
        object_id=username,
        after={"ip": _ip(request)},
    )


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def _locked_out(sender: Any, request: Any = None, username: str = "", **kwargs) -> None:
    audit_record_standalone(
        actor=None,
        action="auth.locked_out",
        object_type="user",
        object_id=str(username or "").replace("\x00", "")[:64],
        after={"ip": str(kwargs.get("ip_address") or _ip(request))},
    )


@receiver(account_changed, dispatch_uid="audit.account_changed")
def _account_changed(sender: Any, actor: Any, user: Any, before: Any, after: Any, **kw) -> None:
    audit_record_standalone(
        actor=actor,
        action="user.change" if before else "user.create",
        object_type="user",
        object_id=user.username,
        before=before,
        after=after,
    )
