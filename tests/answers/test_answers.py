"""Canned answers: department heads keep their own, the front desk searches and inserts them at
intake (counted), the KPI page shows the most used."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from answers import selectors, services
from answers.models import CannedAnswer
from audit.models import AuditEvent
from cases.errors import NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(department_head, department, category):
    return services.answer_create(
        department_head,
        department=department,
        category=category,
        title="成绩单怎么开？",
        body="在自助打印机上刷校园卡即可打印中英文成绩单。",
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_department_head_creates_an_answer_for_their_department(answer, department):
    assert answer.department == department
    assert AuditEvent.objects.filter(action="answers.create", object_id=str(answer.pk)).exists()


def test_a_department_head_cannot_keep_another_departments_answers(
    department_head, other_department, category
):
    with pytest.raises(NotAllowed):
        services.answer_create(
            department_head, department=other_department, category=category, title="x", body="y"
        )


def test_staff_cannot_create_answers(front_desk, other_department, category):
    with pytest.raises(NotAllowed):
        services.answer_create(
            front_desk, department=other_department, category=category, title="x", body="y"
        )


def test_the_new_page_fixes_a_heads_department(department_head, department, category):
    client = client_for(department_head)
    response = client.post(
        reverse("answers:new"),
        {
            "category": category.pk,
            "title": "补办学生证",
            "body": "到学生处一楼办理。",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert CannedAnswer.objects.get(title="补办学生证").department == department


def test_an_empty_form_is_refused_with_messages(department_head):
    response = client_for(department_head).post(reverse("answers:new"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]


def test_a_head_edits_and_retires_their_answer(answer, department_head, category):
    client = client_for(department_head)
    response = client.post(
        reverse("answers:edit", args=[answer.pk]),
        {"category": category.pk, "title": answer.title, "body": "新的答复"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body == "新的答复" and not answer.is_active
    assert selectors.answers_search(q="成绩单") == []


def test_another_department_cannot_open_the_edit_page(answer, front_desk):
    assert client_for(front_desk).get(reverse("answers:edit", args=[answer.pk])).status_code == 404


def test_the_center_head_edits_any_answer(answer, center_head):
    assert client_for(center_head).get(reverse("answers:edit", args=[answer.pk])).status_code == 200


def test_search_finds_by_words_and_category(answer, front_desk, category):
    client = client_for(front_desk)
    found = client.get(reverse("answers:search"), {"canned_q": "成绩", "category": category.pk})
    assert "成绩单怎么开？" in found.content.decode()
    missing = client.get(reverse("answers:search"), {"canned_q": "宿舍"})
    assert "成绩单怎么开？" not in missing.content.decode()


def test_a_bad_category_is_ignored_not_an_error(answer, front_desk):
    response = client_for(front_desk).get(reverse("answers:search"), {"category": "x' or 1=1"})
    assert response.status_code == 200


def test_inserting_counts_a_use_and_hands_over_the_text(answer, front_desk):
    response = client_for(front_desk).post(reverse("answers:use", args=[answer.pk]))
    assert response.status_code == 204
    event = json.loads(response["HX-Trigger"])["canned-answer-insert"]
    assert event["text"] == answer.body
    answer.refresh_from_db()
    assert answer.usage_count == 1 and answer.last_used_at is not None


def test_an_auditor_does_not_count_uses(answer, auditor):
    assert client_for(auditor).post(reverse("answers:use", args=[answer.pk])).status_code == 403
    answer.refresh_from_db()
    assert answer.usage_count == 0


def test_the_intake_form_has_the_search_box(front_desk):
    page = client_for(front_desk).get(reverse("cases:new")).content.decode()
    assert 'id="canned-q"' in page


def test_the_kpi_page_lists_the_most_used(answer, front_desk, center_head):
    services.answer_use(front_desk, answer=answer)
    page = client_for(center_head).get(reverse("supervision:kpi_overview")).content.decode()
    assert 'id="kpi-canned-answers"' in page
    assert "成绩单怎么开？" in page


def test_the_demo_seeds_answers_through_the_service(center_head, front_desk, department, category):
    import io
    import random

    from answers import demo

    demo.seed(rng=random.Random(1), stdout=io.StringIO())
    titles = set(CannedAnswer.objects.values_list("title", flat=True))
    assert titles == {"怎么打印成绩单？", "补考什么时候报名？"}  # the JX answers of 教务处
    assert AuditEvent.objects.filter(action="answers.create").count() == 2
