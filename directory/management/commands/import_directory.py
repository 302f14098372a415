from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from directory import importing


class Command(BaseCommand):
    help = (
        "Import departments, posts, staff, categories or canned answers from a CSV/XLSX file. "
        "Without --commit only a "
        "dry run: what would be created or changed, and each bad row's errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importing.KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="write the good rows")
        parser.add_argument("--actor", help="username recorded in the audit event")

    def handle(self, *args, kind, file: Path, commit: bool, actor: str | None, **options):
        translation.activate("zh-hans")  # row errors in Chinese, as on the page
        actor_user = None
        if actor:
            actor_user = User.objects.filter(username=actor).first()
            if actor_user is None:
                raise CommandError(f"no such user: {actor}")
        try:
            rows = importing.dataset_read(content=file.read_bytes(), filename=file.name)
            plan = importing.import_plan(kind=kind, rows=rows, actor=actor_user)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error
        for row in plan.rows:
            if row.errors:
                self.stdout.write(f"line {row.line} {row.key}: ERROR " + "；".join(row.errors))
            elif row.action != "unchanged":
                changes = ", ".join(f"{k}: {a} → {b}" for k, (a, b) in row.changes.items())
                self.stdout.write(f"line {row.line} {row.key}: {row.action} ({changes})")
        summary = (
            f"{plan.count('create')} to create, {plan.count('update')} to update, "
            f"{plan.count('unchanged')} unchanged, {len(plan.bad)} with errors"
        )
        if not commit:
            self.stdout.write(f"dry run: {summary}; nothing written (add --commit)")
            return
        try:
            importing.import_apply(
                actor=actor_user,
                kind=kind,
                rows=rows,
                fingerprint=plan.fingerprint(),
                filename=file.name,
            )
        except importing.PlanChanged as error:
            raise CommandError("the data changed during the import; run it again") from error
        self.stdout.write(self.style.SUCCESS(f"imported: {summary} (rows with errors skipped)"))
