from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The staff directory from outside: single sign-on (LDAP, OpenID Connect) and bulk import
    and export of departments, staff and categories. It sits below every other app, so it may
    use them all (accounts, audit, cases); nothing imports it."""

    name = "directory"
    verbose_name = _("Staff directory")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the role-mapping check
