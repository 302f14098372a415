"""Security events that happen outside our services: sign-in lock-outs, account changes.

Failed sign-ins are counted by django-axes in its own table (accounts/throttle.py), not here:
the chain would grow by one row per guess. Successful sign-ins are kept by axes (AccessLog)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import account_changed, sign_in_locked_out

from .services import audit_record_standalone


@receiver(sign_in_locked_out, dispatch_uid="audit.sign_in_locked_out")
def _locked_out(
    sender: Any, username: str, ip_address: str, rules: dict[str, int], **kwargs: Any
) -> None:
    """One event per lock-out; the failures themselves are counted in axes' own table."""
    audit_record_standalone(
        actor=None,
        action="auth.locked_out",
        object_type="user",
        object_id=username.replace("\x00", "")[:64],
        after={"ip": ip_address, "rules": rules},
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
