from __future__ import annotations

import datetime as dt
import re
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.inputs import validate_date_in_range
from cases.models import Case

from .models import (
    ChecklistItem,
    Complaint,
    Measure,
    PeriodicAssessment,
    RewardGround,
    RewardPenalty,
    Severity,
    TeachingCase,
    TrainingSession,
    Violation,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
STAFF_ROLES = ("staff", "department_head", "center_head")


class NoEchoTextInput(forms.TextInput):
    """Never writes the submitted value back into the page (public form: no personal data
    echoed back, even when the form is shown again with an error)."""

    def format_value(self, value):
        return None


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.department}" if obj.department else obj.display_name


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.department}" if obj.department else obj.display_name


def staff_queryset():
    return (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .select_related("department")
        .distinct()
        .order_by("department__code", "name", "username")
    )


class CaseNumberField(forms.CharField):
    """A case number typed by a supervisor, resolved to the case (or empty)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise ValidationError(_("No case has this number."))
        return case


class PublicComplaintForm(forms.Form):
    staff_named = forms.CharField(
        label=_("Staff member you are complaining about"), max_length=60, required=False
    )
    case_number = forms.CharField(
        label=_("Case number (on your receipt), if any"),
        max_length=20,
        required=False,
        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    complainant_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=40,
        required=False,
        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
    )
    complainant_contact = forms.CharField(
        label=_("Phone or e-mail for our reply (optional)"),
        max_length=60,
        required=False,
        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
    )


class ComplaintStatusForm(forms.Form):
    """SUP-4: the reference and query code given when the complaint was received."""

    reference = forms.CharField(
        label=_("Complaint reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "JD-YYYY-NNNN", "autocomplete": "off"}),
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_query_code(self) -> str:
        dashes = r"[\s\-‐-―－]+"  # noqa: RUF001  # every dash a phone or an input method types
        return re.sub(dashes, "", self.cleaned_data["query_code"]).upper()


class ComplaintLogForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in Complaint.Source.choices if c[0] != Complaint.Source.PUBLIC_FORM],
    )
    received_at = forms.DateTimeField(label=_("Received at"), widget=DATETIME_WIDGET)
    staff_concerned = StaffChoiceField(
        label=_("Staff member concerned"), queryset=staff_queryset(), required=False
    )
    case = CaseNumberField(label=_("Case number"))
    description = forms.CharField(
        label=_("Complaint"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    complainant_name = forms.CharField(label=_("Complainant"), max_length=40, required=False)
    complainant_contact = forms.CharField(
        label=_("Complainant's contact"), max_length=60, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff_concerned"]).queryset = staff_queryset()
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class InvestigateForm(forms.Form):
    staff_concerned = StaffChoiceField(
        label=_("Staff member concerned"), queryset=staff_queryset(), required=False
    )
    case = CaseNumberField(label=_("Case number"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff_concerned"]).queryset = staff_queryset()


def _optional(choices) -> list[tuple[str, str]]:
    return [("", "---------"), *choices]


class FindingForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"), choices=Complaint.Finding.choices, widget=forms.RadioSelect
    )
    finding_text = forms.CharField(
        label=_("Result of the investigation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    violation = forms.ChoiceField(
        label=_("Breach (if verified)"), choices=_optional(Violation.choices), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity (if verified)"), choices=_optional(Severity.choices), required=False
    )


class PeriodFormMixin(forms.Form):
    start_field: str  # the names of the period's two date fields, given by each form
    end_field: str

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        for name in (self.start_field, self.end_field):
            try:
                validate_date_in_range(data.get(name))
            except ValidationError as error:
                self.add_error(name, error)
        start, end = data.get(self.start_field), data.get(self.end_field)
        if start and end and end < start:
            self.add_error(self.end_field, _("The end of the period is before its start."))
        return data


class InspectionForm(PeriodFormMixin):
    start_field, end_field = "period_start", "period_end"
    title = forms.CharField(label=_("Title"), max_length=120)
    period_start = forms.DateField(label=_("Period start"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Period end"), widget=DATE_WIDGET)
    sample_size = forms.IntegerField(label=_("Cases to sample"), min_value=1, max_value=500)
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty for a new random sample; enter a stored seed to draw it again."),
    )


class ScoreForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in ChecklistItem.choices:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.order_fields([*ChecklistItem.values, "notes"])


class CompleteInspectionForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=dt.date.today)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    attendees = StaffMultipleChoiceField(
        label=_("Attendees"), queryset=staff_queryset(), widget=forms.CheckboxSelectMultiple
    )
    problems = forms.CharField(
        label=_("Problems found"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["attendees"]).queryset = staff_queryset()


class MeasureForm(forms.Form):
    description = forms.CharField(
        label=_("Measure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = StaffChoiceField(label=_("Owner"), queryset=staff_queryset())
    due_on = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = staff_queryset()


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)
    follow_up = forms.CharField(
        label=_("Follow-up"), max_length=4000, required=False, widget=forms.Textarea({"rows": 2})
    )


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=120)
    method = forms.ChoiceField(label=_("Method"), choices=TrainingSession.Method.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=0.5, max_value=99
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=60)
    materials = forms.CharField(
        label=_("Materials"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
    )
    teaching_cases = forms.ModelMultipleChoiceField(
        label=_("Teaching cases"),
        queryset=TeachingCase.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AttendanceForm(forms.Form):
    attendees = StaffMultipleChoiceField(
        label=_("Attendees"),
        queryset=staff_queryset(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["attendees"]).queryset = staff_queryset()


class TeachingCaseForm(forms.Form):
    case = CaseNumberField(label=_("Archived case number"), required=True)
    title = forms.CharField(label=_("Title"), max_length=120)
    lessons = forms.CharField(
        label=_("Lessons"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
    )


class RewardPenaltyForm(PeriodFormMixin):
    start_field, end_field = "kpi_start", "kpi_end"
    staff = StaffChoiceField(label=_("Staff member"), queryset=staff_queryset())
    kind = forms.ChoiceField(label=_("Decision"), choices=RewardPenalty.Kind.choices)
    decided_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=dt.date.today)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=9, decimal_places=2, min_value=0, required=False
    )
    reward_ground = forms.ChoiceField(
        label=_("Ground for a reward (§5.2.2)"),
        choices=_optional(RewardGround.choices),
        required=False,
    )
    violation = forms.ChoiceField(
        label=_("Breach, for a penalty (§5.3.2)"),
        choices=_optional(Violation.choices),
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity, for a penalty"), choices=_optional(Severity.choices), required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    complaints = forms.ModelMultipleChoiceField(
        label=_("Verified complaints"),
        queryset=Complaint.objects.filter(finding=Complaint.Finding.VERIFIED),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    case_numbers = forms.CharField(
        label=_("Case numbers"),
        required=False,
        max_length=500,
        help_text=_("Separate several numbers with spaces or commas."),
    )
    kpi_start = forms.DateField(label=_("KPI period start"), widget=DATE_WIDGET, required=False)
    kpi_end = forms.DateField(label=_("KPI period end"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff"]).queryset = staff_queryset()
        cast(forms.ModelChoiceField, self.fields["complaints"]).queryset = Complaint.objects.filter(
            finding=Complaint.Finding.VERIFIED, staff_concerned__isnull=False
        ).select_related("staff_concerned")

    def clean_case_numbers(self) -> list[Case]:
        numbers = {
            n.strip().upper() for n in self.cleaned_data["case_numbers"].replace(",", " ").split()
        }
        cases = list(Case.objects.filter(number__in=numbers))
        missing = numbers - {case.number for case in cases}
        if missing:
            raise ValidationError(
                _("No case has the number %(numbers)s.") % {"numbers": ", ".join(sorted(missing))}
            )
        return cases


class KpiPeriodForm(PeriodFormMixin):
    start_field, end_field = "start", "end"
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), widget=DATE_WIDGET)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        validators=[validate_date_in_range],
    )


class StandardForm(forms.Form):
    """One weight and one target per scorable measure of the KPI catalogue; a weight left
    empty leaves the measure out."""

    effective_from = forms.DateField(label=_("In force from"), widget=DATE_WIDGET)
    excellent_from = forms.DecimalField(
        label=_("Excellent from (score)"), max_digits=5, decimal_places=1, min_value=0
    )
    good_from = forms.DecimalField(
        label=_("Good from (score)"), max_digits=5, decimal_places=1, min_value=0
    )
    pass_from = forms.DecimalField(
        label=_("Pass from (score)"), max_digits=5, decimal_places=1, min_value=0
    )
    note = forms.CharField(
        label=_("What changed"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, measures=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        for measure in self.measures:
            self.fields[f"weight_{measure.key}"] = forms.IntegerField(
                label=_("Weight"), required=False, min_value=0, max_value=100
            )
            self.fields[f"target_{measure.key}"] = forms.DecimalField(
                label=_("Target"), required=False, max_digits=9, decimal_places=2, min_value=0
            )

    def rows(self):
        """(measure, weight field, target field) for the template's table."""
        return [(m, self[f"weight_{m.key}"], self[f"target_{m.key}"]) for m in self.measures]

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"measure": m.key, "weight": data[f"weight_{m.key}"], "target": data[f"target_{m.key}"]}
            for m in self.measures
            if data.get(f"weight_{m.key}")
        ]


class PeriodChoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodicAssessment.PeriodKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Month or quarter"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Month 1–12 or quarter 1–4; leave empty for a year."),
    )

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        kind, number = data.get("kind"), data.get("number")
        if kind == PeriodicAssessment.PeriodKind.QUARTER and (number is None or number > 4):
            self.add_error("number", _("Give the quarter, 1 to 4."))
        if kind == PeriodicAssessment.PeriodKind.MONTH and number is None:
            self.add_error("number", _("Give the month, 1 to 12."))
        return data


class SignOffForm(forms.Form):
    review_note = forms.CharField(
        label=_("Review"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
