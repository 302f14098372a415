from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import ApiToken


class TokenHasScope(BasePermission):
    """The view names the scope each method needs (``required_scopes``); a token without it is
    refused with 403. Who may see or change which case is not decided here: the selectors and
    services the view calls decide that, as for the pages."""

    message = _("This token does not have the scope this call needs.")

    def has_permission(self, request: Request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        scope = getattr(view, "required_scopes", {}).get(request.method)
        return scope is not None and scope in token.scopes
