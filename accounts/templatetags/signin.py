"""The login page's single sign-on button, shown while OpenID Connect is configured
(OIDC_RP_CLIENT_ID; directory/sso.py serves the flow)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def oidc_provider() -> str:
    """The provider's name for the button, or "" when OpenID Connect is off."""
    return settings.OIDC_PROVIDER_NAME if settings.OIDC_RP_CLIENT_ID else ""
