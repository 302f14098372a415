"""Reads of the archive; a record whose case the user may not see is a 404."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from accounts import permissions
from accounts.models import User
from cases.listing import CappedPaginator
from cases.selectors import visible_cases

from .filters import ArchiveFilter
from .models import ArchiveRecord, ArchiveTally, ExportJob

# What a row of the archive page shows.
LIST_RELATED = ("case", "case__owner", "case__owner_department", "category")


def visible_archives(user: User) -> QuerySet[ArchiveRecord]:
    qs = ArchiveRecord.objects.select_related(*LIST_RELATED)
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


# Filters the tally can answer: it is kept per (year, month, category).
TALLIED_FILTERS = frozenset({"year", "month", "category"})


class CategoryCount(TypedDict):
    category__code: str
    category__name: str
    n: int


class MonthCount(TypedDict):
    year: int
    month: int
    n: int


@dataclass
class ArchiveCounts:
    """``total`` is exact unless ``capped`` (then more than ``cap`` match); the side lists are
    None when capped: counting them would read every matching record."""

    total: int
    by_category: Sequence[CategoryCount] | None
    by_month: Sequence[MonthCount] | None
    capped: bool = False
    cap: int = 0


@dataclass
class ArchiveListing:
    paginator: Paginator
    counts: ArchiveCounts


class TalliedPaginator(Paginator):
    """A paginator told its count (from the tally) that reads a page as a deferred join: the
    page's ids by a narrow query walking the time index, then those rows with their joins."""

    object_list: QuerySet[ArchiveRecord]

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count
        self.capped = False

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.object_list.model._default_manager.select_related(*LIST_RELATED)
        found = rows.in_bulk(ids)
        page = [found[pk] for pk in ids if pk in found]
        return self._get_page(page, number, self)  # type: ignore[attr-defined]  # not in django-stubs


def _tallied_filters(user: User, archive_filter: ArchiveFilter) -> dict | None:
    """The filters in use, if the tally can count them: a user who sees every record and no
    filter beyond year, month and category (an invalid value is ignored by the filter too)."""
    if not permissions.sees_all_cases(user):
        return None
    if not archive_filter.is_bound:
        return {}
    archive_filter.form.is_valid()
    used = {k: v for k, v in archive_filter.form.cleaned_data.items() if v not in (None, "")}
    return used if used.keys() <= TALLIED_FILTERS else None


def archive_listing(*, user: User, archive_filter: ArchiveFilter, per_page: int) -> ArchiveListing:
    """The page's paginator and counts, in bounded work whatever the filters.

    Counted by the tally (a few hundred rows) when ``_tallied_filters`` allows: exact totals
    and side lists, as a GROUP BY over the records would give. Otherwise (staff who see part of
    the archive; department, first responder, satisfaction or text filters) a capped count as
    on the case list: up to ``CappedPaginator.cap`` matching records are read; below it the
    totals and side lists are exact (grouped over those ids), above it the page says "more than
    the cap" and leaves the side lists out, because counting them would read every match."""
    records = archive_filter.qs
    tallied = _tallied_filters(user, archive_filter)
    if tallied is not None:
        counts = _tally_counts(tallied)
        return ArchiveListing(TalliedPaginator(records, per_page, count=counts.total), counts)
    paginator = CappedPaginator(records, per_page)
    if paginator.capped:
        counts = ArchiveCounts(paginator.count, None, None, capped=True, cap=paginator.cap)
    else:
        counts = archive_counts(ArchiveRecord.objects.filter(pk__in=paginator.matches()))
    return ArchiveListing(paginator, counts)


def _tally_counts(filters: dict) -> ArchiveCounts:
    tally = ArchiveTally.objects.filter(**filters).order_by()
    by_category = list(
        tally.values("category__code", "category__name")
        .annotate(n=Sum("n"))
        .order_by("category__code")
    )
    by_month = list(tally.values("year", "month").annotate(n=Sum("n")).order_by("-year", "-month"))
    return ArchiveCounts(sum(row["n"] for row in by_category), by_category, by_month)


def archive_counts(queryset: QuerySet[ArchiveRecord]) -> ArchiveCounts:
    """Counts per category and per month of a set of records: two grouped queries (use on a
    set known to be small, or through the tally)."""
    plain = queryset.order_by()
    by_category = list(
        plain.values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("category__code")
    )
    by_month = list(
        plain.values("year", "month").annotate(n=Count("pk")).order_by("-year", "-month")
    )
    return ArchiveCounts(sum(row["n"] for row in by_category), by_category, by_month)


def export_jobs_of(*, user: User, limit: int = 20) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by=user)[:limit])


def export_get_for_user(*, user: User, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, requested_by=user).first()
    if job is None or not permissions.can_export_archive(user):
        raise Http404
    return job
