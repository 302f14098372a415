import pytest
from django.urls import reverse

from cases.models import Case
from handoffs import services
from handoffs.models import Answer, Assignment, CoordinationMeeting, HandoffForm, Referral
from tests.handoffs.factories import DOCX_MARKER, PDF_BYTES, office_bytes, upload
from tests.handoffs.helpers import fresh

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("cases:detail", args=[case.number])


# --- pages render -----------------------------------------------------------------------------


def test_case_page_shows_referral_card_and_slip_link(client, front_desk, referral, department):
    client.force_login(front_desk)
    body = client.get(case_url(referral.case)).content.decode()

    assert f'id="referral-{referral.pk}"' in body
    assert department.location in body
    assert reverse("handoffs:slip", args=[department.pk]) in body


def test_department_member_sees_accept_and_return_forms(client, dept_member, referral):
    client.force_login(dept_member)
    body = client.get(case_url(referral.case)).content.decode()

    assert "accept-referral-form" in body
    assert "return-referral-form" in body
    assert "review-form" not in body


def test_owner_of_an_open_case_sees_refer_and_handoff_actions(client, front_desk, make_case):
    case = make_case()
    client.force_login(front_desk)
    body = client.get(case_url(case)).content.decode()

    assert 'id="refer-form"' in body
    assert 'id="handoff-new-link"' in body


def test_center_head_sees_owner_actions_for_an_absent_owner(client, make_case, center_head):
    case = make_case()
    client.force_login(center_head)
    assert 'id="refer-form"' in client.get(case_url(case)).content.decode()


def test_case_page_with_a_running_handoff(client, front_desk, lead, assisting, dept_member):
    services.assignment_answer(dept_member, assignment=lead, text="教务答复")
    client.force_login(front_desk)
    body = client.get(case_url(lead.handoff.case)).content.decode()

    assert f'id="handoff-{lead.handoff.number}"' in body
    assert "review-form" in body
    assert "dispute-form" in body
    assert 'id="open-work"' in body


def test_directory_searches_departments(client, front_desk, department, third_department):
    client.force_login(front_desk)
    body = client.get(reverse("handoffs:directory"), {"q": "后勤"}).content.decode()

    assert 'id="department-HQ"' in body
    assert 'id="department-JW"' not in body


