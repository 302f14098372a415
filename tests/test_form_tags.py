"""fast_field / fast_form write the markup crispy-bootstrap5 writes: every field of the forms on
the intake, list, case, status and closure pages, bound with and without errors, rendered both
ways and compared (whitespace aside) as element trees and as the exact sequence of tags,
attributes (in order) and text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from cases import forms as case_forms
from cases import privacy_forms
from cases.filters import CaseFilter
from cases.models import Case
from closure import forms as closure_forms
from firstask.templatetags import form_tags
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.tokens.append(("text", text))


def _tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def assert_same_markup(fast: str, crispy: str) -> None:
    assert parse_html(fast) == parse_html(crispy)
    assert _tokens(fast) == _tokens(crispy)


def _case_filter_form(data):
    return CaseFilter(data, queryset=Case.objects.all()).form


# Each entry makes a fresh form: crispy writes its classes into the widget's attrs, so the two
# renderings must not share one instance. auto_id as the pages use it.
FORMS = {
    "intake": lambda data: case_forms.IntakeForm(data),
    "case_filter": _case_filter_form,
    "status_lookup": lambda data: case_forms.StatusLookupForm(data),
    "extend": lambda data: case_forms.ExtendDeadlineForm(
        data, initial={"version": 3}, auto_id="extend_%s"
    ),
    "reassign": lambda data: case_forms.ReassignOwnerForm(
        data, initial={"version": 3}, auto_id="reassign_%s"
    ),
    "visitor_export": lambda data: privacy_forms.VisitorExportForm(data, auto_id="export_%s"),
    "visitor_correct": lambda data: privacy_forms.VisitorCorrectForm(data, auto_id="correct_%s"),
    "result": lambda data: closure_forms.ResultForm(data, initial={"version": 3}),
    "other_confirmation": lambda data: closure_forms.OtherConfirmationForm(data),
    "decision": lambda data: closure_forms.DecisionForm(data),
    "callback": lambda data: closure_forms.CallbackForm(data),
}
# Unbound; bound with nothing (required-field errors); bound with wrong values (choice, number,
# date and length errors, and values echoed back into the controls).
DATA = {
    "unbound": None,
    "empty": {},
    "wrong": {
        "visit_time": "not a time",
        "visitor_name": "x" * 41,
        "phone": "<b>13800000000</b>",
        "visitor_type": "nobody",
        "channel": "in_person",
        "category": "999999",
        "subject": 'a "quoted" & <subject>',
        "outcome": "referral",
        "working_days": "0",
        "deadline_at": "2020-01-01T10:00",
        "department": "999999",
        "status": "no-such-status",
        "owner": "-1",
        "created_from": "2026-13-45",
        "overdue": "maybe",
        "ordering": "-created",
        "number": "SW-20260101-0001",
        "version": "x",
        "new_owner": "abc",
        "how_given": "carrier pigeon",
        "rating": "7",
        "method": "phone",
        "decision": "maybe",
    },
}


@pytest.fixture(autouse=True)
def _options(category, department, front_desk):
    """Categories, departments and staff, so the selects have options to render."""
    DepartmentFactory.create(code="XZ", name="Admin & <Office>")


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_every_field_renders_as_crispy_renders_it(make, data):
    fast_form, crispy_form = make(data), make(data)
    if data:  # the wrong values: every form has field errors to show
        assert not fast_form.is_valid()
        assert not crispy_form.is_valid()
    for name in fast_form.fields:
        assert_same_markup(
            form_tags.fast_field(fast_form[name]), as_crispy_field(crispy_form[name])
        )


@pytest.mark.parametrize("data", DATA.values(), ids=DATA.keys())
@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_whole_form_renders_as_crispy_renders_it(make, data):
    assert_same_markup(form_tags.fast_form(make(data)), as_crispy_form(make(data)))


def test_non_field_errors_render_as_crispy_renders_them():
    def make():
        form = case_forms.StatusLookupForm({"number": "SW-1", "query_code": "1"})
        form.is_valid()
        form.add_error(None, "No <such> case & code")
        form.add_error(None, "Second")
        return form

    fast = form_tags.fast_form(make())
    assert "No &lt;such&gt; case &amp; code" in fast
    assert_same_markup(fast, as_crispy_form(make()))


class _Sample(forms.Form):
    name = forms.CharField(label="Name & <title>", help_text="Your <em>full</em> name")
    email = forms.EmailField(required=False)
    age = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "narrow"}))
    when = forms.TimeField(widget=forms.TimeInput, required=False)
    site = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    answer = forms.NullBooleanField()
    kept = forms.CharField(required=False, show_hidden_initial=True)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField()
    pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(
        choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False
    )
    upload = forms.FileField(required=False)
    moment = forms.SplitDateTimeField(required=False)

    def clean_name(self):
        raise forms.ValidationError(["First <problem>", "Second problem"])


@pytest.mark.parametrize("data", [None, {"email": "nope", "age": "x", "site": "::"}])
def test_every_widget_kind_renders_as_crispy_renders_it(data):
    fast_form, crispy_form = _Sample(data), _Sample(data)
    for name in fast_form.fields:
        assert_same_markup(
            form_tags.fast_field(fast_form[name]), as_crispy_field(crispy_form[name])
        )


def test_a_required_field_has_the_asterisk():
    html = form_tags.fast_field(case_forms.StatusLookupForm()["number"])
    assert 'class="form-label requiredField"' in html
    assert '<span class="asteriskField">*</span>' in html


def test_help_text_is_described_by():
    html = form_tags.fast_field(privacy_forms.VisitorExportForm(auto_id="export_%s")["reason"])
    assert '<div id="export_reason_helptext" class="form-text">' in html
    assert 'aria-describedby="export_reason_helptext"' in html


def test_an_error_marks_the_control_invalid():
    form = case_forms.StatusLookupForm({"number": "SW-1"})
    html = form_tags.fast_field(form["query_code"])
    assert 'class="textinput form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert '<div id="id_query_code_error" class="invalid-feedback">' in html
    assert '<p id="error_1_id_query_code"><strong>' in html


def test_a_select_gets_form_select():
    html = form_tags.fast_field(_case_filter_form(None)["status"])
    assert 'class="fastselect form-select"' in html


def test_plain_widgets_never_reach_crispy(monkeypatch):
    def refuse(field):
        raise AssertionError(f"{field.name} went to crispy")

    monkeypatch.setattr(form_tags, "as_crispy_field", refuse)
    form = case_forms.IntakeForm({})
    for name in ("visit_time", "visitor_name", "phone", "visitor_type", "category", "question"):
        form_tags.fast_field(form[name])
    for field in _case_filter_form({}):
        form_tags.fast_field(field)


def test_radio_buttons_go_to_crispy():
    form = case_forms.IntakeForm()
    assert not form_tags.is_plain(form["outcome"])
    assert form_tags.fast_field(form["outcome"]) == as_crispy_field(
        case_forms.IntakeForm()["outcome"]
    )


def test_a_form_with_a_helper_goes_to_crispy(monkeypatch):
    form = case_forms.StatusLookupForm()
    monkeypatch.setattr(form, "helper", object(), raising=False)
    assert not form_tags.is_plain(form["number"])


def test_what_is_not_a_field_goes_to_crispy(monkeypatch):
    monkeypatch.setattr(form_tags, "as_crispy_field", lambda field: f"crispy({field!r})")
    # As a template calls the filter: with whatever the variable holds (here a misspelt name).
    fast_field = form_tags.register.filters["fast_field"]
    assert fast_field("") == "crispy('')"


def test_filters_are_autoescape_safe_in_templates():
    template = Template("{% load form_tags %}{{ form.number|fast_field }}{{ form|fast_form }}")
    html = template.render(Context({"form": case_forms.StatusLookupForm()}))
    assert '<input type="text" name="number"' in html
    assert "&lt;" not in html
