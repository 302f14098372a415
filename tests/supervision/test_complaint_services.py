import datetime as dt

import pytest
from django.utils import timezone, translation

from audit.models import AuditEvent
from supervision.errors import BadInput, NotAllowed
from supervision.models import Complaint
from supervision.services import complaints as services

pytestmark = pytest.mark.django_db


def audit_of(complaint):
    return list(
        AuditEvent.objects.filter(object_type="complaint", object_id=str(complaint.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_public_complaint_is_received_without_personal_data_in_the_audit(public_complaint):
    assert public_complaint.status == Complaint.Status.RECEIVED
    assert public_complaint.source == Complaint.Source.PUBLIC_FORM
    assert audit_of(public_complaint) == ["complaint.submit"]
    event = AuditEvent.objects.get(object_type="complaint", object_id=str(public_complaint.pk))
    assert "13911112222" not in str(event.after) and "赵家长" not in str(event.after)
    assert event.actor is None


def test_public_complaint_links_a_case_number_that_exists(make_case):
    case = make_case()
    complaint = services.complaint_submit_public(
        description="超时未答复", case_number=case.number.lower()
    )
    assert complaint.case == case


def test_public_complaint_with_unknown_case_number_keeps_the_text():
    complaint = services.complaint_submit_public(description="x", case_number="SW-1-1")
    assert complaint.case is None and complaint.case_number_given == "SW-1-1"


def test_public_complaint_needs_a_description():
    with pytest.raises(BadInput):
        services.complaint_submit_public(description="  ")


def test_auditor_logs_a_hotline_complaint(auditor, front_desk):
    complaint = services.complaint_log(
        auditor,
        source="hotline",
        received_at=timezone.now() - dt.timedelta(hours=1),
        description="电话反映前台态度差",
        staff_concerned=front_desk,
    )
    assert complaint.logged_by == auditor
    assert complaint.staff_named == front_desk.display_name
    assert audit_of(complaint) == ["complaint.log"]


def test_staff_cannot_log_a_complaint(front_desk):
    with pytest.raises(NotAllowed):
        services.complaint_log(
            front_desk, source="hotline", received_at=timezone.now(), description="x"
        )


def test_logging_as_public_form_is_refused(auditor):
    with pytest.raises(BadInput):
        services.complaint_log(
            auditor, source="public_form", received_at=timezone.now(), description="x"
        )


def test_logging_in_the_future_is_refused(auditor):
    with pytest.raises(BadInput):
        services.complaint_log(
            auditor,
            source="mailbox",
            received_at=timezone.now() + dt.timedelta(days=1),
            description="x",
        )


def test_investigate_sets_investigator_staff_and_case(
    public_complaint, auditor, front_desk, make_case
):
    case = make_case()
    complaint = services.complaint_investigate(
        auditor, complaint=public_complaint, staff_concerned=front_desk, case=case
    )
    assert complaint.investigator == auditor
    assert complaint.status == Complaint.Status.INVESTIGATING
    assert (complaint.staff_concerned, complaint.case) == (front_desk, case)
    assert audit_of(complaint) == ["complaint.submit", "complaint.investigate"]


def test_staff_cannot_investigate(public_complaint, front_desk):
    with pytest.raises(NotAllowed):
        services.complaint_investigate(front_desk, complaint=public_complaint)


def test_nobody_investigates_a_complaint_about_themselves(public_complaint, center_head):
    with pytest.raises(NotAllowed):
        services.complaint_investigate(
            center_head, complaint=public_complaint, staff_concerned=center_head
        )


def test_finding_verified_concludes(concluded_complaint):
    assert concluded_complaint.finding == Complaint.Finding.VERIFIED
    assert concluded_complaint.status == Complaint.Status.CONCLUDED
    assert concluded_complaint.concluded_at is not None
    assert audit_of(concluded_complaint)[-1] == "complaint.finding"


def test_finding_without_an_investigator_is_a_clear_error(public_complaint, center_head):
    with translation.override("en"), pytest.raises(BadInput, match="investigator"):
        services.complaint_record_finding(
            center_head, complaint=public_complaint, finding="verified", finding_text="x"
        )


def test_finding_by_another_auditor_is_refused(public_complaint, center_head, auditor):
    services.complaint_investigate(center_head, complaint=public_complaint)
    from tests.factories import UserFactory

    other = UserFactory.create(username="shenji2", department=None, roles=["auditor"])
    assert auditor  # the fixture's auditor is not the investigator either
    with pytest.raises(NotAllowed):
        services.complaint_record_finding(
            other, complaint=public_complaint, finding="unfounded", finding_text="x"
        )


def test_finding_needs_the_result_text(public_complaint, center_head):
    services.complaint_investigate(center_head, complaint=public_complaint)
    with pytest.raises(BadInput):
        services.complaint_record_finding(
            center_head, complaint=public_complaint, finding="verified", finding_text=" "
        )


def test_unknown_finding_is_refused(public_complaint, center_head):
    services.complaint_investigate(center_head, complaint=public_complaint)
    with pytest.raises(BadInput):
        services.complaint_record_finding(
            center_head, complaint=public_complaint, finding="maybe", finding_text="x"
        )


def test_concluded_complaint_cannot_be_concluded_again(concluded_complaint, center_head):
    with pytest.raises(BadInput):
        services.complaint_record_finding(
            center_head, complaint=concluded_complaint, finding="unfounded", finding_text="x"
        )


def test_concluded_complaint_cannot_be_reopened_for_investigation(concluded_complaint, auditor):
    with pytest.raises(BadInput):
        services.complaint_investigate(auditor, complaint=concluded_complaint)


def test_database_refuses_a_finding_without_investigator(public_complaint):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=public_complaint.pk).update(finding="verified")
