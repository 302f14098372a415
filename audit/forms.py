from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PersonalDataAccess

_MAX_ID = 2**63 - 1


class _PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    before = forms.IntegerField(
        required=False, min_value=1, max_value=_MAX_ID, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class TrailFilterForm(_PeriodForm):
    case = forms.CharField(label=_("Case number"), required=False, max_length=20)
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        help_text=_("e.g. case. or auth.locked_out"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object"), required=False, max_length=64)

    field_order = ["case", "actor", "action", "object_type", "object_id", "start", "end"]


class AccessFilterForm(_PeriodForm):
    case = forms.CharField(label=_("Case number"), required=False, max_length=20)
    actor = forms.CharField(label=_("Staff member (username)"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *PersonalDataAccess.Kind.choices]
    )
    visitor = forms.IntegerField(
        label=_("Visitor id"), required=False, min_value=1, max_value=_MAX_ID
    )

    field_order = ["case", "actor", "kind", "visitor", "start", "end"]
