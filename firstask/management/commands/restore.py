from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firstask.backup import BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup` into an EMPTY database (DATABASE_URL) and an empty "
        "media store (MEDIA_ROOT, or the bucket with MEDIA_STORAGE=s3), after checking every "
        "file against the manifest's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"no such backup file: {archive}")
        try:
            manifest = restore_read(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"restored the backup of {manifest['created_at']}: database and {media} media files"
            )
        )
        self.stdout.write(
            "If the application connects as a role of its own, grant it again: "
            "python manage.py db_app_role <role>"
        )
