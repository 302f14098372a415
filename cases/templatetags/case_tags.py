from django import template
from django.utils import timezone

from cases import events
from cases.models import ACTIVE_STATUSES
from cases.personal import mask_name, mask_phone

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


@register.filter
def is_overdue(case) -> bool:
    return bool(case.deadline and case.status in ACTIVE_STATUSES and case.deadline < timezone.now())


@register.simple_tag
def status_badge_class(status: str) -> str:
    return {
        "open": "primary",
        "referred": "info",
        "coordinating": "info",
        "awaiting_confirmation": "warning",
        "closed": "success",
        "archived": "secondary",
    }.get(status, "secondary")
