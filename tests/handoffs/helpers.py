from __future__ import annotations

from audit.models import AuditEvent
from cases.models import Case


def audit_actions(object_type: str, object_id) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .order_by("id")
        .values_list("action", flat=True)
    )


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("id").values_list("kind", flat=True))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)
