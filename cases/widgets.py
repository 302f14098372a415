"""Form widgets and fields that stay cheap with long option lists and small reference tables."""

from __future__ import annotations

import time

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Rendered options of model choices, per process: {key: (made at, html)}. A few keys at most
# (one per option list and language).
_OPTIONS: dict[tuple, tuple[float, str]] = {}
OPTIONS_SECONDS = 60


class FastSelect(forms.Select):
    """A <select> written in Python straight from its choices. Django renders each option
    through a template of its own (and builds a context dict for it first), about half a
    millisecond an option; the first-responder choices list every active staff member, several
    hundred in a large center, on every case-list page."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        head = format_html(
            '<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs))
        )
        if isinstance(self.choices, ModelChoiceIterator):
            options = self._model_options()
            for text in selected:  # a model choice's value is its primary key (or empty)
                if text == "" or text.isdigit():
                    plain = f'<option value="{text}">'
                    options = options.replace(plain, f'<option value="{text}" selected>', 1)
            return mark_safe(f"{head}{options}</select>")  # noqa: S308 - built by _options
        return mark_safe(f"{head}{self._options(self.choices, selected)}</select>")  # noqa: S308

    def _model_options(self) -> str:
        """The options of a model choice field without a selection, kept for OPTIONS_SECONDS:
        rendering several hundred staff members took a list page 30 ms of its time. A new
        staff member shows up in the filter within a minute."""
        query = self.choices.queryset.query
        key = (str(query), translation.get_language(), self.choices.field.empty_label)
        kept = _OPTIONS.get(key)
        now = time.time()
        if kept is None or now - kept[0] > OPTIONS_SECONDS:
            kept = (now, self._options(self.choices, set()))
            _OPTIONS[key] = kept
        return kept[1]

    def _options(self, choices, selected: set[str]) -> str:
        parts: list[str] = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts += [self._option(v, text, selected) for v, text in label]
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, selected))
        # Every piece is format_html output or a constant tag.
        return "".join(parts)

    @staticmethod
    def _option(value, label, selected: set[str]) -> SafeString:
        text = "" if value is None else str(value)
        if text in selected:
            return format_html('<option value="{}" selected>{}</option>', text, label)
        return format_html('<option value="{}">{}</option>', text, label)


# A primary key PostgreSQL's bigint can hold; anything else is refused before a query.
_BIGINT = range(1, 2**63)


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice of a row of a small reference table (categories, departments), rendered with
    FastSelect (whose option list may be up to OPTIONS_SECONDS old). The submitted value is
    checked against the database, by primary key within the field's queryset: one indexed
    query, so a row deactivated a second ago is refused and one added is accepted."""

    widget = FastSelect

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
