from django import template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from cases import events, extensions
from cases.calendar import local_moment
from cases.extensions import Section
from cases.models import Case
from cases.personal import mask_name, mask_phone
from firstask.jinja2 import render_rows

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)


@register.filter
def masked_name(name: str) -> str:
    return mask_name(name)


@register.filter
def describe_event(event) -> str:
    return events.describe(event.kind, event.data)


@register.simple_tag(takes_context=True)
def case_section(context: template.Context, section: Section) -> SafeString:
    """Render a section an app contributed (cases.extensions) with the page's context plus the
    section's own names: its template reads request, user, csrf_token and case as the page does."""
    compiled = get_template(section.template).template  # type: ignore[attr-defined]  # the engine's own, cached by it
    with context.push(section.context):
        return compiled.render(context)


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> SafeString:
    """The navigation entries every app registered (extensions.NavItem), in order."""
    html = SafeString()
    for item in extensions.registered(extensions.NavItem):
        html += get_template(item.template).template.render(context)  # type: ignore[attr-defined]
    return html


@register.filter
def is_overdue(case) -> bool:
    return case.is_overdue_at(timezone.now())


# The colour of a status badge (Bootstrap's text-bg-*).
STATUS_BADGES = {
    "open": "primary",
    "referred": "info",
    "coordinating": "info",
    "awaiting_confirmation": "warning",
    "closed": "success",
    "archived": "secondary",
}


@register.simple_tag
def status_badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "secondary")


@register.simple_tag
def case_rows(cases) -> SafeString:
    """The rows of a case table (cases/_case_table.html), from the Jinja2 template
    cases/jinja2/cases/_case_rows.html: through Django's template language a row cost about
    half a millisecond, 50 ms for a 100-row list page. Lists always mask the visitor (PRV-1);
    only the case page shows the data in full."""
    now = timezone.now()

    def overdue_by(deadline) -> str:
        return gettext("Overdue by %(duration)s") % {"duration": timesince(deadline, now)}

    return render_rows(
        "cases/_case_rows.html",
        {
            "cases": cases,
            "now": now,
            "moment": local_moment,
            "case_url": Case.url_maker(),
            "masked_name": mask_name,
            "badges": STATUS_BADGES,
            "status_labels": {value: str(label) for value, label in Case.Status.choices},
            "overdue_by": overdue_by,
        },
    )
