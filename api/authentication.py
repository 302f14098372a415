"""Bearer tokens: ``Authorization: Bearer fa_<prefix>.<secret>``."""

from __future__ import annotations

import datetime as dt
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import ApiToken
from .services import token_hash, token_split

KEYWORD = "Bearer"
# last_used_at is written at most this often per token: not one UPDATE per call.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None  # no credentials: NotAuthenticated (401) from the permission check
        if parts[0].decode("latin-1").lower() != KEYWORD.lower() or len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Bearer <token>."))
        try:
            split = token_split(parts[1].decode())
        except UnicodeDecodeError:
            split = None
        token = None
        if split is not None:
            prefix, secret = split
            token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
            if token is not None and not hmac.compare_digest(token.key_hash, token_hash(secret)):
                token = None
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
