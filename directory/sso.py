"""Single sign-on: LDAP / Active Directory (django-auth-ldap, in directory/ldap_backend.py) and
OpenID Connect (mozilla-django-oidc), each on when its settings are given (LDAP_SERVER_URI,
OIDC_RP_CLIENT_ID) and idle otherwise, so both stay in AUTHENTICATION_BACKENDS.

Rules shared by both:
- Only members of a mapped group (LDAP_ROLE_GROUPS, OIDC_ROLE_MAP) sign in; their role groups
  are replaced by the mapped roles at every sign-in (a group taken away in the directory is a
  role taken away here), the department is set from an attribute/claim naming its code or name.
- Local accounts remain: an account with a usable password (break-glass admins, the demo) is
  never signed in or changed by a provider, even if the directory has the same username.
- A provider that does not answer fails its own sign-in only; local sign-in goes on.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import User
from accounts.permissions import ROLES

from .services import sso_user_apply

logger = logging.getLogger(__name__)


def roles_mapped(values: list[str], mapping: dict[str, Any], *, fold_case: bool) -> set[str]:
    """Roles named by the mapping for the given group DNs or claim values (a mapping value is
    one role or a list of roles)."""
    folded = {(k.lower() if fold_case else k): v for k, v in mapping.items()}
    roles: set[str] = set()
    for value in values:
        mapped = folded.get(value.lower() if fold_case else value)
        if mapped:
            roles |= {mapped} if isinstance(mapped, str) else set(mapped)
    return roles & set(ROLES)


def local_account(username: str) -> bool:
    user = User.objects.filter(username__iexact=username).first()
    return user is not None and user.has_usable_password()


# --- LDAP / Active Directory ---


class DirectoryLDAPBackend:
    """LDAP sign-in, idle without LDAP_SERVER_URI. The work is done by
    directory.ldap_backend.LDAPDirectoryBackend, imported only once LDAP is configured: python-ldap
    is an optional extra (`ldap`), not needed by `make run`."""

    def _backend(self) -> Any:
        from .ldap_backend import LDAPDirectoryBackend

        return LDAPDirectoryBackend()

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LDAP_SERVER_URI or not username:
            return None
        return self._backend().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: int) -> User | None:
        if not settings.LDAP_SERVER_URI:
            return None
        return self._backend().get_user(user_id)


# --- OpenID Connect ---


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc, idle without OIDC_RP_CLIENT_ID; checks the id_token's audience and
    issuer (the library does not) and maps claims onto roles and a department."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError) as error:
            # A forged or misdirected token, or a provider that does not answer: this sign-in
            # fails (back to the login page, which says so), nothing else does.
            logger.warning("oidc: sign-in refused: %s", error)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id_token not issued for this client (aud)")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("id_token from another issuer (iss)")
        return payload

    @staticmethod
    def _claim_list(claims: dict[str, Any], name: str) -> list[str]:
        value = claims.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def _roles(self, claims: dict[str, Any]) -> set[str]:
        values = self._claim_list(claims, settings.OIDC_ROLES_CLAIM)
        return roles_mapped(values, settings.OIDC_ROLE_MAP, fold_case=False)

    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "")[:150]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        username = self._username(claims)
        if not username or not self._roles(claims):
            logger.info("oidc: %r refused (no username or no mapped role)", username)
            return False
        return not local_account(username)

    def filter_users_by_claims(self, claims: dict[str, Any]):
        return User.objects.filter(username__iexact=self._username(claims))

    def _apply(self, user: User, claims: dict[str, Any], *, new: bool) -> User:
        departments = self._claim_list(claims, settings.OIDC_DEPARTMENT_CLAIM)
        return sso_user_apply(
            user=user,
            source="oidc",
            roles=self._roles(claims),
            department=departments[0] if departments else None,
            name=str(claims.get(settings.OIDC_NAME_CLAIM) or ""),
            email=str(claims.get("email") or ""),
            new=new,
        )

    def create_user(self, claims: dict[str, Any]) -> User:
        return self._apply(User(username=self._username(claims)), claims, new=True)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return self._apply(user, claims, new=False)


@login_not_required
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Redirect to the provider's sign-in page (404 while OpenID Connect is off)."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code; a refused or failed sign-in goes
    to the login page, which says so."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
