from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import KINDS, MAX_BYTES


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[])
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row names the columns, as in an export of the same kind."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [(k.name, k.label) for k in KINDS.values()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
