"""Reads of the archive; a record whose case the user may not see is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User
from cases.selectors import visible_cases

from .filters import ArchiveFilter
from .models import ArchiveRecord, ExportJob


def visible_archives(user: User) -> QuerySet[ArchiveRecord]:
    qs = ArchiveRecord.objects.select_related(
        "case", "case__owner", "case__owner_department", "category"
    )
    if permissions.sees_all_cases(user):
        return qs
    return qs.filter(case__in=visible_cases(user).values("pk"))


def archive_get_for_user(*, user: User, number: str) -> ArchiveRecord:
    record = visible_archives(user).filter(number=number).first()
    if record is None:
        raise Http404
    return record


def archive_filter(*, user: User, params) -> ArchiveFilter:
    return ArchiveFilter(params or None, queryset=visible_archives(user))


@dataclass
class ArchiveCounts:
    total: int
    by_category: list[dict]
    by_month: list[dict]


def archive_counts(queryset: QuerySet[ArchiveRecord]) -> ArchiveCounts:
    """Counts per category and per month of the filtered set: two grouped queries."""
    plain = queryset.order_by()
    by_category = list(
        plain.values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("category__code")
    )
    by_month = list(
        plain.values("year", "month").annotate(n=Count("pk")).order_by("-year", "-month")
    )
    return ArchiveCounts(
        total=sum(row["n"] for row in by_category), by_category=by_category, by_month=by_month
    )


def export_jobs_of(*, user: User, limit: int = 20) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by=user)[:limit])


def export_get_for_user(*, user: User, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, requested_by=user).first()
    if job is None or not permissions.can_export_archive(user):
        raise Http404
    return job
