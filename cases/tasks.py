"""Celery tasks for cases: thin wrappers, idempotent (a flag or a reminder happens once per
deadline whatever the number of runs), safe to redeliver after a worker is lost."""

from celery import shared_task

from . import overdue


@shared_task(name="cases.flag_overdue", acks_late=True, ignore_result=True)
def flag_overdue() -> dict[str, int]:
    return overdue.flag_overdue()


@shared_task(name="cases.remind_deadlines", acks_late=True, ignore_result=True)
def remind_deadlines() -> dict[str, int]:
    return overdue.remind_deadlines()
