from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from cases.models import Case, Category
from cases.search import case_text_condition
from cases.widgets import FastSelect
from closure.models import Satisfaction

from .models import ArchiveRecord

MONTHS = [(m, f"{m:02d}") for m in range(1, 13)]
SATISFACTION_CHOICES = [*Satisfaction.choices, ("none", _("No rating"))]


class ArchiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        help_text=_("Archive or case number, subject, or visitor name"),
    )
    year = django_filters.NumberFilter(label=_("Year archived"))
    month = django_filters.ChoiceFilter(
        label=_("Month archived"), choices=MONTHS, widget=FastSelect
    )
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
        """The case list's search (exact case number, subject through its bigram index,
        visitor name) plus the archive number, whole or its beginning ("GD-2024-JX").

        Question and answer text are no longer searched: five unindexed ``icontains`` across
        the join with the cases read all 700,000 records (5-7 s on the bench), and no index
        serves them. The field's help text says what is searched."""
        value = value.strip()
        if not value:
            return queryset
        # extras=tuple (no conditions of other apps): the archive number is matched here, on
        # the records themselves.
        # phones=False: this form is a GET, so a phone number typed here would sit in the URL;
        # the case list's search (a POST) finds cases by phone.
        condition = case_text_condition(value, extras=tuple, phones=False)
        cases = Case.objects.filter(condition).values("pk")
        return queryset.filter(Q(number__startswith=value.upper()) | Q(case__in=cases))

    def filter_satisfaction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(case__satisfaction__isnull=True)
        return queryset.filter(case__satisfaction=int(value))
