"""Form widgets that stay cheap with long option lists."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A <select> written in Python straight from its choices. Django renders each option
    through a template of its own (and builds a context dict for it first), about half a
    millisecond an option; the first-responder choices list every active staff member, several
    hundred in a large center, on every case-list page."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        parts = [
            format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))
        ]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts += [self._option(v, text, selected) for v, text in label]
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, selected))
        parts.append("</select>")
        # Every piece is format_html output or a constant tag.
        return mark_safe("".join(parts))  # noqa: S308

    @staticmethod
    def _option(value, label, selected: set[str]) -> SafeString:
        text = "" if value is None else str(value)
        if text in selected:
            return format_html('<option value="{}" selected>{}</option>', text, label)
        return format_html('<option value="{}">{}</option>', text, label)
