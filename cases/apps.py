from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The referral notice listens to case_registered; the scan registers the Case table.
        from . import intake, notices, overdue, visitor_messages  # noqa: F401
