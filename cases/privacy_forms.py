from django import forms
from django.utils.translation import gettext_lazy as _

from .personal import normalize_phone


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing in full"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class VisitorExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("e.g. the visitor's written access request of 2026-11-20"),
    )


class VisitorCorrectForm(forms.Form):
    name = forms.CharField(label=_("Visitor's name"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])
