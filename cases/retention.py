"""Retention: some years after archiving, a case's personal data is erased (PRV-1, PIPL).

What goes: the name and phone the case kept from the visit (VIS-1: its snapshot; the case's
erasure row says so on the record and its archive data), the visitor's name and phone (and
their keyed hash) once every case of that visitor has passed the period, and whatever higher
apps registered here for the case (the closure app's signature images). What stays: the case
row with its category, dates, owner, departments, status, satisfaction, counters and
timeline, so statistics and KPIs do not change. Nothing in the audit trail is touched (it
never held raw personal data), so the chain still verifies.

Each app registers its steps as ``extensions.ErasureStep`` in its AppConfig.ready; a step runs
inside the erasing transaction, must be idempotent, and should delete files with
``transaction.on_commit`` so a rolled-back erasure keeps them.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import audit_record

from . import extensions
from .models import Case, CaseErasure, Visitor
from .personal import mask_name, mask_phone, visitor_snapshot
from .visitors import archived_visitor_writes

logger = logging.getLogger("firstask.retention")


def cases_due(*, now: dt.datetime | None = None) -> QuerySet[Case]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RETENTION_DAYS)
    return Case.objects.filter(
        status=Case.Status.ARCHIVED, archived_at__lte=cutoff, erasure__isnull=True
    )


@transaction.atomic
def case_erase_personal_data(*, case: Case) -> None:
    """Erase one archived case's personal data; the visitor's too when no case still needs it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if CaseErasure.objects.filter(case=case).exists():
        return
    # The row goes first: the hooks render the case as erased (the archive PDF) and the
    # archive trigger allows the stored PDF to be replaced only for an erased case.
    CaseErasure.objects.create(case=case)
    # The case's own copy of the visitor goes before the hooks re-render the stored PDF from it.
    with archived_visitor_writes():
        Case.objects.filter(pk=case.pk).update(**visitor_snapshot(name="", phone=""))
    steps = extensions.registered(extensions.ErasureStep)
    for step in steps:
        step.run(case)
    audit_record(
        actor=None,
        action="case.retention_erase",
        object_type="case",
        object_id=case.number,
        after={
            "archived_at": case.archived_at.isoformat() if case.archived_at else None,
            "steps": [
                "case.visitor_snapshot",
                *(step.name for step in steps),
            ],
        },
    )
    visitor = Visitor.objects.select_for_update().get(pk=case.visitor_id)
    if visitor.erased_at is None and not visitor.cases.filter(erasure__isnull=True).exists():
        _visitor_erase(visitor)


def _visitor_erase(visitor: Visitor) -> None:
    before = {"name": mask_name(visitor.name), "phone": mask_phone(visitor.phone or "")}
    visitor.name, visitor.phone, visitor.erased_at = "", None, timezone.now()
    visitor.save(update_fields=["name", "phone", "erased_at", "updated_at"])
    audit_record(
        actor=None,
        action="visitor.retention_erase",
        object_type="visitor",
        object_id=visitor.pk,
        before=before,
        after={"erased": True},
    )


def retention_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Erase every case past the retention period (at most ``limit`` per run); idempotent."""
    ids = list(cases_due(now=now).order_by("archived_at").values_list("pk", flat=True)[:limit])
    for case in Case.objects.filter(pk__in=ids).select_related("visitor"):
        case_erase_personal_data(case=case)
    logger.info(
        "retention sweep: personal data erased from %d archived cases (period %d days)",
        len(ids),
        settings.RETENTION_DAYS,
    )
    return len(ids)


@shared_task(name="cases.retention.retention_sweep_task")
def retention_sweep_task() -> int:
    return retention_sweep()
