from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from cases.models import Category
from cases.widgets import FastSelect
from closure.models import Satisfaction

from .models import ArchiveRecord

MONTHS = [(m, f"{m:02d}") for m in range(1, 13)]
SATISFACTION_CHOICES = [*Satisfaction.choices, ("none", _("No rating"))]


class ArchiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    year = django_filters.NumberFilter(label=_("Year"))
    month = django_filters.ChoiceFilter(label=_("Month"), choices=MONTHS, widget=FastSelect)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), widget=FastSelect
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        field_name="case__owner_department",
        widget=FastSelect,
    )
    # Every staff member who ever owned a case, active or not (archives outlive employment);
    # only what the option label (User.display_name) needs.
    owner = django_filters.ModelChoiceFilter(
        label=_("First responder"),
        queryset=User.objects.only("id", "username", "name", "first_name", "last_name"),
        field_name="case__owner",
        widget=FastSelect,
    )
    satisfaction = django_filters.ChoiceFilter(
        label=_("Satisfaction"),
        choices=SATISFACTION_CHOICES,
        method="filter_satisfaction",
        widget=FastSelect,
    )

    class Meta:
        model = ArchiveRecord
        fields = ["q", "year", "month", "category", "department", "owner", "satisfaction"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(case__number__icontains=value)
            | Q(case__subject__icontains=value)
            | Q(case__question__icontains=value)
            | Q(case__answer__icontains=value)
        )

    def filter_satisfaction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(case__satisfaction__isnull=True)
        return queryset.filter(case__satisfaction=int(value))
