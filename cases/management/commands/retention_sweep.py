from django.core.management.base import BaseCommand

from cases.retention import retention_sweep


class Command(BaseCommand):
    help = "Erase visitors' personal data from cases archived longer than RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        count = retention_sweep(limit=options["limit"])
        self.stdout.write(f"personal data erased from {count} archived cases")
