"""Supervision journey (SUP-1, KPI-1, KPI-2): a visitor files a public complaint; the center head
investigates it, finds it verified and records a penalty; the staff member's KPI page then shows
the verified complaint and the penalty, but not who complained."""

import re

import pytest
from django.core.cache import cache

from supervision.models import Complaint, RewardPenalty
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_public_complaint_to_penalty_to_kpi(page, live_server, front_desk, center_head, make_case):
    cache.clear()
    base = live_server.url
    case = make_case()

    visitor = page.context.browser.new_context(locale="zh-CN")
    anonymous = visitor.new_page()
    anonymous.goto(f"{base}/supervision/complaint/")
    assert anonymous.locator("#supervision-hotline").inner_text()
    anonymous.fill("input[name=staff_named]", front_desk.name)
    anonymous.fill("input[name=case_number]", case.number)
    anonymous.fill("textarea[name=description]", "问退费进度时说不归她管，也没告诉我找谁。")
    anonymous.fill("input[name=complainant_name]", "周家长")
    anonymous.fill("input[name=complainant_contact]", "13655554444")
    anonymous.click("#complaint-form button[type=submit]")
    anonymous.wait_for_selector("#complaint-thanks")
    assert "周家长" not in anonymous.content() and "13655554444" not in anonymous.content()
    visitor.close()
    complaint = Complaint.objects.get()
    assert complaint.case == case

    login(page, base, center_head.username)
    page.click("#nav-supervision")
    page.wait_for_url(f"{base}/supervision/")
    page.click("#supervision-nav a[href='/supervision/complaints/']")
    page.click(f"a[href='/supervision/complaints/{complaint.pk}/']")
    page.wait_for_selector("#complainant")
    assert "周家长" in page.locator("#complainant").inner_text()
    page.select_option("#investigate-form select[name=staff_concerned]", str(front_desk.pk))
    page.click("#investigate-form button[type=submit]")
    page.wait_for_selector("#finding-form")
    assert page.locator("#investigator").inner_text() == center_head.name
    page.check("#finding-form input[name=finding][value=verified]")
    page.fill("#finding-form textarea[name=finding_text]", "调取记录核实，推诿情况属实。")
    page.select_option("#finding-form select[name=violation]", "shirking")
    page.select_option("#finding-form select[name=severity]", "serious")
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#complaint-finding")
    page.click("#record-penalty")
    page.wait_for_url(re.compile(r"/supervision/assessments/new/\?complaint=\d+$"))
    assert page.locator("#assessment-form select[name=staff]").input_value() == str(front_desk.pk)
    page.select_option("#assessment-form select[name=kind]", "warning")
    page.fill("#assessment-form textarea[name=reason]", "推诿来访人，违反首问负责制。")
    page.click("#assessment-form button[type=submit]")
    page.wait_for_url(f"{base}/supervision/kpis/staff/{front_desk.pk}/")
    record = RewardPenalty.objects.get()
    assert (record.staff, record.kind) == (front_desk, "warning")
    assert list(record.complaints.all()) == [complaint]
    assert (record.violation, record.severity) == ("shirking", "serious")

    # The center's KPI table: the rows written in Python (kpi_rows) and when they were counted.
    page.click("#supervision-nav a[href='/supervision/kpis/']")
    page.wait_for_selector("#kpi-as-of")
    assert page.locator("#kpi-as-of").inner_text().startswith("数据截至")
    row = page.locator("#kpi-staff tbody tr", has_text=front_desk.name)
    assert row.count() == 1
    row.locator(f"a[href^='/supervision/kpis/staff/{front_desk.pk}/']").click()
    page.wait_for_url(re.compile(rf"/supervision/kpis/staff/{front_desk.pk}/"))
    assert page.locator("#kpi-verified_complaints").inner_text() == "1"

    staff_context = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    staff_page = staff_context.new_page()
    login(staff_page, base, front_desk.username)
    staff_page.click("#nav-supervision")
    staff_page.click("#my-kpis")
    staff_page.wait_for_url(f"{base}/supervision/kpis/staff/{front_desk.pk}/")
    assert staff_page.locator("#kpi-verified_complaints").inner_text() == "1"
    assert staff_page.locator("#kpi-received").inner_text() == "1"
    assert "推诿来访人" in staff_page.locator("#records-table").inner_text()
    staff_page.click(f"#staff-complaints a[href='/supervision/complaints/{complaint.pk}/']")
    staff_page.wait_for_selector("#complaint-finding")
    assert "周家长" not in staff_page.content() and "13655554444" not in staff_page.content()
    assert staff_page.locator("#complainant").count() == 0
    staff_context.close()
