"""Retention reaches the signature images of an archived case (PRV-1 with CLO-1)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from cases import retention
from closure.models import ResultRound
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db


def test_erasure_deletes_signature_files_but_keeps_the_frozen_rows(
    make_case, work_calendar, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - dt.timedelta(days=60), tick=False):
        case, _record = archived_case(make_case)
    names = list(ResultRound.objects.filter(case=case).values_list("signature", flat=True))
    assert names and all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        erased = retention.retention_sweep()

    assert erased == 1
    assert not any(default_storage.exists(name) for name in names)
    assert list(ResultRound.objects.filter(case=case).values_list("signature", flat=True)) == names


def test_recent_archives_keep_their_signatures(
    make_case, work_calendar, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETENTION_DAYS = 30
    case, _record = archived_case(make_case)
    names = list(ResultRound.objects.filter(case=case).values_list("signature", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_sweep() == 0
    assert all(default_storage.exists(name) for name in names)
