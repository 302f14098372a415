"""Issue 17 item 7: the KPI PDF is the period on screen, /favicon.ico, the auditor lands on the
archive, the center head's lists reach the rest, the case list's filters read in Chinese, the
KPI department table is titled 各部门 (not the directory's 部门通讯录)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_kpi_page_links_the_pdf_of_the_period_on_screen(client, center_head):
    client.force_login(center_head)
    body = client.get(
        reverse("supervision:kpi_overview"), {"start": "2026-01-01", "end": "2026-12-31"}
    ).content.decode()
    assert "/supervision/kpis/report.pdf?start=2026-01-01&amp;end=2026-12-31" in body


def test_the_kpi_pdf_prints_the_period_asked_for(client, center_head):
    client.force_login(center_head)
    response = client.get(
        reverse("supervision:kpi_report_pdf"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert "kpi-report-20260101-20261231.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "2026-01-01" in text and "2026-12-31" in text
    assert "月度" not in text  # not "the monthly report of January"


def test_the_kpi_pdf_refuses_a_bad_period(client, center_head):
    client.force_login(center_head)
    response = client.get(reverse("supervision:kpi_report_pdf"), {"start": "2026-12-31"})
    assert response.status_code == 400


def test_the_kpi_pdf_is_in_the_readers_language(client, center_head):
    client.force_login(center_head)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    response = client.get(reverse("supervision:kpi_report_pdf"), {"month": "2026-11"})
    text = _pdf_text(response.content)
    assert "月度考核報告" in text and "月度考核报告" not in text


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")
    body = client.get("/status/").content.decode()
    assert 'rel="icon"' in body


def test_the_auditor_lands_on_the_archive(client, auditor):
    auditor.set_password("pw-for-tests-1")
    auditor.save()
    response = client.post(
        "/accounts/login/", {"username": auditor.username, "password": "pw-for-tests-1"}
    )
    assert response["Location"] == "/archive/"


def test_staff_still_land_on_their_desk(client, front_desk):
    front_desk.set_password("pw-for-tests-1")
    front_desk.save()
    response = client.post(
        "/accounts/login/", {"username": front_desk.username, "password": "pw-for-tests-1"}
    )
    assert response["Location"] == "/"


def test_the_auditor_asked_for_a_page_gets_it(client, auditor):
    auditor.set_password("pw-for-tests-1")
    auditor.save()
    response = client.post(
        "/accounts/login/?next=/cases/",
        {"username": auditor.username, "password": "pw-for-tests-1", "next": "/cases/"},
    )
    assert response["Location"] == "/cases/"


@pytest.fixture
def overdue_cases(make_case, front_desk):
    import time_machine

    from tests.factories import aware

    with time_machine.travel(aware(2026, 11, 2), tick=False):
        made = [make_case(actor=front_desk) for _ in range(22)]
    return made


def test_the_center_heads_desk_links_the_rest_of_the_overdue_cases(
    client, center_head, overdue_cases
):
    client.force_login(center_head)
    body = client.get("/").content.decode()
    more = body[body.index('id="more-center-overdue"') :]
    assert "/cases/?overdue=true&amp;ordering=deadline" in more[: more.index("</p>")]
    assert "共 22 条" in more[: more.index("</p>")]


def test_the_case_lists_filters_read_in_chinese(client, front_desk):
    client.force_login(front_desk)
    body = client.get("/cases/").content.decode()
    assert "(descending)" not in body and "未知" not in body
    assert "登记时间（由晚到早）" in body
    assert '<option value="unknown" selected>全部</option>' in body


def test_overdue_filter_still_filters(client, front_desk, overdue_cases, make_case):
    fresh = make_case(actor=front_desk)
    client.force_login(front_desk)
    body = client.get("/cases/", {"overdue": "true"}).content.decode()
    assert overdue_cases[0].number in body and fresh.number not in body


def test_the_kpi_department_table_is_titled_departments(client, center_head, make_case):
    make_case()
    client.force_login(center_head)
    body = client.get(reverse("supervision:kpi_overview")).content.decode()
    assert '<h2 class="h5">各部门</h2>' in body
    assert "部门通讯录</h2>" not in body


def test_the_navigation_names_the_directory(client, front_desk):
    client.force_login(front_desk)
    assert 'data-nav="directory">部门通讯录</a>' in client.get("/").content.decode()


def test_the_handoff_desk_shows_them_all_on_request(client, center_head):
    client.force_login(center_head)
    assert client.get("/handoffs/", {"shown": "oops"}).status_code == 200
    assert client.get("/handoffs/", {"shown": "100000"}).status_code == 200


def test_a_whole_month_on_screen_prints_the_monthly_report(client, center_head):
    client.force_login(center_head)
    response = client.get(
        reverse("supervision:kpi_report_pdf"), {"start": "2026-11-01", "end": "2026-11-30"}
    )
    assert "月度考核报告 2026-11" in _pdf_text(response.content)
