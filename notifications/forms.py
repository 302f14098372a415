from django import forms
from django.utils.translation import gettext_lazy as _


class EmailPreferenceForm(forms.Form):
    enabled = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
