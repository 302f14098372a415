from django.core.management.base import BaseCommand

from cases import overdue


class Command(BaseCommand):
    help = "Run the overdue scan once (what Celery beat runs), then the deadline reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-remind", action="store_true", help="flag overdue items only, send no reminders"
        )

    def handle(self, *args, no_remind: bool = False, **options):
        flagged = overdue.flag_overdue()
        for table, count in flagged.items():
            self.stdout.write(f"{table}: {count} flagged overdue")
        if not no_remind:
            for table, count in overdue.remind_deadlines().items():
                self.stdout.write(f"{table}: {count} reminded")
