"""Refresh every catalogue: one per app (<app>/locale) and the project's (locale/) for the
shared templates, so that apps own their strings and never edit each other's files."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

LANGUAGES = ["zh_Hans"]


class Command(BaseCommand):
    help = "Run makemessages for each app and for the project templates."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        apps = [p.parent.name for p in sorted(base.glob("*/apps.py"))]
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
        self.stdout.write(
            self.style.SUCCESS(f"catalogues refreshed for {', '.join(apps)} and locale/")
        )
