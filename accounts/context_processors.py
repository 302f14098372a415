from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    names = permissions.roles_of(user)
    return {
        "roles": names,
        "is_center_head": permissions.CENTER_HEAD in names,
        "is_auditor": permissions.AUDITOR in names,
        # Permission flags the templates read rather than combining roles themselves.
        "can_coordinate": permissions.can_coordinate(user),
        "is_supervisor": permissions.is_supervisor(user),
        "can_register_case": permissions.can_register_case(user),
        "can_read_audit_trail": permissions.can_read_audit_trail(user),
        "can_manage_directory": permissions.can_manage_directory(user),
    }
