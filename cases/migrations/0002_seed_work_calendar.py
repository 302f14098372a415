"""Seed the work calendar with every holiday and adjusted working day chinese-calendar knows."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    Day = apps.get_model("cases", "WorkCalendarDay")
    rows = [
        Day(date=day, is_workday=False, name=str(name))
        for day, name in chinese_calendar.holidays.items()
        if day.weekday() < 5 and day >= dt.date(2020, 1, 1)
    ] + [
        Day(date=day, is_workday=True, name=str(name))
        for day, name in chinese_calendar.workdays.items()
        if day.weekday() >= 5 and day >= dt.date(2020, 1, 1)
    ]
    Day.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("cases", "WorkCalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
