"""FastRenderer writes exactly what Django's widget templates write (firstask/forms_renderer.py)."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from firstask.forms_renderer import FastRenderer

ATTRS = {"class": 'a "b" <c> & d', "required": True, "disabled": False, "data-n": 3}

WIDGETS = [
    (forms.TextInput(), "x"),
    (forms.TextInput(attrs=ATTRS), 'O\'Brien "<script>" & co'),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput(attrs={"min": 0, "step": 0.5}), 7),
    (forms.EmailInput(), "a@b.cn"),
    (forms.URLInput(), "https://x.cn/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.PasswordInput(), "secret"),
    (forms.HiddenInput(), "42"),
    (forms.DateInput(attrs={"type": "date"}), dt.date(2026, 11, 27)),
    (forms.DateTimeInput(attrs={"type": "datetime-local"}), "2026-11-27T10:00"),
    (forms.TimeInput(), dt.time(9, 30)),
    (forms.SearchInput(), "退费"),
    (forms.TelInput(attrs={"inputmode": "tel"}), "13800000000"),
    (forms.ColorInput(), "#ff0000"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 3}), "line 1\nline <2> & 3"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Select(choices=[("", "---------"), ("a", "甲 <A>"), ("b", 'B "&"')]), "a"),
    (forms.Select(choices=[("x", "X")], attrs=ATTRS), None),
    (
        forms.Select(choices=[("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")]),
        "2",
    ),
    (forms.NullBooleanSelect(), True),
    (forms.NullBooleanSelect(), None),
    (forms.SelectMultiple(choices=[("1", "one"), ("2", "two")]), ["1", "2"]),
    (forms.RadioSelect(choices=[("1", "one"), ("2", "two")]), "1"),  # not fast: the template
    (forms.ClearableFileInput(), None),  # not fast: the template
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
def test_fast_renderer_writes_what_the_templates_write(widget, value):
    django_html = widget.render(
        "field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates()
    )
    fast_html = widget.render("field", value, attrs={"id": "id_field"}, renderer=FastRenderer())
    assert fast_html == django_html


def test_whole_forms_render_the_same(db):
    from cases.filters import CaseFilter
    from cases.forms import IntakeForm
    from cases.models import Case

    bound = CaseFilter({"q": "<x>", "created_from": "bad", "overdue": "true"}, Case.objects.none())
    for form in (bound.form, IntakeForm(data={"subject": "<退费>", "phone": "x"}), IntakeForm()):
        form.renderer = DjangoTemplates()
        expected = [str(field) for field in form]
        form.renderer = FastRenderer()
        assert [str(field) for field in form] == expected


def test_plain_widgets_skip_the_template_engine(monkeypatch):
    renderer = FastRenderer()
    calls = []
    monkeypatch.setattr(
        DjangoTemplates, "render", lambda self, name, context, request=None: calls.append(name)
    )
    forms.TextInput().render("q", "x", renderer=renderer)
    forms.Select(choices=[("a", "A")]).render("s", "a", renderer=renderer)
    forms.Textarea().render("t", "x", renderer=renderer)
    assert calls == []
    forms.RadioSelect(choices=[("a", "A")]).render("r", "a", renderer=renderer)
    assert calls == ["django/forms/widgets/radio.html"]


def test_the_project_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastRenderer)


FAST_SELECTS = [
    ([("", "---------"), ("a", "甲 <A>"), ("b", 'B "&"')], "a", None),
    ([("x", "X")], None, ATTRS),
    ([("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")], "2", None),
    ([(1, "one"), (2, "two")], 2, {"id": "id_owner", "class": "form-select"}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), FAST_SELECTS)
def test_fast_select_writes_what_django_select_writes(choices, value, attrs):
    """cases.widgets.FastSelect writes its options itself, with the renderer's option markup."""
    from cases.widgets import FastSelect

    fast = FastSelect(choices=choices).render("owner", value, attrs=attrs)
    django = forms.Select(choices=choices).render(
        "owner", value, attrs=attrs, renderer=DjangoTemplates()
    )
    assert fast == django


@pytest.mark.django_db
def test_fast_select_of_model_choices_writes_what_django_select_writes(category):
    from cases.models import Category
    from cases.widgets import FastSelect

    Category.objects.create(code="ZZ", name='<b>"新"</b> & co')
    for value in (None, category.pk):
        fast = forms.ModelChoiceField(Category.objects.order_by("pk"), widget=FastSelect)
        plain = forms.ModelChoiceField(Category.objects.order_by("pk"))
        assert fast.widget.render("category", value) == plain.widget.render(
            "category", value, renderer=DjangoTemplates()
        )
