"""Writes of the API app: making and revoking tokens, and the audit line of an API write."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState

from .models import ApiToken, Scope

TOKEN_MARK = "fa_"  # noqa: S105 - the fixed start of every token, not a secret


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_split(token: str) -> tuple[str, str] | None:
    """("prefix", "secret") of a well-formed token ("fa_<prefix>.<secret>"), else None."""
    if not token.startswith(TOKEN_MARK) or "." not in token:
        return None
    prefix, _dot, secret = token[len(TOKEN_MARK) :].partition(".")
    if not (prefix.isalnum() and 8 <= len(prefix) <= 16 and 20 <= len(secret) <= 100):
        return None
    return prefix, secret


def _snapshot(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "user": token.user.username, "scopes": list(token.scopes)}


@transaction.atomic
def api_token_create(
    actor: User | None, *, user: User, name: str, scopes: list[str]
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token, which is not kept anywhere.
    ``actor`` None: made from the command line by the operator."""
    if actor is not None and not permissions.has_role(actor, permissions.ADMIN):
        raise NotAllowed()
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise WrongState(
            gettext("Choose scopes among: %(scopes)s.") % {"scopes": ", ".join(Scope.values)}
        )
    if not name.strip():
        raise WrongState(gettext("Give the token a name (what uses it)."))
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=token_hash(secret),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="api.token_create",
        object_type="api_token",
        object_id=prefix,
        after=_snapshot(token),
    )
    return token, f"{TOKEN_MARK}{prefix}.{secret}"


@transaction.atomic
def api_token_revoke(actor: User | None, *, token: ApiToken) -> ApiToken:
    if actor is not None and not permissions.has_role(actor, permissions.ADMIN):
        raise NotAllowed()
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.token_revoke",
            object_type="api_token",
            object_id=token.prefix,
            after=_snapshot(token),
        )
    return token


def api_call_audit(*, token: ApiToken, action: str, object_type: str, object_id: str) -> None:
    """Beside the service's own audit event (same transaction, same request id): that the
    write came through the API, and with which token."""
    audit_record(
        actor=token.user,
        action="api.call",
        object_type=object_type,
        object_id=object_id,
        after={"channel": "api", "action": action, "token": token.prefix},
    )
