"""Celery tasks of the webhook outbox: thin and idempotent (a sent row is never sent again)."""

from celery import shared_task

from . import delivery


@shared_task(name="webhooks.deliver_due", acks_late=True, ignore_result=True)
def deliver_due() -> int:
    return delivery.deliveries_send_due()
