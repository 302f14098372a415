"""Working days by the Chinese public-holiday calendar (OWN-2).

The WorkCalendarDay table holds only exceptions to the Monday–Friday week; one query reads the
exceptions of the window a computation needs.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import WorkCalendarDay

# Long enough for any promise the intake form allows (60 working days) across Spring Festival.
_WINDOW_DAYS = 150


# The exceptions are a few hundred rows that change a few times a year: every process keeps them
# in memory for a while (the desk asks on every request). An edit in this process clears them at
# once (signals below); other processes see it within _CACHE_SECONDS.
_CACHE_SECONDS = 300
_cache: dict[str, Any] = {"until": 0.0, "days": {}}


def _all_exceptions() -> dict[dt.date, bool]:
    now = time.monotonic()
    if now >= _cache["until"]:
        _cache["days"] = dict(WorkCalendarDay.objects.values_list("date", "is_workday"))
        _cache["until"] = now + _CACHE_SECONDS
    return _cache["days"]


def clear_cache(**kwargs: Any) -> None:
    _cache["until"] = 0.0


post_save.connect(clear_cache, sender=WorkCalendarDay, dispatch_uid="calendar-cache-save")
post_delete.connect(clear_cache, sender=WorkCalendarDay, dispatch_uid="calendar-cache-delete")


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return {day: work for day, work in _all_exceptions().items() if start <= day <= end}


def _default_workday(day: dt.date) -> bool:
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return _all_exceptions().get(day, _default_workday(day))


def workday_end(day: dt.date) -> dt.datetime:
    hour, minute = (int(part) for part in settings.WORKDAY_END.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_date(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(moment or timezone.now())


def local_moment(moment: dt.datetime) -> str:
    """A moment as local "YYYY-MM-DD HH:MM", the same in every language (notification texts,
    case tables): formats.date_format cost more than the rest of a 10,000-case scan."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    exceptions = _exceptions(start, start + dt.timedelta(days=_WINDOW_DAYS + days * 2))
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if exceptions.get(day, _default_workday(day)):
            counted += 1
    return day


def deadline_in_working_days(days: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """End of the working day ``days`` working days from today."""
    return workday_end(add_working_days(local_date(now), days))


def working_days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Working days d with start < d <= end."""
    exceptions = _exceptions(start, end)
    days, day = [], start
    while day < end:
        day += dt.timedelta(days=1)
        if exceptions.get(day, _default_workday(day)):
            days.append(day)
    return days


def calendar_rows_from_package() -> list[WorkCalendarDay]:
    """Every exception the chinese-calendar package knows, as unsaved rows."""
    import chinese_calendar

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if _default_workday(day):
            rows.append(WorkCalendarDay(date=day, is_workday=False, name=str(name)))
    for day, name in chinese_calendar.workdays.items():
        if not _default_workday(day):
            rows.append(WorkCalendarDay(date=day, is_workday=True, name=str(name)))
    return rows
