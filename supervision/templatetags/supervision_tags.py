from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("supervision/_desk_measures.html", takes_context=True)
def desk_measures(context) -> dict:
    """On the desk: the work-meeting measures the user owns that are not done yet."""
    user = context["request"].user
    return {"measures": list(selectors.open_measures_of(user)[:10])}
