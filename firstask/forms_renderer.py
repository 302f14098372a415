"""Django's form renderer, with its most common widget templates written in Python.

Every <input>, <textarea> and <select> Django renders goes through a template of its own, and
the attributes through another one (``attrs.html``), each option of a select through a third:
about a third of a millisecond per input on the bench, a few milliseconds on every page with a
form or a filter bar. ``FastRenderer`` writes exactly what those templates write (the tests
compare both character for character) and leaves every other template, and any project
override of these names, to the template engine.
"""

from __future__ import annotations

from pathlib import Path

from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The templates that are exactly {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel", "color", "checkbox", "file",
    )
)  # fmt: skip


def render_attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"`` per attribute, `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _value(value) -> str:
    """``{{ value|stringformat:'s' }}``: a safe string stays as it is, anything else escaped."""
    return conditional_escape(value if isinstance(value, SafeString) else str(value))


def render_input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_value(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{render_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{render_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def render_option(value, label, *, selected: bool) -> str:
    """select_option.html for a plain option, with the newline its include leaves after it:
    shared by ``render_select`` and ``cases.widgets.FastSelect``."""
    mark = " selected" if selected else ""
    return f'\n  <option value="{_value(value)}"{mark}>{conditional_escape(label)}</option>\n'


def render_select(widget: dict) -> str | None:
    """select.html with select_option.html; None when an option uses another template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{render_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None
            attrs = option["attrs"]
            if set(attrs) - {"selected"}:  # an option with attributes of its own
                parts.append(
                    f'\n  <option value="{_value(option["value"])}"{render_attrs(attrs)}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            else:
                selected = bool(attrs.get("selected"))
                parts.append(render_option(option["value"], option["label"], selected=selected))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's templates, the plain widgets written in Python."""

    @cached_property
    def _own(self) -> frozenset[str]:
        """The names above that still resolve to Django's own files (an app may override)."""
        import django.forms

        django_dir = str(Path(django.forms.__file__).parent / "templates")
        names = {*INPUTS, f"{WIDGETS}textarea.html", f"{WIDGETS}select.html"}
        names.add(f"{WIDGETS}select_option.html")
        names.add(f"{WIDGETS}attrs.html")
        own = {n for n in names if self.get_template(n).origin.name.startswith(django_dir)}
        if f"{WIDGETS}attrs.html" not in own:
            return frozenset()
        return frozenset(own)

    def render(self, template_name, context, request=None) -> str:
        widget = context.get("widget")
        html = None
        if (
            widget is not None
            and widget.get("template_name") == template_name
            and template_name in self._own
        ):
            if template_name in INPUTS:
                html = render_input(widget)
            elif template_name == f"{WIDGETS}textarea.html":
                html = render_textarea(widget)
            elif template_name == f"{WIDGETS}select.html" and f"{WIDGETS}select_option.html" in (
                self._own
            ):
                html = render_select(widget)
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html)  # noqa: S308 - every value above is escaped
