"""Compile every .po catalogue to .mo in pure Python (polib), so `make run` needs no gettext.

With --check it compiles nothing and fails when a .mo is out of date or a Chinese entry is
missing or fuzzy: the Simplified Chinese UI must be complete. The Traditional Chinese catalogues
are generated from it (makemessages_all); --check fails when one lacks an entry or holds a
translation that the generator would no longer write (a zh_Hans msgstr changed since).
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ._zh_hant import sync_problems

LOCALE_ROOTS_GLOB = ("locale", "*/locale")


def catalogues() -> list[Path]:
    base = Path(settings.BASE_DIR)
    found: list[Path] = []
    for pattern in LOCALE_ROOTS_GLOB:
        for root in sorted(base.glob(pattern)):
            if ".venv" in root.parts:
                continue
            found.extend(sorted(root.glob("*/LC_MESSAGES/*.po")))
    return found


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo without GNU gettext; --check verifies instead."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        problems: list[str] = []
        for po_path in catalogues():
            catalogue = polib.pofile(str(po_path))
            if "zh_Hans" in po_path.parts:
                missing = [e.msgid for e in catalogue.untranslated_entries()]
                fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
                problems += [f"{po_path}: untranslated: {m[:60]!r}" for m in missing]
                problems += [f"{po_path}: fuzzy: {m[:60]!r}" for m in fuzzy]
                if check:
                    problems += sync_problems(po_path)
            mo_path = po_path.with_suffix(".mo")
            if check:
                compiled = Path(str(mo_path) + ".check")
                catalogue.save_as_mofile(str(compiled))
                same = mo_path.exists() and mo_path.read_bytes() == compiled.read_bytes()
                compiled.unlink()
                if not same:
                    problems.append(f"{mo_path} is out of date: run `make messages`")
            else:
                catalogue.save_as_mofile(str(mo_path))
                self.stdout.write(f"compiled {mo_path.relative_to(settings.BASE_DIR)}")
        if problems:
            raise CommandError("\n".join(problems))
