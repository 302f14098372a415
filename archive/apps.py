from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        import logging

        # WeasyPrint logs every rendering step at INFO; only its warnings matter here.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from cases import events
        from cases.services import case_registered
        from closure.services import case_closed

        from . import hooks

        events.register("archived", hooks.describe_archived)
        case_closed.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_closed")
        case_registered.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_registered")
