"""A deactivated staff member is signed out everywhere at once, not at their next request."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from .models import User


def user_sessions_end(user: User) -> int:
    """Delete every live session of the user; returns how many ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@receiver(post_save, sender=User, dispatch_uid="accounts.end_sessions_of_inactive")
def _end_sessions_of_inactive_user(sender: Any, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        user_sessions_end(instance)


# Sent by the admin after it changed a staff member's account (roles, active flag, department);
# the audit app records it (AUD-1). kwargs: actor=, user=, before=, after= (plain dicts).
account_changed = Signal()
