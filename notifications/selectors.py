"""Reads of the inbox: a person only ever sees their own notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import Notification


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    notification = inbox(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification
