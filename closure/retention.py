"""Retention step of the closure app: the signature images of an archived case go with the
visitor's other personal data (PRV-1). The ResultRound row is frozen by the archive trigger, so
it keeps the file name and its SHA-256 as evidence that a signature existed; only the image
file is deleted, after the erasing transaction commits."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from cases.models import Case


def erase_signature_images(case: Case) -> None:
    names = [
        name
        for name in case.result_rounds.exclude(signature="").values_list("signature", flat=True)
        if name
    ]

    def delete_files() -> None:
        for name in names:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
