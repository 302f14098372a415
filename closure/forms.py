from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Callback, HowGiven, Kiosk, OtherMethod, Satisfaction

RATING_CHOICES = [(value, label) for value, label in Satisfaction.choices]
OPTIONAL_RATING_CHOICES = [("", _("Not given")), *RATING_CHOICES]


class ResultForm(forms.Form):
    result = forms.CharField(
        label=_("Result given to the visitor"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    how_given = forms.ChoiceField(label=_("How it was given"), choices=HowGiven.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    not_solved = forms.BooleanField(label=_("My problem is not solved"), required=False)
    reasons = forms.CharField(
        label=_("Why are you not satisfied?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signature = forms.CharField(widget=forms.HiddenInput, max_length=500_000)


class OtherConfirmationForm(forms.Form):
    method = forms.ChoiceField(label=_("How the visitor confirmed"), choices=OtherMethod.choices)
    detail = forms.CharField(
        label=_("Details (call time, e-mail, what was said)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rating = forms.TypedChoiceField(
        label=_("Satisfaction the visitor gave"),
        choices=OPTIONAL_RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    not_solved = forms.BooleanField(label=_("Visitor says it is not solved"), required=False)
    reasons = forms.CharField(
        label=_("Reasons for dissatisfaction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the closure")), ("reject", _("Do not accept"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallbackForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Callback.Method.choices)
    note = forms.CharField(
        label=_("What the visitor said"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    rating = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=OPTIONAL_RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )


class KioskStartForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this kiosk"),
        max_length=40,
        help_text=_("e.g. counter 1. Your session on this browser ends; sign in again to leave."),
    )


class KioskHandForm(forms.Form):
    kiosk = forms.ModelChoiceField(
        label=_("Kiosk"), queryset=Kiosk.objects.filter(ended_at__isnull=True)
    )
