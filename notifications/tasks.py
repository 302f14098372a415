"""Celery tasks of the outbox: thin, idempotent (a delivered row is never sent again)."""

from celery import shared_task

from . import delivery


@shared_task(name="notifications.deliver_due", acks_late=True, ignore_result=True)
def deliver_due() -> int:
    return delivery.notifications_deliver_due()
