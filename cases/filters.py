from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

from .inputs import validate_date_in_range
from .models import ACTIVE_STATUSES, Case, Category
from .search import case_text_condition, looked_up
from .selectors import involved_condition
from .widgets import FastSelect

DATE_WIDGET = django_filters.widgets.forms.DateInput(attrs={"type": "date"})


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class OverdueSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select read "Overdue only: unknown" for "no filter"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("All cases")),
            ("true", _("Overdue only")),
            ("false", _("Not overdue")),
        ]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=100,
        help_text=_("Phone or its last 4 digits, case or archive number (or part), name, subject"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, widget=FastSelect
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), widget=FastSelect
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        method="filter_department",
        widget=FastSelect,
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("First responder"),
        # Only what the option label (User.display_name) needs: hundreds of rows per page.
        queryset=User.objects.filter(is_active=True).only(
            "id", "username", "name", "first_name", "last_name"
        ),
        widget=FastSelect,
    )
    # Bounds on created_at itself (local midnights), not on its date: a range the
    # registration-time index answers, where ``created_at__date`` would read every case.
    created_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_created_from",
        widget=DATE_WIDGET,
        validators=[validate_date_in_range],
    )
    created_to = django_filters.DateFilter(
        label=_("To"),
        method="filter_created_to",
        widget=DATE_WIDGET,
        validators=[validate_date_in_range],
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=OverdueSelect
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("created_at", "created"), ("deadline", "deadline"), ("number", "number")),
        field_labels={
            # Descending labels are keyed by the parameter ("-created"), not the field name.
            "created_at": _("Registered, oldest first"),
            "-created": _("Registered, newest first"),
            "deadline": _("Deadline, earliest first"),
            "-deadline": _("Deadline, latest first"),
            "number": _("Case number, ascending"),
            "-number": _("Case number, descending"),
        },
        widget=FastSelect,
    )

    class Meta:
        model = Case
        fields: list[str] = []

    walk = False  # while True, filters take the form that suits walking a sort index

    def walking(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        """The same filters and order over ``queryset`` (visible_cases(walk=True)), from the
        form already validated: no second lookup of the chosen department or owner."""
        if not self.is_bound:
            return queryset.all()
        self.errors  # noqa: B018 - validates the form, as FilterSet.qs does
        self.walk = True
        try:
            return self.filter_queryset(queryset.all())
        finally:
            self.walk = False

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        if getattr(self, "_extras", (None,))[0] != value:  # looked up once per request
            self._extras = (value, looked_up(value))
        return queryset.filter(case_text_condition(value, walk=self.walk, extras=self._extras[1]))

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        # The OR form in both uses (count and page), the department's referred and handed-off
        # cases as a list of ids (selectors.involved_condition) that PostgreSQL can combine
        # with the other conditions' indexes: a subquery made it read every overdue case of the
        # center to count a small department's (475 ms on the bench).
        if getattr(self, "_involved", (None,))[0] != value.pk:  # looked up once per request
            self._involved = (value.pk, involved_condition(value.pk))
        return queryset.filter(Q(owner_department=value) | self._involved[1])

    def filter_created_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value)) if value else queryset

    def filter_created_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(created_at__lt=_local_midnight(value + dt.timedelta(days=1)))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        rule = {"status__in": ACTIVE_STATUSES, "deadline__lt": timezone.now()}
        return queryset.filter(**rule) if value else queryset.exclude(**rule)
