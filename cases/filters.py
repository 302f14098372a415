from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

from .models import ACTIVE_STATUSES, Case, Category


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all()
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), method="filter_department"
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("First responder"), queryset=User.objects.filter(is_active=True)
    )
    created_from = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue")
    ordering = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("created_at", "created"), ("deadline", "deadline"), ("number", "number")),
        field_labels={
            "created_at": _("Registered, oldest first"),
            "-created_at": _("Registered, newest first"),
            "deadline": _("Deadline, earliest first"),
            "-deadline": _("Deadline, latest first"),
            "number": _("Case number, ascending"),
            "-number": _("Case number, descending"),
        },
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(subject__icontains=value)
            | Q(visitor__name__icontains=value)
        )

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        involved = Case.involved_departments.through.objects.filter(
            case_id=OuterRef("pk"), department_id=value.pk
        )
        return queryset.filter(Q(owner_department=value) | Q(Exists(involved)))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        rule = Q(status__in=ACTIVE_STATUSES, deadline__lt=timezone.now())
        return queryset.filter(rule) if value else queryset.exclude(rule)
