"""The LDAP / Active Directory backend proper (django-auth-ldap, which builds python-ldap).

Imported only when LDAP_SERVER_URI is set (directory.sso.DirectoryLDAPBackend delegates here), so
the product installs and runs without python-ldap, whose build needs libldap's headers: it comes
with the `ldap` extra (`pip install ".[ldap]"`, the Docker image, `make test`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.config import LDAPSearch, LDAPSettings, MemberDNGroupType

from accounts.models import User

from .services import sso_user_apply
from .sso import local_account, roles_mapped


class LDAPDirectoryBackend(LDAPBackend):
    """django-auth-ldap configured from our LDAP_* settings (read at each sign-in)."""

    _settings: LDAPSettings | None = None

    @property
    def settings(self) -> LDAPSettings:
        if self._settings is None:
            import ldap

            ours = LDAPSettings(self.settings_prefix, self.default_settings)
            ours.SERVER_URI = settings.LDAP_SERVER_URI
            ours.BIND_DN = settings.LDAP_BIND_DN
            ours.BIND_PASSWORD = settings.LDAP_BIND_PASSWORD
            ours.START_TLS = settings.LDAP_START_TLS
            ours.USER_SEARCH = LDAPSearch(
                settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER
            )
            ours.GROUP_SEARCH = LDAPSearch(
                settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_GROUP_FILTER
            )
            ours.GROUP_TYPE = MemberDNGroupType(member_attr=settings.LDAP_GROUP_MEMBER_ATTR)
            ours.USER_ATTR_MAP = {
                "name": settings.LDAP_NAME_ATTR,
                "email": "mail",
                "work_phone": "telephoneNumber",
                "employee_no": "employeeNumber",
            }
            ours.ALWAYS_UPDATE_USER = True
            ours.CONNECTION_OPTIONS = {
                ldap.OPT_NETWORK_TIMEOUT: settings.LDAP_TIMEOUT,
                ldap.OPT_TIMEOUT: settings.LDAP_TIMEOUT,
                ldap.OPT_REFERRALS: 0,  # Active Directory: do not chase referrals
            }
            self._settings = ours
        return self._settings

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LDAP_SERVER_URI or not username or local_account(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        # Refuse before an account is made: only members of a mapped group sign in.
        roles = roles_mapped(list(ldap_user.group_dns), settings.LDAP_ROLE_GROUPS, fold_case=True)
        if not roles:
            raise ldap_user.AuthenticationFailed("member of no group in LDAP_ROLE_GROUPS")
        user, built = super().get_or_build_user(username, ldap_user)
        ldap_user._firstask_roles, ldap_user._firstask_new = roles, built
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        values = ldap_user.attrs.get(settings.LDAP_DEPARTMENT_ATTR.lower(), [])
        return sso_user_apply(
            user=user,
            source="ldap",
            roles=ldap_user._firstask_roles,
            department=values[0] if values else None,
            new=ldap_user._firstask_new,
        )
