"""Templates read permission flags from the context (accounts.permissions decides): who sees the
inspections link, the "archive now" card and a measure's follow-up form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.closure.factories import close_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _inspections_link(client, user) -> bool:
    client.force_login(user)
    page = client.get(reverse("supervision:meeting_list")).content.decode()
    return reverse("supervision:inspection_list") in page


def test_supervisors_see_the_inspections_link(client, center_head, auditor):
    assert _inspections_link(client, center_head)
    assert _inspections_link(client, auditor)


def test_a_department_head_does_not_see_the_inspections_link(client, department_head):
    assert not _inspections_link(client, department_head)


@pytest.fixture
def closed_case(make_case, work_calendar):
    case = make_case()
    close_case(case)
    return case


@pytest.mark.parametrize("who", ["front_desk", "center_head"])
def test_the_owner_and_the_center_head_may_archive_now(client, closed_case, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get(closed_case.get_absolute_url()).content.decode()
    assert 'id="archive-now-form"' in page


def test_an_auditor_reads_the_closed_case_without_archiving_it(client, closed_case, auditor):
    client.force_login(auditor)
    response = client.get(closed_case.get_absolute_url())
    assert response.status_code == 200
    assert 'id="archive-now-form"' not in response.content.decode()
