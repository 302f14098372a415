"""`manage.py check` (and every server start) names a role mapping that cannot work, instead of
signing everybody out of single sign-on with no reason given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from accounts.permissions import ROLES


def _mapping_errors(name: str) -> list[Error]:
    mapping: Any = getattr(settings, name)
    if not isinstance(mapping, dict):
        return [
            Error(
                f"{name} must be a JSON object (key -> role or list of roles)", id="directory.E001"
            )
        ]
    errors = []
    for key, value in mapping.items():
        roles = [value] if isinstance(value, str) else value
        if not isinstance(roles, list) or not roles or not set(roles) <= set(ROLES):
            errors.append(
                Error(
                    f"{name}[{key!r}] = {value!r}: roles are {', '.join(ROLES)}",
                    id="directory.E002",
                )
            )
    return errors


@register()
def role_mappings(app_configs: Any, **kwargs: Any) -> list[Error]:
    return _mapping_errors("LDAP_ROLE_GROUPS") + _mapping_errors("OIDC_ROLE_MAP")
