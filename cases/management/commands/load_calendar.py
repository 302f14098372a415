from django.core.management.base import BaseCommand

from cases.calendar import calendar_rows_from_package, clear_cache
from cases.models import WorkCalendarDay


class Command(BaseCommand):
    help = "Add holidays and adjusted working days from the chinese-calendar package (keeps edits)."

    def handle(self, *args, **options):
        rows = calendar_rows_from_package()
        before = WorkCalendarDay.objects.count()
        WorkCalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        clear_cache()  # bulk_create sends no signals
        added = WorkCalendarDay.objects.count() - before
        self.stdout.write(self.style.SUCCESS(f"{added} calendar days added"))
