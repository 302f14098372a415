from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from cases.models import Category


class AnswerForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Question"), max_length=120)
    body = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, department_fixed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if department_fixed:  # a department head keeps their own department's answers
            del self.fields["department"]
