"""The intake's visitor lookup (INT-2) is for those who register visits, counted per user and
written to the personal-data access log."""

import pytest
from django.core.cache import cache

from audit.models import PersonalDataAccess
from cases import throttle

pytestmark = pytest.mark.django_db

URL = "/cases/visitor-lookup/"


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def test_an_auditor_cannot_look_up_a_phone(client, auditor, make_case):
    make_case(phone="13912345678")
    client.force_login(auditor)
    assert client.post(URL, {"phone": "13912345678"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_lookup_that_finds_a_visitor_is_logged(client, front_desk, make_case):
    case = make_case(phone="13912345678")
    client.force_login(front_desk)
    assert 'id="returning-visitor"' in client.post(URL, {"phone": "13912345678"}).content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.visitor_id) == (front_desk, case.visitor_id)
    assert "lookup" in access.reason


def test_a_lookup_that_finds_nobody_is_logged_too(client, front_desk):
    client.force_login(front_desk)
    assert client.post(URL, {"phone": "13900000000"}).status_code == 200
    access = PersonalDataAccess.objects.get()
    assert access.visitor_id == 0 and "no visitor" in access.reason


def test_an_incomplete_number_is_neither_counted_nor_logged(client, front_desk):
    client.force_login(front_desk)
    for _ in range(throttle.LOOKUP_MAX + 5):
        assert client.post(URL, {"phone": "139"}).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_lookups_are_throttled_per_user(client, front_desk, colleague, settings):
    settings.SUPERVISION_HOTLINE = "010-88886666"
    client.force_login(front_desk)
    for i in range(throttle.LOOKUP_MAX):
        assert client.post(URL, {"phone": f"139000{i:05d}"}).status_code == 200
    refused = client.post(URL, {"phone": "13911111111"})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'id="lookup-throttled"' in body and "010-88886666" in body
    assert int(refused["Retry-After"]) > 0
    assert PersonalDataAccess.objects.count() == throttle.LOOKUP_MAX
    client.force_login(colleague)
    assert client.post(URL, {"phone": "13911111111"}).status_code == 200
