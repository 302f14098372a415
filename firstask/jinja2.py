"""The Jinja2 template engine (settings TEMPLATES ``"jinja2"``), for the table rows a page
lists by the hundred: the case tables, the coordination desk, the KPI report. Through Django's
template language such a row cost about half a millisecond; the same markup in a Jinja2
template (``<app>/jinja2/<app>/_*.html``) costs a few hundredths, and is still markup,
escaped by default. Every other template is a Django template.

A Django template reaches such rows through a small tag of its app (``{% case_rows cases %}``)
that gathers what every row shares (a link pattern resolved once, translated labels) and calls
``render_rows``; app helpers (``local_moment``, ``mask_name``) come in that context, so this
module names no app.
"""

from __future__ import annotations

from typing import Any

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from jinja2 import Environment, StrictUndefined


def truncatechars(text: str, length: int) -> str:
    """Django's ``truncatechars``, skipping Truncator for a text already short enough (most
    tasks and positions): Truncator was a fifth of a desk row's cost."""
    return text if len(text) <= length else Truncator(text).chars(length)


def environment(**options: Any) -> Environment:
    # A misspelt name fails the render (and its test) rather than writing nothing.
    options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701 - the backend turns autoescape on
    env.filters.update(truncatechars=truncatechars)
    return env


def render_rows(template_name: str, context: dict[str, Any]) -> SafeString:
    """The Jinja2 template ``template_name`` rendered with ``context``, ready for a Django
    template. Jinja2 escaped every value it wrote (autoescape is on for the engine)."""
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2
