from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory import importing


class Command(BaseCommand):
    help = (
        "Export departments, posts, staff, categories or canned answers to a .csv or .xlsx "
        "file (the import's columns)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importing.KINDS))
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind, file: Path, **options):
        fmt = file.suffix.lstrip(".").lower()
        if fmt not in importing.FORMATS:
            raise CommandError("the file name must end in .csv or .xlsx")
        file.write_bytes(importing.export_bytes(kind=kind, fmt=fmt))
        self.stdout.write(self.style.SUCCESS(f"exported {kind} to {file}"))
