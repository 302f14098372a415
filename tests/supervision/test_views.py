"""Every supervision URL against every role (permission matrix), and the page behaviour."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from supervision.models import Complaint

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "front_desk", "department_head", "center_head", "auditor")
ALL = {"front_desk": 200, "department_head": 200, "center_head": 200, "auditor": 200}
SUPERVISORS = {"front_desk": 403, "department_head": 403, "center_head": 200, "auditor": 200}
HEAD_ONLY = {"front_desk": 403, "department_head": 403, "center_head": 200, "auditor": 403}
AUDITOR_ONLY = {"front_desk": 403, "department_head": 403, "center_head": 403, "auditor": 200}
HIDDEN = {"front_desk": 404, "department_head": 404, "center_head": 200, "auditor": 200}
# front_desk's own page: the department head of another department does not see it.
OWN = {"front_desk": 200, "department_head": 404, "center_head": 200, "auditor": 200}

MATRIX = [
    ("supervision:hub", None, ALL),
    ("supervision:complaint_list", None, ALL),
    ("supervision:complaint_new", None, SUPERVISORS),
    ("supervision:complaint_detail", "complaint", HIDDEN),
    ("supervision:inspection_list", None, SUPERVISORS),
    ("supervision:inspection_new", None, AUDITOR_ONLY),
    ("supervision:inspection_detail", "inspection", HIDDEN),
    ("supervision:inspection_report", "inspection", HIDDEN),
    ("supervision:meeting_list", None, ALL),
    ("supervision:meeting_new", None, SUPERVISORS),
    ("supervision:meeting_detail", "meeting", {**HIDDEN, "department_head": 200}),
    ("supervision:training_list", None, ALL),
    ("supervision:training_new", None, HEAD_ONLY),
    ("supervision:training_detail", "session", ALL),
    ("supervision:training_record", "front_desk", OWN),
    ("supervision:teaching_case_new", None, HEAD_ONLY),
    ("supervision:teaching_case_detail", "teaching_case", ALL),
    ("supervision:kpi_overview", None, ALL),
    ("supervision:kpi_export_csv", None, ALL),
    ("supervision:kpi_export_xlsx", None, ALL),
    ("supervision:kpi_staff", "front_desk", OWN),
    ("supervision:assessment_list", None, ALL),
    ("supervision:assessment_new", None, HEAD_ONLY),
]


FIXTURE_OF = {"complaint": "public_complaint"}


@pytest.fixture
def objects(request):
    """Only the object a test needs is made (fixtures are costly with the audit chain)."""

    class Lazy(dict):
        def __missing__(self, key):
            return request.getfixturevalue(FIXTURE_OF.get(key, key))

    return Lazy()


@pytest.fixture
def users(front_desk, department_head, center_head, auditor):
    return {
        "front_desk": front_desk,
        "department_head": department_head,
        "center_head": center_head,
        "auditor": auditor,
    }


@pytest.mark.parametrize(("name", "arg", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(client, objects, users, name, arg, expected):
    url = reverse(name, args=[objects[arg].pk] if arg else [])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, (role, url)


def test_monthly_pdf_matrix(client, users):
    url = reverse("supervision:kpi_report_pdf")
    for role, status in HEAD_ONLY.items():
        client.force_login(users[role])
        response = client.get(url, {"month": "2026-11"})
        assert response.status_code == (200 if role == "auditor" else status), role
    assert response.content.startswith(b"%PDF")


POST_URLS = [
    ("supervision:complaint_investigate", "complaint"),
    ("supervision:complaint_finding", "complaint"),
    ("supervision:inspection_complete", "inspection"),
    ("supervision:measure_add", "meeting"),
    ("supervision:training_attendance", "session"),
]


@pytest.mark.parametrize(("name", "arg"), POST_URLS)
def test_actions_are_post_only(client, objects, center_head, name, arg):
    client.force_login(center_head)
    assert client.get(reverse(name, args=[objects[arg].pk])).status_code == 405


def test_anonymous_posts_go_to_login(client, objects):
    url = reverse("supervision:complaint_finding", args=[objects["complaint"].pk])
    response = client.post(url, {"finding": "verified", "finding_text": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_cannot_investigate_by_post(client, public_complaint, front_desk):
    client.force_login(front_desk)
    url = reverse("supervision:complaint_investigate", args=[public_complaint.pk])
    assert client.post(url, {}).status_code == 404
    public_complaint.refresh_from_db()
    assert public_complaint.investigator is None


def test_department_head_cannot_add_a_measure(client, meeting, department_head):
    client.force_login(department_head)
    url = reverse("supervision:measure_add", args=[meeting.pk])
    client.post(url, {"description": "x", "owner": department_head.pk, "due_on": "2026-12-31"})
    assert meeting.measures.count() == 1


def test_staff_cannot_score(client, inspection, department_head):
    client.force_login(department_head)
    item = inspection.items.first()
    url = reverse("supervision:inspection_score", args=[inspection.pk, item.pk])
    assert client.post(url, {}).status_code == 404


def test_staff_cannot_change_attendance_by_post(client, session, colleague):
    client.force_login(colleague)
    url = reverse("supervision:training_attendance", args=[session.pk])
    client.post(url, {"attendees": [colleague.pk]})
    assert list(session.attendees.all()) != [colleague]


# --- public complaint page ---


def test_public_page_shows_hotline_and_mailbox(client, settings):
    settings.SUPERVISION_HOTLINE = "010-12345678"
    settings.SUPERVISION_MAILBOX = "jd@example.org"
    body = client.get(reverse("supervision:complaint_public")).content.decode()
    assert "010-12345678" in body and "jd@example.org" in body


def test_public_complaint_is_saved_and_nothing_is_echoed(client, make_case):
    cache.clear()
    case = make_case()
    data = {
        "staff_named": "李娜",
        "case_number": case.number,
        "description": "推诿不办",
        "complainant_name": "王家长",
        "complainant_contact": "13955556666",
    }
    response = client.post(reverse("supervision:complaint_public"), data, follow=True)
    body = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.case == case and complaint.complainant_name == "王家长"
    assert response.redirect_chain[-1][0] == reverse("supervision:complaint_thanks")
    for typed in ("王家长", "13955556666", case.number, "推诿不办", "李娜"):
        assert typed not in body
    assert "no-store" in response["Cache-Control"]


def test_public_form_with_an_error_does_not_echo_personal_data(client):
    cache.clear()
    data = {"description": "", "complainant_name": "王家长", "complainant_contact": "13955556666"}
    body = client.post(reverse("supervision:complaint_public"), data).content.decode()
    assert "王家长" not in body and "13955556666" not in body
    assert Complaint.objects.count() == 0


def test_public_form_is_throttled(client, settings):
    cache.clear()
    settings.SUPERVISION_COMPLAINT_MAX_PER_IP = 2
    url = reverse("supervision:complaint_public")
    for _ in range(2):
        client.post(url, {"description": "投诉"})
    response = client.post(url, {"description": "投诉"})
    assert response.status_code == 429
    assert Complaint.objects.count() == 2
    body = response.content.decode()
    assert settings.SUPERVISION_HOTLINE in body and 'id="complaint-throttled"' in body
    assert 0 < int(response["Retry-After"]) <= settings.SUPERVISION_COMPLAINT_WINDOW_SECONDS


# --- complaint pages: the staff member concerned never sees who complained ---


def test_supervisor_sees_the_complainant(client, concluded_complaint, center_head):
    client.force_login(center_head)
    body = client.get(
        reverse("supervision:complaint_detail", args=[concluded_complaint.pk])
    ).content.decode()
    assert "赵家长" in body and "13911112222" in body


def test_staff_member_concerned_sees_the_finding_not_the_complainant(
    client, concluded_complaint, front_desk
):
    client.force_login(front_desk)
    body = client.get(
        reverse("supervision:complaint_detail", args=[concluded_complaint.pk])
    ).content.decode()
    assert "查实推诿" in body
    assert "赵家长" not in body and "13911112222" not in body


def test_supervisor_concerned_by_a_complaint_does_not_see_the_complainant(
    client, public_complaint, center_head, auditor
):
    from supervision.services import complaints

    complaints.complaint_investigate(
        auditor, complaint=public_complaint, staff_concerned=center_head
    )
    client.force_login(center_head)
    body = client.get(
        reverse("supervision:complaint_detail", args=[public_complaint.pk])
    ).content.decode()
    assert "赵家长" not in body


def test_complaint_under_investigation_is_hidden_from_the_staff_member(
    client, public_complaint, center_head, front_desk
):
    from supervision.services import complaints

    complaints.complaint_investigate(
        center_head, complaint=public_complaint, staff_concerned=front_desk
    )
    client.force_login(front_desk)
    url = reverse("supervision:complaint_detail", args=[public_complaint.pk])
    assert client.get(url).status_code == 404


def test_finding_without_investigator_is_shown_as_an_error(client, public_complaint, center_head):
    client.force_login(center_head)
    url = reverse("supervision:complaint_finding", args=[public_complaint.pk])
    response = client.post(url, {"finding": "verified", "finding_text": "x"}, follow=True)
    assert "investigator" in response.content.decode() or "调查人" in response.content.decode()
    public_complaint.refresh_from_db()
    assert public_complaint.finding == ""


# --- inspections, KPIs ---


def test_inspection_form_refuses_a_sample_larger_than_the_population(client, auditor, make_case):
    make_case()
    client.force_login(auditor)
    response = client.post(
        reverse("supervision:inspection_new"),
        {
            "title": "检查",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "sample_size": 5,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_inspection_form_refuses_end_before_start(client, auditor):
    client.force_login(auditor)
    response = client.post(
        reverse("supervision:inspection_new"),
        {
            "title": "检查",
            "period_start": "2026-11-30",
            "period_end": "2026-11-01",
            "sample_size": 1,
        },
    )
    assert "period_end" in response.context["form"].errors


def test_kpi_page_refuses_end_before_start(client, center_head):
    client.force_login(center_head)
    response = client.get(
        reverse("supervision:kpi_overview"), {"start": "2026-11-30", "end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "report" not in response.context
    assert "kpi-period-error" in response.content.decode()


def test_kpi_export_refuses_end_before_start(client, center_head):
    client.force_login(center_head)
    response = client.get(
        reverse("supervision:kpi_export_csv"), {"start": "2026-11-30", "end": "2026-11-01"}
    )
    assert response.status_code == 400


def test_staff_kpi_page_shows_only_their_own_row(client, front_desk, colleague, make_case):
    make_case(actor=colleague)
    client.force_login(front_desk)
    response = client.get(reverse("supervision:kpi_overview"))
    report = response.context["report"]
    assert [row.pk for row in report.staff] == [front_desk.pk]
    assert report.center is None


def test_kpi_page_sorts_by_a_measure(client, center_head, front_desk, colleague, make_case):
    make_case(actor=colleague)
    make_case(actor=colleague)
    make_case(actor=front_desk)
    client.force_login(center_head)
    response = client.get(reverse("supervision:kpi_overview"), {"sort": "received", "dir": "desc"})
    staff = response.context["report"].staff
    assert [row.pk for row in staff[:2]] == [colleague.pk, front_desk.pk]
    assert 'id="kpi-chart-data"' in response.content.decode()


def test_assessment_form_prefills_from_a_verified_complaint(
    client, concluded_complaint, center_head
):
    client.force_login(center_head)
    response = client.get(
        reverse("supervision:assessment_new"), {"complaint": concluded_complaint.pk}
    )
    form = response.context["form"]
    assert form.initial["staff"] == concluded_complaint.staff_concerned_id
    assert form.initial["complaints"] == [concluded_complaint.pk]


def test_pages_render_in_english(
    client, center_head, concluded_complaint, inspection, meeting, session
):
    client.force_login(center_head)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("supervision:hub")).content.decode()
    assert "Supervision, training and assessment" in body


def test_desk_lists_the_measures_the_user_owns(client, meeting, dept_member):
    client.force_login(dept_member)
    body = client.get("/").content.decode()
    assert 'id="desk-measures"' in body and "每周通报超时事项" in body


def test_desk_without_measures_shows_no_measure_card(client, front_desk):
    client.force_login(front_desk)
    assert 'id="desk-measures"' not in client.get("/").content.decode()


def _kpi_page(client, *, language: str = "zh-hans", **query) -> str:
    """Today's KPI page, as the rows' links and the sort links carry it in ``_period()``."""
    today = timezone.localdate().isoformat()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.get(
        reverse("supervision:kpi_overview"), {"start": today, "end": today, **query}
    )
    return response.content.decode()


def _period() -> str:
    today = timezone.localdate().isoformat()
    return f"start={today}&amp;end={today}"


def test_kpi_page_writes_a_staff_row_with_link_department_and_formats(
    client, center_head, front_desk, make_case
):
    make_case(outcome="on_the_spot", answer="已当场解答", confirmation_note="当面确认")
    make_case()
    client.force_login(center_head)
    html = _kpi_page(client)
    link = f"/supervision/kpis/staff/{front_desk.pk}/?{_period()}"
    assert (
        f'\n    <tr><td><a href="{link}">陈晓燕</a></td>\n      <td>财务室</td>\n'
        '      <td class="num" data-key="received">2</td>'
        '<td class="num" data-key="on_the_spot">1</td>'
    ) in html
    assert '<td class="num" data-key="on_time_rate">—</td>' in html
    assert '<td class="num" data-key="training_hours">0.0</td>' in html


def test_kpi_page_shows_a_dash_for_staff_without_department(client, center_head):
    client.force_login(center_head)
    html = _kpi_page(client)
    link = f"/supervision/kpis/staff/{center_head.pk}/?{_period()}"
    assert f'<tr><td><a href="{link}">刘志明</a></td>\n      <td>—</td>\n' in html


def test_kpi_page_department_rows_have_no_link_and_no_department_column(
    client, center_head, make_case
):
    make_case()
    client.force_login(center_head)
    html = _kpi_page(client)
    assert (
        '\n    <tr><td>财务室</td>\n      \n      <td class="num" data-key="received">1</td>'
    ) in html
    assert (
        '\n    <tr><td>全中心</td>\n      \n      <td class="num" data-key="received">1</td>'
        in html
    )


@pytest.mark.parametrize(
    ("language", "label", "name"),
    [("zh-hans", "受理事项", "姓名"), ("en", "Cases received", "Name")],
)
def test_kpi_page_sort_links_in_both_languages(client, center_head, language, label, name):
    client.force_login(center_head)
    html = _kpi_page(client, language=language, sort="received")
    period = _period()
    assert f'<a href="?{period}&sort=received&dir=desc" title="' in html
    assert f'class="sorted">{label} ▲</a>' in html
    assert f'<a href="?{period}&sort=name&dir=asc">{name}</a>' in html
    assert f'<a href="?{period}&sort=overdue&dir=asc" title="' in html


def test_kpi_page_reads_its_staff_rows_in_a_fixed_number_of_queries(
    client, center_head, other_department, make_case, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    for _number in range(12):
        make_case(actor=UserFactory.create(department=other_department, roles=["staff"]))
    client.force_login(center_head)
    client.get(reverse("supervision:kpi_overview"))  # the figures are now cached
    with django_assert_max_num_queries(12):
        response = client.get(reverse("supervision:kpi_overview"))
    assert len(response.context["report"].staff) == 14  # with the center head and front desk
