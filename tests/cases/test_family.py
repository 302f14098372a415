"""A family of three on one phone (VIS-1) through intake, the desk, the case list, the archive
and the KPIs: three people, three cases, each keeping its own name; nothing merged or lost."""

import datetime as dt

import pytest
from django.utils import timezone

from archive.record import record_data
from archive.services import case_archive
from cases.models import Case, Visitor
from supervision import kpis
from supervision.kpis import KpiScope

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
FAMILY = [("王小明", "student"), ("王建国", "parent"), ("李娟", "parent")]


def _intake(client, category, name, visitor_type, *, visitor="", outcome="on_the_spot"):
    data = {
        "visit_time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "visitor_name": name,
        "phone": "139 1234 5678",
        "visitor": visitor,
        "visitor_type": visitor_type,
        "channel": "in_person",
        "category": category.pk,
        "subject": f"{name}的咨询",
        "question": "课程安排？",
        "outcome": outcome,
        "answer": "已当场解答",
        "confirmation_method": "verbal",
        "rating": 5,
        "confirmation_note": "访客口头确认",
        "deadline_mode": "working_days",
        "working_days": 3,
        "pending_reason": "needs_checking",
    }
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.filter(visitor_name=name).latest("id")


def test_a_family_of_three_on_one_phone(client, front_desk, center_head, auditor, category):
    client.force_login(front_desk)
    cases = [_intake(client, category, name, kind, outcome="self") for name, kind in FAMILY[:2]]
    # The third: the lookup shows the two people on file; the clerk adds the mother.
    panel = client.post(
        "/cases/visitor-lookup/", {"phone": PHONE, "visitor_name": "李娟"}
    ).content.decode()
    assert "王小明" in panel and "王建国" in panel and 'id="new-name-warning"' in panel
    cases.append(_intake(client, category, "李娟", "parent"))
    # The student comes back and is picked from the list: no fourth person.
    again = _intake(
        client, category, "王小明", "student", visitor=str(cases[0].visitor_id), outcome="self"
    )
    assert again.visitor_id == cases[0].visitor_id
    people = Visitor.objects.filter(phone=PHONE)
    assert sorted(people.values_list("name", flat=True)) == sorted(n for n, _k in FAMILY)
    assert [c.visitor_name for c in cases] == [n for n, _k in FAMILY]

    # The desk lists the open ones, each under the name given.
    desk = client.get("/").content.decode()
    assert cases[0].number in desk and cases[1].number in desk and again.number in desk
    assert "王**" in desk

    # The list finds all four cases by the phone, and one person by name.
    location = client.post("/cases/", {"q": PHONE})["Location"]
    listed = {c.number for c in client.get(location).context["page"].object_list}
    assert listed == {c.number for c in [*cases, again]}
    by_name = client.get("/cases/", {"q": "李娟"}).context["page"].object_list
    assert [c.number for c in by_name] == [cases[2].number]

    # Earlier cases per person: the student's two, not the parents'.
    panel = client.post("/cases/visitor-lookup/", {"phone": PHONE}).content.decode()
    student = panel.split(f'data-person="{cases[0].visitor_id}"')[1].split("data-person=")[0]
    student = student.split('id="person-new"')[0]
    assert cases[0].number in student and again.number in student
    assert cases[1].number not in student

    # The mother's case was closed at intake: archive it; its record keeps her name.
    record = case_archive(front_desk, case=cases[2])
    assert record_data(record)["visitor"]["name"] == "李*"
    client.force_login(auditor)
    assert record.number in client.get("/archive/", {"q": "李娟"}).content.decode()

    # KPIs count four cases received by the clerk, one of them answered on the spot.
    today = timezone.localdate()
    report = kpis.kpi_report(
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=1),
        scope=KpiScope(),
        as_of=timezone.now() + dt.timedelta(minutes=1),
    )
    row = next(r for r in report.staff if r.pk == front_desk.pk)
    values = {m.key: m.value(row.totals) for m in kpis.MEASURES}
    assert (values["received"], values["on_the_spot"]) == (4, 1)
