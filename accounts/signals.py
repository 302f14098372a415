"""A deactivated staff member is signed out everywhere at once, not at their next request; the
role lists kept in the cache are forgotten when a membership or a group changes."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from . import permissions
from .models import User


def user_sessions_end(user: User) -> int:
    """Delete every live session of the user, from the database and the cache that keeps
    sessions (cached_db); returns how many ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.roles_changed")
def _memberships_changed(sender: Any, **kwargs) -> None:
    permissions.roles_changed()


@receiver(post_save, sender=Group, dispatch_uid="accounts.group_saved")
@receiver(post_delete, sender=Group, dispatch_uid="accounts.group_deleted")
def _group_changed(sender: Any, **kwargs) -> None:
    permissions.roles_changed()


@receiver(post_save, sender=User, dispatch_uid="accounts.end_sessions_of_inactive")
def _end_sessions_of_inactive_user(sender: Any, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        user_sessions_end(instance)


# Sent by the admin after it changed a staff member's account (roles, active flag, department);
# the audit app records it (AUD-1). kwargs: actor=, user=, before=, after= (plain dicts).
account_changed = Signal()

# Sent by accounts.throttle once when failed sign-ins start a lock-out (not for each failure);
# the audit app records it. kwargs: username= (masked unless an account), ip_address=, rules=
# {rule: failures} of the rules that tripped ("ip_address", "username+ip_address").
sign_in_locked_out = Signal()
