"""Writes of canned answers: department heads keep their own department's, the center head any;
the front desk's use of one is counted."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import permissions
from accounts.models import Department, User
from audit.services import audit_record
from cases.errors import NotAllowed
from cases.models import Category

from .models import CannedAnswer


def can_manage(user: User, department_id: int | None) -> bool:
    if permissions.is_center_head(user):
        return True
    return (
        permissions.is_department_head(user)
        and department_id is not None
        and user.department_id == department_id
    )


def can_manage_any(user: User) -> bool:
    return permissions.is_center_head(user) or (
        permissions.is_department_head(user) and user.department_id is not None
    )


def _snapshot(answer: CannedAnswer) -> dict:
    return {
        "category": answer.category_id,
        "department": answer.department_id,
        "title": answer.title,
        "active": answer.is_active,
    }


@transaction.atomic
def answer_create(
    actor: User, *, department: Department | None, category: Category, title: str, body: str
) -> CannedAnswer:
    if department is None or not can_manage(actor, department.pk):
        raise NotAllowed()
    answer = CannedAnswer.objects.create(
        department=department,
        category=category,
        title=title.strip(),
        body=body.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="answers.create",
        object_type="canned_answer",
        object_id=answer.pk,
        after=_snapshot(answer),
    )
    return answer


@transaction.atomic
def answer_update(
    actor: User,
    *,
    answer: CannedAnswer,
    category: Category,
    title: str,
    body: str,
    is_active: bool,
) -> CannedAnswer:
    answer = CannedAnswer.objects.select_for_update().get(pk=answer.pk)
    if not can_manage(actor, answer.department_id):
        raise NotAllowed()
    before = _snapshot(answer)
    answer.category, answer.title, answer.body = category, title.strip(), body.strip()
    answer.is_active = is_active
    answer.save(update_fields=["category", "title", "body", "is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="answers.update",
        object_type="canned_answer",
        object_id=answer.pk,
        before=before,
        after=_snapshot(answer),
    )
    return answer


def answer_use(actor: User, *, answer: CannedAnswer) -> None:
    """Count one use at intake: one UPDATE, no lock held (many desks insert at once)."""
    if not permissions.can_register_case(actor):
        raise NotAllowed()
    CannedAnswer.objects.filter(pk=answer.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )
