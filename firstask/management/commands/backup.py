from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firstask.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a backup of the database (pg_dump, custom format) and the media files into "
        "OUT_DIR/firstask-<time>.tar, with a manifest of SHA-256s."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, out_dir: Path, **options):
        try:
            target = backup_write(out_dir=out_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"backup written: {target}"))
