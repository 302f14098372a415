"""Stored XSS: hostile text in every free-text field comes out escaped in pages, htmx
partials and JSON (the django-helpdesk advisory class: XSS in lists)."""

import json

import pytest
from django.core.cache import cache

from cases.models import Case
from tests.security.payloads import SCRIPT, hostile_world, markup_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(category, department, front_desk, work_calendar):
    return hostile_world(category=category, department=department, owner=front_desk)


def _assert_inert(body: str) -> None:
    assert markup_problems(body) == []


def _pages(case: Case, department_pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/", {}),
        ("get", "/cases/", {}),
        ("get", "/cases/?q=script", {}),
        ("get", "/cases/", {"HTTP_HX_REQUEST": "true"}),
        ("get", case.get_absolute_url(), {}),
        ("get", f"/cases/{case.number}/receipt/", {}),
        ("get", f"/cases/department-card/?department={department_pk}", {}),
        ("get", "/cases/new/", {}),
    ]


@pytest.mark.parametrize("who", ["front_desk", "center_head", "auditor"])
def test_pages_and_partials_keep_payloads_inert(client, hostile, department, request, who):
    client.force_login(request.getfixturevalue(who))
    for case in Case.objects.all():
        for _method, url, headers in _pages(case, department.pk):
            response = client.get(url, **headers)
            assert response.status_code in (200, 403), url  # auditors may not register
            _assert_inert(response.content.decode())


def test_the_payload_is_shown_as_text(client, hostile, front_desk):
    client.force_login(front_desk)
    body = client.get(hostile.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss-script&#x27;)&lt;/script&gt;" in body


def test_visitor_lookup_partial_keeps_payloads_inert(client, hostile, front_desk):
    client.force_login(front_desk)
    body = client.post("/cases/visitor-lookup/", {"phone": "13812341234"}).content.decode()
    assert hostile.number in body
    _assert_inert(body)


def test_revealed_page_keeps_payloads_inert(client, hostile, auditor):
    client.force_login(auditor)
    response = client.post(f"/cases/{hostile.number}/personal-data/", {"reason": SCRIPT})
    assert response.status_code == 200
    _assert_inert(response.content.decode())


def test_public_status_page_keeps_payloads_inert(client, hostile):
    cache.clear()
    response = client.post("/status/", {"number": hostile.number, "query_code": hostile.query_code})
    assert 'id="status-result"' in response.content.decode()
    _assert_inert(response.content.decode())
    _assert_inert(client.get(f"/status/t/{hostile.status_token}/").content.decode())


def test_exported_json_is_inert(client, hostile, center_head):
    client.force_login(center_head)
    response = client.post(f"/cases/{hostile.number}/visitor/export/", {"reason": SCRIPT})
    body = response.content.decode()
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<" not in body and ">" not in body
    assert json.loads(body)["cases"][0]["question"].startswith("<script>")


def test_error_messages_keep_payloads_inert(client, hostile, front_desk):
    client.force_login(front_desk)
    response = client.post(
        f"/cases/{hostile.number}/extend/",
        {"version": "x", "reason": SCRIPT, "deadline_mode": SCRIPT},
        follow=True,
    )
    _assert_inert(response.content.decode())


def test_the_inspector_catches_live_markup():
    assert markup_problems('<a href=" JavaScript:alert(1)">x</a>')
    assert markup_problems('<img src=x onerror="alert(1)">')
    assert markup_problems("<script>alert(1)</script>")
    assert markup_problems('<div style="color:red">x</div>')
    assert not markup_problems("<p>&lt;script&gt;alert(1)&lt;/script&gt; onfocus=alert(1)</p>")


@pytest.mark.parametrize(
    "payload", [SCRIPT, '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
)
def test_reflected_values_stay_inert(client, payload):
    cache.clear()
    assert markup_problems(client.get("/accounts/login/", {"next": payload}).content.decode()) == []
    body = client.post("/status/", {"number": payload[:20], "query_code": payload[:8]})
    assert markup_problems(body.content.decode()) == []
    body = client.post("/accounts/login/", {"username": payload, "password": "x", "next": payload})
    assert markup_problems(body.content.decode()) == []
