"""Every write of the archive (CLO-4/5): filing a closed case, rendering its PDF once, and
the periodic sweep. Exports live in ``archive.exports``."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from psycopg import sql

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.errors import CaseError, NotAllowed, WrongState
from cases.models import Case
from cases.services import case_lock, case_snapshot, case_transition, event_add
from firstask.sql import db_table, render

from .models import ArchiveRecord, ArchiveTally
from .numbers import allocate_archive_number

logger = logging.getLogger(__name__)

# Sent inside the transaction that files a case; webhooks tell other systems of it.
case_archived = Signal()  # sender=Case, case=, actor=, record=


def enqueue(task, *args) -> None:
    """Queue a Celery task without ever failing the caller: a broker outage only delays the
    work, which the periodic sweep picks up (ARCHITECTURE, Background work)."""
    from firstask.broker import task_enqueue

    task_enqueue(task, args=args)


def can_archive_by_hand(user: User, case: Case) -> bool:
    return permissions.acts_for_owner(user, case)


@transaction.atomic
def case_archive(actor: User | None, *, case: Case, version: int | None = None) -> ArchiveRecord:
    """CLO-4: file a closed case. ``actor`` None is the automatic archiving."""
    case = case_lock(case=case, version=version)
    if actor is not None and not can_archive_by_hand(actor, case):
        raise NotAllowed()
    if case.status != Case.Status.CLOSED:
        raise WrongState()
    now = timezone.now()
    local = timezone.localtime(now)
    number, _sequence = allocate_archive_number(year=local.year, category_code=case.category.code)
    record = ArchiveRecord.objects.create(
        case=case,
        number=number,
        year=local.year,
        month=local.month,
        category=case.category,
        archived_at=now,
        archived_by=actor,
    )
    tally_add(record=record)
    # The event and the timestamp go in before the status: from then on nothing may change.
    event_add(case=case, actor=actor, kind="archived", number=number)
    before = case_snapshot(case)
    case.archived_at = now
    case.version = F("version") + 1
    case.save(update_fields=["archived_at", "version", "updated_at"])
    case.refresh_from_db(fields=["version"])
    case_transition(actor, case=case, to=Case.Status.ARCHIVED, record_event=False)
    audit_record(
        actor=actor,
        action="archive.create",
        object_type="archive",
        object_id=number,
        before=before,
        after={"case": case.number, "number": number, "year": local.year, "month": local.month},
    )
    case_archived.send(sender=Case, case=case, actor=actor, record=record)
    from .tasks import archive_render_pdf

    transaction.on_commit(lambda: enqueue(archive_render_pdf, record.pk))
    return record


# One statement, so two filings of the same month and category never both read the old count.
TALLY_ADD = sql.SQL(
    "INSERT INTO {table} (year, month, category_id, n) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (year, month, category_id) DO UPDATE SET n = {table}.n + 1"
)


def tally_add(*, record: ArchiveRecord) -> None:
    """Count a newly filed record in the tally, in the transaction that files it."""
    query = TALLY_ADD.format(table=db_table(ArchiveTally))
    with connection.cursor() as cursor:
        cursor.execute(render(query), [record.year, record.month, record.category_id])


@transaction.atomic
def archive_render_pdf(*, record: ArchiveRecord) -> ArchiveRecord:
    """Render the record's PDF once and store it with its checksums; a second call (a retried
    task) finds it stored and does nothing."""
    from .pdf import render_record_pdf

    record = ArchiveRecord.objects.select_for_update().get(pk=record.pk)
    if record.pdf_sha256:
        return record
    pdf, data_sha256 = render_record_pdf(record)
    name = default_storage.save(
        f"archive/{record.year:04d}/{record.month:02d}/{record.number}.pdf", ContentFile(pdf)
    )
    record.pdf.name = name
    record.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    record.data_sha256 = data_sha256
    record.pdf_rendered_at = timezone.now()
    record.save(update_fields=["pdf", "pdf_sha256", "data_sha256", "pdf_rendered_at"])
    audit_record(
        actor=None,
        action="archive.render_pdf",
        object_type="archive",
        object_id=record.number,
        after={"pdf_sha256": record.pdf_sha256, "data_sha256": data_sha256},
    )
    return record


def archive_sweep(*, now: dt.datetime | None = None) -> int:
    """The periodic task: file the closed cases past the quiet period and render any PDF still
    missing (a broker outage at archiving time). Each case in its own transaction."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.ARCHIVE_QUIET_HOURS)
    due = Case.objects.filter(status=Case.Status.CLOSED, closed_at__lte=cutoff).order_by("pk")
    filed = 0
    for case in due[: settings.ARCHIVE_SWEEP_BATCH]:
        try:
            case_archive(None, case=case)
            filed += 1
        except CaseError:
            continue
    for record in ArchiveRecord.objects.filter(pdf_sha256="").order_by("pk")[:50]:
        archive_render_pdf(record=record)
    from .retention import exports_expire

    exports_expire(now=now)
    return filed
