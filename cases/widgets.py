"""Form widgets and fields that stay cheap with long option lists and small reference tables."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from firstask.forms_renderer import render_attrs, render_option

# Rendered options of model choices, per process: {key: (made at, html)}. A few keys at most
# (one per option list and language).
_OPTIONS: dict[tuple, tuple[float, str]] = {}
OPTIONS_SECONDS = 60


class FastSelect(forms.Select):
    """A <select> written straight from its choices, with the markup of Django's select.html
    (the option and attribute writers of firstask/forms_renderer.py; tests/test_form_tags.py
    compares it with Django's templates character by character). Django builds a context dict
    for each option first, about half a millisecond an option through the templates; the
    first-responder choices list every active staff member, several hundred in a large center,
    on every case-list page."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        head = (
            f'<select name="{conditional_escape(name)}"'
            f"{render_attrs(self.build_attrs(self.attrs, attrs))}>"
        )
        if isinstance(self.choices, ModelChoiceIterator):
            options = self._model_options(self.choices)
            for text in selected:  # a model choice's value is its primary key (or empty)
                if text == "" or text.isdigit():
                    plain = f'<option value="{text}">'
                    options = options.replace(plain, f'<option value="{text}" selected>', 1)
        else:
            options = self._options(self.choices, selected)
        return mark_safe(f"{head}{options}\n</select>")  # noqa: S308 - every value escaped

    def _model_options(self, choices: ModelChoiceIterator) -> str:
        """The options of a model choice field without a selection, kept for OPTIONS_SECONDS:
        rendering several hundred staff members took a list page 30 ms of its time. A new
        staff member shows up in the filter within a minute."""
        query = choices.queryset.query
        key = (str(query), translation.get_language(), choices.field.empty_label)
        kept = _OPTIONS.get(key)
        now = time.time()
        if kept is None or now - kept[0] > OPTIONS_SECONDS:
            kept = (now, self._options(choices, set()))
            _OPTIONS[key] = kept
        return kept[1]

    @staticmethod
    def _options(choices, selected: set[str]) -> str:
        parts: list[str] = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(f'\n  <optgroup label="{conditional_escape(option_value)}">')
                parts += [_option(v, text, selected) for v, text in label]
                parts.append("\n  </optgroup>")
            else:
                parts.append(_option(option_value, label, selected))
        return "".join(parts)


def _option(value, label, selected: set[str]) -> str:
    text = "" if value is None else str(value)
    return render_option(text, label, selected=text in selected)


# A primary key PostgreSQL's bigint can hold; anything else is refused before a query.
_BIGINT = range(1, 2**63)


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice of a row of a small reference table (categories, departments), rendered with
    FastSelect (whose option list may be up to OPTIONS_SECONDS old). The submitted value is
    checked against the database, by primary key within the field's queryset: one indexed
    query, so a row deactivated a second ago is refused and one added is accepted."""

    widget = FastSelect
    queryset: QuerySet[Any]  # always given: a reference table

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = int(str(value))
        except ValueError:
            pk = 0
        row = self.queryset.order_by().filter(pk=pk).first() if pk in _BIGINT else None
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row
