"""Every read of the supervision app that depends on who asks; an invisible row is a 404."""

from __future__ import annotations

import hmac
from typing import Any, cast

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import permissions
from accounts.models import User

from .kpis import KpiScope
from .models import (
    ChecklistItem,
    Complaint,
    Inspection,
    InspectionItem,
    Measure,
    PeriodicAssessment,
    RewardPenalty,
    ScoringStandard,
    TeachingCase,
    TrainingSession,
    WorkMeeting,
)


def complaints_visible(user: User) -> QuerySet[Complaint]:
    """Supervisors see every complaint; a staff member sees the concluded ones about them."""
    qs = Complaint.objects.select_related("staff_concerned", "case", "investigator")
    if permissions.can_handle_complaints(user):
        return qs
    return qs.filter(staff_concerned=user, status=Complaint.Status.CONCLUDED)


def complaint_for_status_lookup(*, reference: str, query_code: str) -> Complaint | None:
    """The complaint a reference and query code name (SUP-4), or None alike for an unknown
    reference, a wrong code and a complaint that has none."""
    parsed = Complaint.parse_reference(reference)
    if parsed is None or not query_code or not query_code.isascii():
        return None
    year, pk = parsed
    complaint = Complaint.objects.filter(pk=pk).exclude(query_code="").first()
    if complaint is None or complaint.reference != f"JD-{year}-{pk:04d}":
        return None
    if not hmac.compare_digest(complaint.query_code, query_code.upper()):
        return None
    return complaint


def complaint_get_for_user(*, user: User, pk: int) -> Complaint:
    return get_object_or_404(complaints_visible(user), pk=pk)


def complaint_shows_complainant(*, user: User, complaint: Complaint) -> bool:
    """Who complained is shown to supervisors only, and never to the staff member concerned."""
    return permissions.can_handle_complaints(user) and user.pk != complaint.staff_concerned_id


def inspections_visible(user: User) -> QuerySet[Inspection]:
    if permissions.is_supervisor(user):
        return Inspection.objects.select_related("created_by")
    return Inspection.objects.none()


def inspection_get_for_user(*, user: User, pk: int) -> Inspection:
    return get_object_or_404(inspections_visible(user), pk=pk)


def inspection_items(*, inspection: Inspection) -> QuerySet[InspectionItem]:
    return inspection.items.select_related("case", "case__owner", "department")


def inspection_department_scores(*, inspection: Inspection) -> list[dict[str, Any]]:
    """Per department: cases sampled, scored, mean score and passes of each check."""
    checks = {name: Count("pk", filter=Q(**{name: True})) for name in ChecklistItem.values}
    # A cast: the row type django-stubs infers lacks the checks' keys, annotated by name.
    return cast(
        list[dict[str, Any]],
        list(
            inspection.items.values("department__name")
            .annotate(
                sampled=Count("pk"),
                scored=Count("score"),
                mean=Avg("score"),
                **checks,
            )
            .order_by("department__name")
        ),
    )


def meetings_visible(user: User) -> QuerySet[WorkMeeting]:
    """Supervisors and department heads see every meeting; others those they attended or
    where they own a measure."""
    qs = WorkMeeting.objects.all()
    if permissions.is_supervisor(user) or permissions.is_department_head(user):
        return qs
    return qs.filter(Q(attendees=user) | Q(measures__owner=user)).distinct()


def meeting_get_for_user(*, user: User, pk: int) -> WorkMeeting:
    return get_object_or_404(meetings_visible(user), pk=pk)


def measure_get_for_user(*, user: User, pk: int) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("meeting", "owner"), pk=pk)
    if measure.owner_id != user.pk and not permissions.can_record_meetings(user):
        raise Http404
    return measure


def open_measures_of(user: User) -> QuerySet[Measure]:
    return Measure.objects.filter(
        owner=user, status__in=[Measure.Status.OPEN, Measure.Status.IN_PROGRESS]
    ).select_related("meeting")


def training_sessions_visible(user: User) -> QuerySet[TrainingSession]:
    """Training is open to every member of staff."""
    if not permissions.roles_of(user):
        return TrainingSession.objects.none()
    return TrainingSession.objects.annotate(attendee_count=Count("attendees"))


def teaching_cases_visible(user: User) -> QuerySet[TeachingCase]:
    """Teaching cases hold masked copies only; every member of staff may read them."""
    if not permissions.roles_of(user):
        return TeachingCase.objects.none()
    return TeachingCase.objects.select_related("case", "case__category")


def staff_visible(viewer: User) -> QuerySet[User]:
    """Whose KPIs, training record and rewards/penalties the viewer may open."""
    qs = User.objects.select_related("department")
    if permissions.sees_all_kpis(viewer):
        return qs
    if permissions.is_department_head(viewer) and viewer.department_id:
        return qs.filter(Q(department_id=viewer.department_id) | Q(pk=viewer.pk))
    return qs.filter(pk=viewer.pk)


def staff_get_for_user(*, viewer: User, pk: int) -> User:
    return get_object_or_404(staff_visible(viewer), pk=pk)


def kpi_scope_for(user: User) -> KpiScope | None:
    """Center head and auditors: the whole center; department heads: their department;
    everyone else: themselves. None for a user with no role."""
    if permissions.sees_all_kpis(user):
        return KpiScope()
    if not permissions.roles_of(user):
        return None
    if permissions.is_department_head(user) and user.department_id:
        return KpiScope(department_id=user.department_id)
    return KpiScope(user_id=user.pk)


def rewards_visible(user: User) -> QuerySet[RewardPenalty]:
    return RewardPenalty.objects.filter(staff__in=staff_visible(user)).select_related(
        "staff", "staff__department"
    )


def training_record(*, staff: User) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(attendees=staff).order_by("-held_on")


def periodic_assessments_visible(user: User) -> QuerySet[PeriodicAssessment]:
    """Whose periodic assessments the viewer reads: as for KPIs (staff_visible)."""
    return PeriodicAssessment.objects.filter(staff__in=staff_visible(user)).select_related(
        "staff", "department", "standard", "signed_off_by"
    )


def periodic_assessment_get_for_user(*, user: User, pk: int) -> PeriodicAssessment:
    return get_object_or_404(periodic_assessments_visible(user), pk=pk)


def scoring_standards_visible(user: User) -> QuerySet[ScoringStandard]:
    """Every member of staff may read how they are scored."""
    if not permissions.roles_of(user):
        return ScoringStandard.objects.none()
    return ScoringStandard.objects.select_related("created_by")
