from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Staff only: never shown to the visitor. Write @username to tell a colleague."),
    )


class LinkForm(forms.Form):
    number = forms.CharField(
        label=_("Related case number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "SW-YYYYMMDD-NNNN", "autocomplete": "off"}),
    )
