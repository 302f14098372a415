from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

from .inputs import validate_date_in_range
from .models import ACTIVE_STATUSES, Case, Category
from .search import TextSearch
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


class SearchField(forms.CharField):
    """The search box, cleaned into a TextSearch (nothing typed: None)."""

    def clean(self, value: Any) -> TextSearch | None:
        term = super().clean(value)
        return TextSearch(term) if term else None


class SearchFilter(django_filters.CharFilter):
    """The cases the search box finds, counted through its indexes (cases.search)."""

    field_class = SearchField

    def filter(self, qs: QuerySet[Case], value: TextSearch | None) -> QuerySet[Case]:
        return qs if value is None else qs.filter(value.condition)


class DepartmentWork:
    """A department chosen in the filter: the cases it owns, is referred or is assigned.

    The OR form in both uses (count and page), the department's referred and handed-off cases
    as a list of ids (selectors.involved_condition) that PostgreSQL can combine with the other
    conditions' indexes: a subquery made it read every overdue case of the center to count a
    small department's (475 ms on the bench). Looked up once, however many queries use it."""

    def __init__(self, department: Department) -> None:
        self.department = department

    def __repr__(self) -> str:
        return f"DepartmentWork({self.department.pk})"

    @cached_property
    def condition(self) -> Q:
        return Q(owner_department=self.department) | involved_condition(self.department.pk)


class DepartmentWorkField(django_filters.fields.ModelChoiceField):
    def clean(self, value: Any) -> DepartmentWork | None:
        department = super().clean(value)
        return DepartmentWork(department) if department is not None else None


class DepartmentWorkFilter(django_filters.ModelChoiceFilter):
    field_class = DepartmentWorkField

    def filter(self, qs: QuerySet[Case], value: DepartmentWork | None) -> QuerySet[Case]:
        return qs if value is None else qs.filter(value.condition)


class CaseFilter(django_filters.FilterSet):
    """The case list's filters: each declared once, with the condition it adds. How they are
    counted, paged and walked is cases.listing.CaseListQuery's."""

    q = SearchFilter(
        label=_("Search"),
        max_length=100,
        help_text=_("Phone or its last 4 digits, case or archive number (or part), name, subject"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, widget=FastSelect
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), widget=FastSelect
    )
    department = DepartmentWorkFilter(
        label=_("Department"), queryset=Department.objects.all(), widget=FastSelect
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
