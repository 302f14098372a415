"""The project's one way to render a form in a template: ``{% load form_tags %}``, then
``{{ form|fast_form }}`` for a whole form or ``{{ form.field|fast_field }}`` for one field laid
out by the template. Every template uses these two filters; none uses ``|crispy`` directly.

They write the markup crispy-bootstrap5's ``bootstrap5/field.html`` gives a field (default
layout, no FormHelper), in Python: through crispy's template a field cost about a millisecond,
80% of the intake form's render time (measured: the intake form 200 times, crispy 57 ms a
form, fast_form 29 ms, both over FastRenderer). Only the wrapper, label, errors and help text
are written here: the widget itself still renders through the form renderer
(``settings.FORM_RENDERER``, firstask/forms_renderer.py), so a widget with its own ``render``
(cases.widgets.FastSelect) keeps working. Anything crispy lays out differently (check boxes,
radio buttons, file inputs, fieldsets, multi-widgets, forms with a helper) is handed to crispy
itself. tests/test_form_tags.py compares both renderings character by character."""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Django's own templates of widgets that crispy renders as label + control + errors + help.
# A subclass with a template of its own goes to crispy, whatever that template draws.
PLAIN_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "email",
        "number",
        "date",
        "datetime",
        "time",
        "url",
        "tel",
        "search",
        "password",
        "textarea",
        "select",
    )
)
# Widgets crispy gives a layout of their own (form-check, fieldset, file input) even when a
# project subclass keeps a plain template.
_OWN_LAYOUT = (forms.CheckboxInput, forms.RadioSelect, forms.FileInput, forms.MultiWidget)


def is_plain(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        widget.template_name in PLAIN_TEMPLATES
        and not isinstance(widget, _OWN_LAYOUT)
        and not field.use_fieldset
        and getattr(field.form, "helper", None) is None
    )


@register.filter
def fast_field(field: BoundField) -> SafeString:
    """``{{ field|as_crispy_field }}`` without the template."""
    if not isinstance(field, BoundField):  # a misspelt field: crispy's error or blank output
        return as_crispy_field(field)
    if field.is_hidden:  # crispy: just the widget
        return SafeString(field)
    if not is_plain(field):
        return as_crispy_field(field)
    errors = field.errors
    auto_id = field.auto_id
    css_classes = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        auto_id,
        f" {css_classes}" if css_classes else "",
        _label(field),
        _widget(field, invalid=bool(errors)),
        _errors(errors, auto_id),
        _help_text(field, auto_id),
    )


@register.filter
def fast_form(form: forms.BaseForm) -> SafeString:
    """``{{ form|crispy }}`` without the templates: non-field errors, then every field."""
    if not isinstance(form, forms.BaseForm) or getattr(form, "helper", None) is not None:
        return as_crispy_form(form)
    non_field = form.non_field_errors()
    head = ""
    if non_field:
        head = format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((error,) for error in non_field)),
        )
    # Every piece is format_html output or crispy's own rendering.
    return mark_safe(head + "".join(fast_field(field) for field in form))  # noqa: S308


def _label(field: BoundField) -> SafeString | str:
    label = field.label
    if not label:
        return ""
    required = field.field.required
    id_for_label = field.id_for_label
    return format_html(
        '<label{} class="form-label{}">{}{}</label>',
        format_html(' for="{}"', id_for_label) if id_for_label else "",
        " requiredField" if required else "",
        label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )


def _widget(field: BoundField, *, invalid: bool) -> SafeString:
    """The control with the classes crispy's ``{% crispy_field %}`` adds, passed as render
    attributes instead of written into the widget's own attrs as crispy does."""
    widget = field.field.widget
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css += f" {name}"
    extra = "form-select" if isinstance(widget, forms.Select) else "form-control"
    present = css.split()
    for added in f"{extra} is-invalid".split() if invalid else (extra,):
        if added not in present:
            css += f" {added}"
    html = field.as_widget(attrs={"class": css})
    if field.field.show_hidden_initial:  # as str(field) does
        html += field.as_hidden(only_initial=True)
    return html


def _errors(errors, auto_id: str) -> SafeString | str:
    if not errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        getattr(errors, "field_id", ""),
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, auto_id, error) for number, error in enumerate(errors, start=1)),
        ),
    )


def _help_text(field: BoundField, auto_id: str) -> SafeString | str:
    help_text = field.help_text
    if not help_text:
        return ""
    # Help text is trusted markup, as in crispy's template (|safe) and Django's own forms.
    return format_html(
        '<div {}class="form-text">{}</div>',
        format_html('id="{}_helptext" ', auto_id) if auto_id else "",
        mark_safe(str(help_text)),  # noqa: S308
    )
