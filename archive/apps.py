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
        from cases import hooks as case_hooks
        from cases.services import case_registered
        from closure.services import case_closed

        from . import hooks
        from . import retention as _retention  # noqa: F401  registers the erasure step

        events.register("archived", hooks.describe_archived)
        # The case page's archive banner: the record comes with the case, not a query more.
        if "archive_record" not in case_hooks.case_page_related:
            case_hooks.case_page_related.append("archive_record")
        case_closed.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_closed")
        case_registered.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_registered")
