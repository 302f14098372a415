"""Filter and sort keys come from allowlists: anything else falls back to the default and never
reaches the ORM (the django-helpdesk advisory class: user-chosen lookups on related fields)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(make_case):
    first = make_case(subject="甲", phone="13800000001")
    second = make_case(subject="乙", phone="13900000002")
    return first, second


def _listed(client, **params):
    response = client.get("/cases/", params)
    assert response.status_code == 200
    return [case.number for case in response.context["page"].object_list]


@pytest.mark.parametrize(
    "key",
    [
        "visitor__phone",
        "-visitor__phone",
        "visitor__name",
        "owner__password",
        "query_code",
        "status_token",
        "?",
        "created_at'; DROP TABLE cases_case; --",
    ],
)
def test_unknown_sort_keys_fall_back_to_the_default_order(client, front_desk, two_cases, key):
    client.force_login(front_desk)
    default = _listed(client)
    assert _listed(client, ordering=key) == default


def test_allowed_sort_keys_work(client, front_desk, two_cases):
    client.force_login(front_desk)
    ascending = _listed(client, ordering="number")
    assert ascending == sorted(ascending)
    assert _listed(client, ordering="-number") == list(reversed(ascending))


@pytest.mark.parametrize(
    "params",
    [
        {"visitor__phone__startswith": "139"},
        {"visitor__phone": "13900000002"},
        {"query_code": "X"},
        {"owner__username": "nobody"},
        {"status": "no-such-status"},
        {"category": "not-a-number"},
        {"department": "99999999"},
        {"owner": "-1"},
        {"created_from": "2026-13-45"},
        {"overdue": "maybe"},
    ],
)
def test_unknown_or_invalid_filters_are_ignored(client, front_desk, two_cases, params):
    client.force_login(front_desk)
    assert sorted(_listed(client, **params)) == sorted(c.number for c in two_cases)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e9", ""])
def test_odd_page_numbers_do_not_fail(client, front_desk, two_cases, page):
    client.force_login(front_desk)
    assert client.get("/cases/", {"page": page}).status_code == 200


@pytest.mark.parametrize("size", ["100000", "-5", "x", "0"])
def test_page_size_comes_from_the_allowlist(client, front_desk, two_cases, size):
    client.force_login(front_desk)
    assert client.get("/cases/", {"per_page": size}).context["per_page"] == 25
