"""Intake at the counter (issue 17 item 4): the remembered category and print preference, the
receipt as the next step, and the visitor's document attached with the handoff checks."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases.models import Case, CaseAttachment, CaseEvent, DeskPreference
from firstask.downloads import DOWNLOAD_CSP
from tests.bombs import png_header
from tests.cases.test_views import intake_data
from tests.factories import CategoryFactory, UserFactory
from tests.handoffs.factories import DOCX_MARKER, JPEG_BYTES, PDF_BYTES, PNG_BYTES, office_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_name_field_has_autofocus(client, front_desk, category):
    client.force_login(front_desk)
    html = client.get(reverse("cases:new")).content.decode()
    name_input = re.search(r'<input[^>]*name="visitor_name"[^>]*>', html)
    assert name_input and "autofocus" in name_input.group(0)
    assert html.count("autofocus") == 1


def test_category_starts_empty_for_a_clerk_with_no_history(client, front_desk, category):
    client.force_login(front_desk)
    form = client.get(reverse("cases:new")).context["form"]
    assert form["category"].value() is None


def test_last_used_category_is_the_next_initial_category(client, front_desk, category):
    other = CategoryFactory.create(code="CW", name="财务")
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(other))

    form = client.get(reverse("cases:new")).context["form"]
    assert form["category"].value() == other.pk
    assert DeskPreference.objects.get(user=front_desk).last_category == other


def test_remembered_category_is_per_staff_member(client, front_desk, category):
    colleague = UserFactory.create(username="qiantai2", roles=["staff"])
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(category))

    client.force_login(colleague)
    assert client.get(reverse("cases:new")).context["form"]["category"].value() is None


def test_case_page_offers_the_receipt_first_once(client, front_desk, category):
    client.force_login(front_desk)
    response = client.post(reverse("cases:new"), intake_data(category), follow=True)
    case = Case.objects.get()

    assert response.context["receipt_next"] is True
    assert b'id="receipt-next"' in response.content
    again = client.get(case.get_absolute_url())
    assert again.context["receipt_next"] is False


def test_print_preference_lands_on_the_receipt_that_prints_itself(client, front_desk, category):
    client.force_login(front_desk)
    response = client.post(reverse("cases:new"), intake_data(category, print_receipt="on"))
    case = Case.objects.get()

    assert response["Location"] == reverse("cases:receipt", args=[case.number])
    first = client.get(response["Location"])
    assert b"data-autoprint" in first.content
    assert b"data-autoprint" not in client.get(response["Location"]).content
    assert DeskPreference.objects.get(user=front_desk).print_receipt is True
    assert client.get(reverse("cases:new")).context["form"]["print_receipt"].value() is True


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("证件.pdf", PDF_BYTES, "application/pdf"),
        ("id.png", PNG_BYTES, "image/png"),
        ("photo.jpeg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_document_is_stored_against_the_case(
    client, front_desk, category, name, content, content_type
):
    client.force_login(front_desk)
    data = intake_data(category, document=_upload(name, content, "text/html"))
    client.post(reverse("cases:new"), data)

    case = Case.objects.get()
    stored = CaseAttachment.objects.get(case=case)
    assert stored.content_type == content_type
    assert stored.uploaded_by == front_desk
    assert stored.file.name and name.rsplit(".", 1)[0] not in stored.file.name  # random on disk
    assert CaseEvent.objects.filter(case=case, kind="attachment_added").exists()
    event = AuditEvent.objects.get(action="case.attachment")
    assert event.object_id == case.number
    assert name.rsplit(".", 1)[0] not in str(event.after)


def test_document_is_listed_and_downloads_sandboxed(client, front_desk, category):
    client.force_login(front_desk)
    client.post(
        reverse("cases:new"), intake_data(category, document=_upload("证件.pdf", PDF_BYTES))
    )
    case = Case.objects.get()
    stored = case.attachments.get()
    url = reverse("cases:attachment", args=[case.number, stored.pk])

    page = client.get(case.get_absolute_url())
    assert url.encode() in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_document_of_a_case_one_may_not_see_is_404(client, front_desk, category, dept_member):
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(category, document=_upload("a.pdf", PDF_BYTES)))
    case = Case.objects.get()
    url = reverse("cases:attachment", args=[case.number, case.attachments.get().pk])

    client.force_login(dept_member)
    assert client.get(url).status_code == 404


def test_document_under_another_case_number_is_404(client, front_desk, category):
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(category, document=_upload("a.pdf", PDF_BYTES)))
    client.post(reverse("cases:new"), intake_data(category, subject="第二件"))
    first, second = Case.objects.order_by("pk")
    url = reverse("cases:attachment", args=[second.number, first.attachments.get().pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "bad_type"),
        (office_bytes(DOCX_MARKER), "bad_type"),
        (b"%PDF-1.4 <script>x</script>", "bad_pdf"),
        (png_header(8000, 6000), "too_many_pixels"),
        (b"", "empty"),
    ],
)
def test_bad_document_is_refused_and_nothing_is_saved(client, front_desk, category, content, code):
    client.force_login(front_desk)
    response = client.post(
        reverse("cases:new"), intake_data(category, document=_upload("x.pdf", content))
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["document"]] == [code]
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_too_big_document_is_refused(client, settings, front_desk, category):
    settings.HANDOFF_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(front_desk)
    data = intake_data(category, document=_upload("big.pdf", PDF_BYTES + b"0" * 2048))
    response = client.post(reverse("cases:new"), data)
    assert [e.code for e in response.context["form"].errors.as_data()["document"]] == ["too_big"]
    assert Case.objects.count() == 0


def test_retention_erases_the_documents(
    make_case, front_desk, work_calendar, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from cases import intake, retention
    from tests.archive.factories import archived_case

    def make_case_with_document(**kwargs):
        case = make_case(**kwargs)
        intake.case_attachment_add(front_desk, case=case, upload=_upload("a.pdf", PDF_BYTES))
        return case

    case, _record = archived_case(make_case_with_document)
    stored = case.attachments.get()
    name = stored.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        retention.case_erase_personal_data(case=case)

    assert not CaseAttachment.objects.filter(case=case).exists()
    assert not default_storage.exists(name)
    assert CaseEvent.objects.filter(case=case, kind="attachment_added").exists()
