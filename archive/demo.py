"""Demo data for the archive: most closed cases filed (with their PDFs), a few left closed."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.utils import timezone

from cases.models import Case

from . import services
from .models import ArchiveRecord

KEEP_CLOSED = 3


def seed(*, rng: random.Random, stdout) -> None:
    closed = list(Case.objects.filter(status=Case.Status.CLOSED).order_by("closed_at"))
    latest = timezone.now() - dt.timedelta(minutes=10)
    for case in closed[:-KEEP_CLOSED] if len(closed) > KEEP_CLOSED else []:
        moment = min((case.closed_at or latest) + dt.timedelta(hours=rng.randint(1, 30)), latest)
        with time_machine.travel(moment, tick=False):
            services.case_archive(case.owner, case=case)
    # Rendered here rather than by the worker, so the demo's PDFs exist from the start.
    rendered = 0
    for record in ArchiveRecord.objects.filter(pdf_sha256="").order_by("pk"):
        services.archive_render_pdf(record=record)
        rendered += 1
    stdout.write(
        f"archive demo: {ArchiveRecord.objects.count()} archived ({rendered} PDFs rendered), "
        f"{Case.objects.filter(status=Case.Status.CLOSED).count()} left closed"
    )
