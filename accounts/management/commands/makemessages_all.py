"""Refresh every catalogue: one per app (<app>/locale) and the project's (locale/) for the
shared templates, so that apps own their strings and never edit each other's files.

Only zh_Hans is translated by hand; every zh_Hant catalogue is then regenerated from it with
OpenCC (see ``_zh_hant``: why ``s2twp``, and the desk's overrides). `--hant-only` skips
makemessages and regenerates zh_Hant alone (after editing a zh_Hans msgstr)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ._zh_hant import write_hant

LANGUAGES = ["zh_Hans"]


class Command(BaseCommand):
    help = "Run makemessages for each app and for the project templates."

    def add_arguments(self, parser):
        parser.add_argument("--hant-only", action="store_true")

    def handle(self, *args, hant_only: bool = False, **options):
        base = Path(settings.BASE_DIR)
        apps = [p.parent.name for p in sorted(base.glob("*/apps.py"))]
        if not hant_only:
            self._makemessages(base, apps)
        for hans in [base / "locale", *(base / app / "locale" for app in apps)]:
            for po in sorted(hans.glob("zh_Hans/LC_MESSAGES/*.po")):
                write_hant(po)
        self.stdout.write(
            self.style.SUCCESS(f"catalogues refreshed for {', '.join(apps)} and locale/")
        )

    def _makemessages(self, base: Path, apps: list[str]) -> None:
        cwd = Path.cwd()
        try:
            for app in apps:
                (base / app / "locale").mkdir(exist_ok=True)
                os.chdir(base / app)
                call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)
            os.chdir(base)
            call_command(
                "makemessages",
                locale=LANGUAGES,
                no_obsolete=True,
                verbosity=0,
                ignore_patterns=[f"{app}/*" for app in apps]
                + [".venv/*", "static/*", "var/*", "bench/*", "tests/*"],
            )
        finally:
            os.chdir(cwd)
