"""SUP-4: the supervision channel on the receipt and the status page; a complaint's reference
and query code, and its own status lookup that never says who investigates."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from supervision.models import Complaint
from supervision.services import complaints

pytestmark = pytest.mark.django_db

STATUS = "/supervision/complaint/status/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the failure counters of the status lookups


@pytest.fixture
def complaint():
    return complaints.complaint_submit_public(description="推诿不办", complainant_name="王家长")


def lookup(client, reference, code):
    return client.post(STATUS, {"reference": reference, "query_code": code})


def result_section(body: str) -> str:
    """The page without its CSRF token, which differs per response."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_the_complainant_is_shown_the_reference_and_code_once(client):
    response = client.post(
        reverse("supervision:complaint_public"), {"description": "态度恶劣"}, follow=True
    )
    made = Complaint.objects.get()
    body = response.content.decode()
    assert len(made.query_code) == 8
    assert made.reference in body and made.query_code in body
    again = client.get(reverse("supervision:complaint_thanks")).content.decode()
    assert made.query_code not in again and 'id="complaint-status-link"' in again


def test_a_logged_complaint_gets_a_code_too(center_head):
    from django.utils import timezone

    logged = complaints.complaint_log(
        center_head, source="hotline", received_at=timezone.now(), description="电话投诉"
    )
    assert len(logged.query_code) == 8


def test_reference_and_code_show_the_progress(client, complaint):
    response = lookup(client, complaint.reference, complaint.query_code.lower())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="complaint-status-result"' in body and complaint.reference in body
    assert "no-store" in response["Cache-Control"]


def test_the_page_never_says_who_investigates(client, complaint, center_head):
    complaints.complaint_investigate(center_head, complaint=complaint)
    complaints.complaint_record_finding(
        center_head, complaint=complaint, finding="unfounded", finding_text="经核实不属实"
    )
    body = lookup(client, complaint.reference, complaint.query_code).content.decode()
    assert 'id="complaint-status-finding"' in body
    for secret in (center_head.display_name, center_head.username, "经核实不属实", "王家长"):
        assert secret not in body


def test_a_wrong_code_answers_as_an_unknown_reference(client, complaint):
    wrong = lookup(client, complaint.reference, "AAAAAAAA")
    unknown = lookup(client, "JD-2026-99999", "AAAAAAAA")
    assert wrong.status_code == unknown.status_code == 200
    assert 'id="complaint-status-not-found"' in wrong.content.decode()
    wrong_body = result_section(wrong.content.decode()).replace(complaint.reference, "")
    unknown_body = result_section(unknown.content.decode()).replace("JD-2026-99999", "")
    assert wrong_body == unknown_body


def test_the_year_must_match(client, complaint):
    year = int(complaint.reference[3:7])
    other = complaint.reference.replace(str(year), str(year - 1))
    body = lookup(client, other, complaint.query_code).content.decode()
    assert 'id="complaint-status-not-found"' in body


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("JD-2026-999999999", "ABCDEFGH"),
        ("JD-0000-0", "ABCDEFGH"),
        ("x" * 20, "ABCDEFGH"),
        ("JD-2026-0001", "代码代码"),
        ("JD-2026-0001", "\x00"),
        ("", ""),
        ("JD-2026-0001" + "9" * 40, "A" * 40),
    ],
)
def test_bad_input_is_no_error(client, complaint, reference, code):
    response = lookup(client, reference, code)
    assert response.status_code == 200
    assert 'id="complaint-status-result"' not in response.content.decode()


def test_guessing_is_throttled(client, complaint, settings):
    settings.STATUS_MAX_FAILURES = 2
    for _ in range(2):
        lookup(client, complaint.reference, "AAAAAAAA")
    response = lookup(client, complaint.reference, complaint.query_code)
    assert response.status_code == 429
    assert 'id="complaint-status-throttled"' in response.content.decode()


def test_the_receipt_shows_the_supervision_channel(client, make_case, front_desk, settings):
    settings.SUPERVISION_HOTLINE = "010-11112222"
    settings.SUPERVISION_MAILBOX = "jd@center.example"
    settings.SUPERVISION_COMPLAINT_URL = "https://center.example/jiandu"
    case = make_case()
    client.force_login(front_desk)
    body = client.get(f"/cases/{case.number}/receipt/").content.decode()
    channel = body[body.index('id="receipt-supervision"') :]
    for shown in ("010-11112222", "jd@center.example", "https://center.example/jiandu"):
        assert shown in channel


def test_the_status_page_shows_this_sites_complaint_page_by_default(client, settings):
    settings.SITE_URL = "https://firstask.center.example"
    body = client.get("/status/").content.decode()
    assert "https://firstask.center.example/supervision/complaint/" in body
    assert 'id="status-complaint-follow"' in body and f'href="{STATUS}"' in body


def test_supervisors_see_the_code_to_tell_a_complainant(client, complaint, center_head):
    client.force_login(center_head)
    body = client.get(f"/supervision/complaints/{complaint.pk}/").content.decode()
    assert 'id="complaint-query-code"' in body and complaint.query_code in body
