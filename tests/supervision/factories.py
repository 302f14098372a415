"""Test data for the supervision app, made through the real services where they exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.db import transaction

from cases import services as case_services
from cases.models import Case
from supervision.services import complaints, inspections, training


def case_at(make_case, *, at: dt.datetime, owner=None, **fields) -> Case:
    """A case registered at ``at`` (time travel), then given the closure fields the closure
    app will set (closed_at, satisfaction, rework_count ...) directly: a case closed without
    result rounds, as before rounds kept their deadline (tests/supervision/test_on_time.py
    builds cases through the real services)."""
    register = {
        k: fields.pop(k)
        for k in (
            "outcome",
            "deadline",
            "department",
            "answer",
            "confirmation_note",
            "confirmation_method",
            "rating",
        )
        if k in fields
    }
    if register.get("outcome") == "on_the_spot":
        # Confirmed in words with the rating given (5 unless ``rating``): set by the service.
        register.setdefault("answer", "已当场解答")
        register.setdefault("confirmation_note", "来访人表示满意")
    with time_machine.travel(at, tick=False):
        case = make_case(actor=owner, **register)
    if "closed_at" in fields:  # a closed case is no longer anyone's work
        fields.setdefault("status", Case.Status.CLOSED)
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
    return case


def archived_case(make_case, actor, **overrides) -> Case:
    case = make_case(
        outcome="on_the_spot",
        answer=overrides.pop("answer", "已当场解答，电话 13812341234 已回访"),
        confirmation_note="当面确认",
        **overrides,
    )
    with transaction.atomic():
        case_services.case_transition(actor, case=case, to=Case.Status.ARCHIVED)
    return case


def verified_complaint(investigator, *, staff, at=None, finding="verified", case=None):
    complaint = complaints.complaint_submit_public(
        description="态度很差，推诿。",
        staff_named=staff.display_name,
        complainant_name="举报人甲",
        complainant_contact="13900001111",
    )
    complaint = complaints.complaint_investigate(
        investigator, complaint=complaint, staff_concerned=staff, case=case
    )
    if at is None:
        return complaints.complaint_record_finding(
            investigator,
            complaint=complaint,
            finding=finding,
            finding_text="经调查属实",
            violation="shirking" if finding == "verified" else "",
            severity="minor" if finding == "verified" else "",
        )
    with time_machine.travel(at, tick=False):
        return complaints.complaint_record_finding(
            investigator,
            complaint=complaint,
            finding=finding,
            finding_text="经调查",
            violation="shirking" if finding == "verified" else "",
            severity="minor" if finding == "verified" else "",
        )


def session_with(actor, *, held_on: dt.date, hours: str, attendees, topic="首问责任制培训"):
    session = training.training_record(
        actor,
        topic=topic,
        method="lecture",
        held_on=held_on,
        hours=Decimal(hours),
        trainer="刘老师",
    )
    return training.training_set_attendance(actor, session=session, attendees=attendees)


def start_inspection(auditor, *, start: dt.date, end: dt.date, size: int, seed: int = 42):
    return inspections.inspection_start(
        auditor, title="季度检查", period_start=start, period_end=end, sample_size=size, seed=seed
    )
