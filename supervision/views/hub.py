from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions
from firstask.typing import AuthedRequest

from .. import selectors
from ..models import Complaint, Inspection


@require_GET
def hub(request: AuthedRequest) -> HttpResponse:
    """/supervision/: what the user may do here, with the counts that need attention."""
    user = request.user
    context: dict = {
        "hotline": settings.SUPERVISION_HOTLINE,
        "mailbox": settings.SUPERVISION_MAILBOX,
        "is_supervisor": permissions.is_supervisor(user),
        "can_handle_complaints": permissions.can_handle_complaints(user),
        "can_run_inspections": permissions.can_run_inspections(user),
        "can_record_meetings": permissions.can_record_meetings(user),
        "can_manage_training": permissions.can_manage_training(user),
        "can_record_rewards": permissions.can_record_rewards(user),
        "sees_kpis": selectors.kpi_scope_for(user) is not None,
        "my_measures": selectors.open_measures_of(user),
    }
    if permissions.can_handle_complaints(user):
        context["complaint_counts"] = Complaint.objects.aggregate(
            received=Count("pk", filter=Q(status=Complaint.Status.RECEIVED)),
            investigating=Count("pk", filter=Q(status=Complaint.Status.INVESTIGATING)),
        )
    if permissions.is_supervisor(user):
        context["open_inspections"] = Inspection.objects.filter(
            status=Inspection.Status.OPEN
        ).count()
    return render(request, "supervision/hub.html", context)
