from __future__ import annotations

from typing import Any

from django import template

from ..events import rating_label

register = template.Library()


@register.filter
def satisfaction_label(value: Any) -> str:
    return rating_label(value)
