from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("answers/_kpi_most_used.html")
def answers_most_used() -> dict[str, Any]:
    """The KPI page's small table: the canned answers used most at intake."""
    return {"answers": selectors.answers_most_used()}
