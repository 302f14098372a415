"""Reads of canned answers: every staff member reads the active ones."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import CannedAnswer
from .services import can_manage


def answers_search(*, q: str = "", category_id: int | None = None, limit: int = 8) -> list:
    answers = CannedAnswer.objects.filter(is_active=True).select_related("category")
    if category_id:
        answers = answers.filter(category_id=category_id)
    q = q.strip()[:60]
    if q:
        answers = answers.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return list(answers.order_by("-usage_count", "title")[:limit])


def answers_for_list(*, user: User, category_id: int | None = None) -> QuerySet[CannedAnswer]:
    answers = CannedAnswer.objects.select_related("category", "department")
    if category_id:
        answers = answers.filter(category_id=category_id)
    return answers.order_by("category__sort_order", "category__code", "-usage_count", "title")


def answer_get_for_manager(*, user: User, pk: int) -> CannedAnswer:
    answer = CannedAnswer.objects.filter(pk=pk).first()
    if answer is None or not can_manage(user, answer.department_id):
        raise Http404
    return answer


def answer_get_active(*, pk: int) -> CannedAnswer:
    answer = CannedAnswer.objects.filter(pk=pk, is_active=True).first()
    if answer is None:
        raise Http404
    return answer


def answers_most_used(*, limit: int = 10) -> list[CannedAnswer]:
    return list(
        CannedAnswer.objects.filter(usage_count__gt=0)
        .select_related("category", "department")
        .order_by("-usage_count", "title")[:limit]
    )
