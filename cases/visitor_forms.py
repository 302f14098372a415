from django import forms
from django.utils.translation import gettext_lazy as _


class VisitorRenameForm(forms.Form):
    name = forms.CharField(label=_("Corrected name"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class VisitorMergeForm(forms.Form):
    source = forms.IntegerField(label=_("Record to retire"), min_value=1)
    target = forms.IntegerField(label=_("Record to keep"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MergeUndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