def test_directory_htmx_returns_only_the_results(client, front_desk, department):
    client.force_login(front_desk)
    response = client.get(reverse("handoffs:directory"), {"q": ""}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')


def test_slip_shows_department_and_case(client, front_desk, referral, department):
    client.force_login(front_desk)
    url = reverse("handoffs:slip", args=[department.pk]) + f"?case={referral.case.number}"
    body = client.get(url).content.decode()

    assert department.name in body and referral.case.number in body
    assert referral.case.visitor.phone not in body


def test_slip_for_an_invisible_case_is_404(client, colleague, referral, department):
    client.force_login(colleague)
    url = reverse("handoffs:slip", args=[department.pk]) + f"?case={referral.case.number}"
    assert client.get(url).status_code == 404


def test_inbox_lists_the_department_referral(client, dept_member, referral):
    client.force_login(dept_member)
    body = client.get(reverse("handoffs:inbox")).content.decode()

    assert f'id="inbox-referral-{referral.pk}"' in body
    assert "give-form" not in body and 'name="member"' not in body


def test_head_can_give_from_the_inbox(client, department_head, dept_member, referral):
    client.force_login(department_head)
    body = client.get(reverse("handoffs:inbox")).content.decode()
    assert 'name="member"' in body

    response = client.post(
        reverse("handoffs:referral_give", args=[referral.pk]),
        {"member": dept_member.pk, "next": reverse("handoffs:inbox")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("handoffs:inbox")
    assert fresh(referral).assignee == dept_member


def test_desk_is_for_the_center_head_only(client, front_desk, department_head, center_head):
    client.force_login(front_desk)
    assert client.get(reverse("handoffs:desk")).status_code == 403
    client.force_login(department_head)
    assert client.get(reverse("handoffs:desk")).status_code == 403
    client.force_login(center_head)
    assert client.get(reverse("handoffs:desk")).status_code == 200


def test_desk_lists_waiting_forms_disputes_and_overdue_first(
    client, center_head, handoff, make_case, front_desk, department, third_department
):
    client.force_login(center_head)
    body = client.get(reverse("handoffs:desk")).content.decode()

    assert f'id="waiting-{handoff.number}"' in body
    assert 'data-count="waiting_meeting">1<' in body


def test_desk_htmx_refresh_returns_the_board(client, center_head, handoff):
    client.force_login(center_head)
    response = client.get(reverse("handoffs:desk"), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="board"')


def test_home_desk_shows_inbox_and_waiting_blocks(
    client, dept_member, center_head, referral, handoff
):
    client.force_login(dept_member)
    assert 'id="desk-inbox"' in client.get("/").content.decode()
    client.force_login(center_head)
    assert 'id="desk-waiting-meeting"' in client.get("/").content.decode()


def test_nav_shows_inbox_and_center_desk_by_role(client, dept_member, center_head):
    client.force_login(dept_member)
    body = client.get("/").content.decode()
    assert 'data-nav="inbox"' in body and 'data-nav="center-desk"' not in body
    client.force_login(center_head)
    assert 'data-nav="center-desk"' in client.get("/").content.decode()


def test_printable_form_mirrors_the_paper(client, front_desk, meeting):
    client.force_login(front_desk)
    body = client.get(
        reverse("handoffs:handoff_print", args=[meeting.handoff.number])
    ).content.decode()

    assert meeting.handoff.number in body
    assert "paper-assignments" in body
    assert meeting.place in body


def test_printable_form_masks_the_visitor_for_an_uninvolved_head(client, meeting, make_case):
    from tests.factories import UserFactory

    auditor_like = UserFactory.create(username="zhuren2", department=None, roles=["auditor"])
    client.force_login(auditor_like)
    body = client.get(
        reverse("handoffs:handoff_print", args=[meeting.handoff.number])
    ).content.decode()
    assert "张三" not in body


# --- actions --------------------------------------------------------------------------------


def test_refer_from_the_case_page(client, front_desk, make_case, department):
    case = make_case()
    client.force_login(front_desk)
    page = client.get(case_url(case))
    token = page.context["actions"].refer_form.initial["token"]

    data = {"department": department.pk, "note": "请教务处处理", "token": token}
    first = client.post(reverse("handoffs:refer", args=[case.number]), data)
    second = client.post(reverse("handoffs:refer", args=[case.number]), data)

    assert first.status_code == second.status_code == 302
    assert Referral.objects.count() == 1
    assert fresh(case).status == Case.Status.REFERRED


def test_accept_by_an_outsider_who_cannot_see_the_case_is_404(client, outsider, referral):
    client.force_login(outsider)
    response = client.post(reverse("handoffs:referral_accept", args=[referral.pk]))
    assert response.status_code == 404


def test_accept_by_the_owner_who_sees_the_case_is_403(client, front_desk, referral):
    client.force_login(front_desk)
    response = client.post(reverse("handoffs:referral_accept", args=[referral.pk]))
    assert response.status_code == 403
    assert fresh(referral).status == Referral.Status.SENT


def test_actions_are_post_only(client, dept_member, referral):
    client.force_login(dept_member)
    assert client.get(reverse("handoffs:referral_accept", args=[referral.pk])).status_code == 405


def test_return_without_reason_shows_an_error_and_changes_nothing(client, dept_member, referral):
    client.force_login(dept_member)
    response = client.post(
        reverse("handoffs:referral_return", args=[referral.pk]), {"reason": ""}, follow=True
    )
    assert fresh(referral).status == Referral.Status.SENT
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_answer_upload_and_authorised_download(client, dept_member, front_desk, outsider, referral):
    services.referral_accept(dept_member, referral=referral)
    client.force_login(dept_member)
    client.post(
        reverse("handoffs:referral_answer", args=[referral.pk]),
        {
            "text": "见附件",
            "token": "7d3c1c4e-0000-4000-8000-000000000001",
            "attachment": upload("方案.docx", office_bytes(DOCX_MARKER), "text/html"),
        },
    )
    answer = Answer.objects.get()
    assert answer.attachment_type.endswith("wordprocessingml.document")

    client.force_login(front_desk)
    response = client.get(reverse("handoffs:attachment", args=[answer.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == answer.attachment_type
    client.force_login(outsider)
    assert client.get(reverse("handoffs:attachment", args=[answer.pk])).status_code == 404


def test_answer_with_a_disguised_file_is_refused(client, dept_member, referral):
    services.referral_accept(dept_member, referral=referral)
    client.force_login(dept_member)
    client.post(
        reverse("handoffs:referral_answer", args=[referral.pk]),
        {
            "text": "x",
            "token": "7d3c1c4e-0000-4000-8000-000000000002",
            "attachment": upload("x.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
        },
    )
    assert Answer.objects.count() == 0


def test_too_big_attachment_is_refused(client, settings, dept_member, referral):
    settings.HANDOFF_ATTACHMENT_MAX_BYTES = 1024
    services.referral_accept(dept_member, referral=referral)
    client.force_login(dept_member)
    client.post(
        reverse("handoffs:referral_answer", args=[referral.pk]),
        {
            "text": "x",
            "token": "7d3c1c4e-0000-4000-8000-000000000003",
            "attachment": upload("big.pdf", PDF_BYTES + b"0" * 2048),
        },
    )
    assert Answer.objects.count() == 0


def test_handoff_form_page_submits_once(
    client, front_desk, handoff_case, department, third_department
):
    client.force_login(front_desk)
    url = reverse("handoffs:handoff_new", args=[handoff_case.number])
    token = client.get(url).context["form"].initial["token"]
    data = {
        "summary": "需要多部门",
        "departments": [department.pk, third_department.pk],
        "urgency": "urgent",
        "done_so_far": "",
        "token": token,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code in (200, 302)
    assert HandoffForm.objects.count() == 1


def test_handoff_form_with_one_department_is_an_error(client, front_desk, handoff_case, department):
    client.force_login(front_desk)
    url = reverse("handoffs:handoff_new", args=[handoff_case.number])
    response = client.post(
        url,
        {
            "summary": "x",
            "departments": [department.pk],
            "urgency": "normal",
            "token": "7d3c1c4e-0000-4000-8000-000000000004",
        },
    )
    assert response.status_code == 200
    assert "departments" in response.context["form"].errors
    assert HandoffForm.objects.count() == 0


def test_handoff_form_page_for_a_colleague_is_404_and_for_a_viewer_403(
    client, colleague, handoff_case, other_department
):
    from tests.factories import UserFactory

    url = reverse("handoffs:handoff_new", args=[handoff_case.number])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    head = UserFactory.create(
        username="cwhead", department=other_department, roles=["staff", "department_head"]
    )
    client.force_login(head)
    assert client.get(url).status_code == 403


def meeting_data(handoff, center_head, lead_dept, assisting_dept, token):
    from django.utils import timezone

    deadline = timezone.localtime(handoff.case.deadline).strftime("%Y-%m-%dT%H:%M")
    data = {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "第一会议室",
        "attendees": [center_head.pk],
        "minutes": "讨论",
        "decision": "决定",
        "token": token,
    }
    for dept, role in ((lead_dept, "lead"), (assisting_dept, "assisting")):
        data |= {
            f"d{dept.pk}_role": role,
            f"d{dept.pk}_task": "任务",
            f"d{dept.pk}_deadline": deadline,
        }
    return data


def test_meeting_in_place_on_the_desk(client, center_head, handoff, department, third_department):
    client.force_login(center_head)
    url = reverse("handoffs:meeting", args=[handoff.number])
    form_html = client.get(url, headers={"HX-Request": "true"})
    assert form_html.content.decode().startswith("<form")
    data = meeting_data(
        handoff, center_head, department, third_department, "7d3c1c4e-0000-4000-8000-000000000005"
    )

    response = client.post(url, data, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Trigger"] == "desk-changed"
    assert Assignment.objects.filter(handoff=handoff).count() == 2


def test_meeting_with_two_leads_shows_the_error_in_place(
    client, center_head, handoff, department, third_department
):
    client.force_login(center_head)
    url = reverse("handoffs:meeting", args=[handoff.number])
    data = meeting_data(
        handoff, center_head, department, third_department, "7d3c1c4e-0000-4000-8000-000000000006"
    )
    data[f"d{third_department.pk}_role"] = "lead"

    response = client.post(url, data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "meeting-errors" in response.content.decode()
    assert CoordinationMeeting.objects.count() == 0


def test_meeting_page_for_the_owner_is_403(client, front_desk, handoff):
    client.force_login(front_desk)
    assert client.get(reverse("handoffs:meeting", args=[handoff.number])).status_code == 403


def test_ruling_in_place(client, center_head, front_desk, assisting, third_member):
    answer = services.assignment_answer(third_member, assignment=assisting, text="b")
    services.assignment_review(front_desk, answer=answer, accept=False, comment="不全")
    dispute = services.dispute_raise(
        front_desk, handoff=assisting.handoff, assignment=assisting, positions="分歧"
    )
    client.force_login(center_head)
    url = reverse("handoffs:dispute_rule", args=[dispute.pk])
    response = client.post(
        url, {"ruling": "答复成立", "on_answer": "uphold"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 204
    assert fresh(assisting).status == Assignment.Status.ACCEPTED


def test_deadline_in_place_refuses_a_late_deadline(client, center_head, lead):
    import datetime as dt

    from django.utils import timezone

    client.force_login(center_head)
    late = timezone.localtime(lead.handoff.case.deadline + dt.timedelta(days=2))
    response = client.post(
        reverse("handoffs:assignment_deadline", args=[lead.pk]),
        {"deadline": late.strftime("%Y-%m-%dT%H:%M"), "reason": "r"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert fresh(lead).deadline_version == 1


def test_review_of_an_answer_from_another_assignment_is_refused(
    client, front_desk, lead, assisting, dept_member, third_member
):
    services.assignment_answer(dept_member, assignment=lead, text="a")
    other = services.assignment_answer(third_member, assignment=assisting, text="b")
    client.force_login(front_desk)
    response = client.post(
        reverse("handoffs:assignment_review", args=[lead.pk]),
        {"answer": other.pk, "decision": "accept"},
    )
    assert response.status_code == 403
    assert fresh(other).verdict == Answer.Verdict.PENDING


@pytest.mark.parametrize("which", ["referral", "lead"])
def test_case_page_reads_the_handoff_work_once_and_names_the_blocker(
    client, front_desk, request, which
):
    """The page's sections and its action bar share one read of the case's referrals and
    handoff forms; the action bar's blocker comes from that read, with the service's wording."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from handoffs import selectors

    work = request.getfixturevalue(which)
    case = work.case if which == "referral" else work.handoff.case
    client.force_login(front_desk)
    client.get(f"/cases/{case.number}/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    # A handoff form brings its meeting, assignments, answers and disputes: one query each.
    assert len(captured) <= (12 if which == "referral" else 17)
    expected = selectors.open_work_blocking_result(case)
    assert expected and expected in response.content.decode()
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured if " FROM " in q["sql"]]
    assert tables.count('"handoffs_referral"') <= 1
    assert tables.count('"handoffs_handoffform"') <= 1


def _tables_read(client, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/cases/{case.number}/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/cases/{case.number}/").content.decode()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    return body, "handoffs_referral" in sql, "handoffs_handoffform" in sql


def test_case_page_reads_only_the_work_its_flags_say_exists(
    client, front_desk, make_case, referral, handoff
):
    client.force_login(front_desk)
    plain = make_case(phone="13900009921")
    assert _tables_read(client, plain)[1:] == (False, False)

    body, referrals, forms = _tables_read(client, referral.case)
    assert (referrals, forms) == (True, False)
    assert f'id="referral-{referral.pk}"' in body

    body, referrals, forms = _tables_read(client, handoff.case)
    assert (referrals, forms) == (False, True)
    assert f"handoff-{handoff.number}" in body


def test_dispute_form_takes_its_choices_from_the_assignments_the_page_has(lead, assisting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from handoffs.forms import DisputeForm
    from handoffs.selectors import handoffs_of_case

    (handoff,) = handoffs_of_case(case=lead.handoff.case)
    with CaptureQueriesContext(connection) as queries:
        kept = str(DisputeForm(handoff=handoff)["assignment"])
    assert len(queries) == 0
    queried = str(DisputeForm(handoff=HandoffForm.objects.get(pk=handoff.pk))["assignment"])
    for assignment in (lead, assisting):
        option = f'<option value="{assignment.pk}">{assignment.department.name}</option>'
        assert option in kept and option in queried


def test_give_to_member_menu_uses_the_members_read_once(department, dept_member):
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from handoffs.forms import GiveToMemberForm
    from handoffs.selectors import department_members

    members = department_members(department=department)
    form = GiveToMemberForm(department=department, members=members)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("handoffs/_give_form.html", {"form": form, "prefix": 1})
    assert len(queries) == 0
    assert f'<option value="{dept_member.pk}">{dept_member.display_name}</option>' in html
    unkept = GiveToMemberForm(department=department)
    assert render_to_string("handoffs/_give_form.html", {"form": unkept, "prefix": 1}) == html
    form = GiveToMemberForm({"member": dept_member.pk}, department=department, members=members)
    assert form.is_valid() and form.cleaned_data["member"] == dept_member


def test_case_page_reads_disputes_only_once_the_case_has_one(
    client, front_desk, returned, third_head
):
    case = returned.handoff.case
    client.force_login(front_desk)
    body = _sql_of_page(client, case)
    assert "handoffs_dispute" not in body
    dispute = services.dispute_raise(third_head, handoff=returned.handoff, positions="我部已完成")
    page = client.get(case_url(case)).content.decode()
    assert "我部已完成" in page and "handoffs_dispute" in _sql_of_page(client, case)
    assert dispute.pk


def _sql_of_page(client, case) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(case_url(case))
    return " ".join(query["sql"] for query in queries.captured_queries)
