from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        import logging

        # WeasyPrint logs every rendering step at INFO; only its warnings matter here.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from accounts import views as account_views
        from accounts.permissions import AUDITOR
        from cases import events
        from cases import hooks as case_hooks
        from cases.services import case_registered
        from closure.services import case_closed

        from . import hooks
        from . import retention as _retention  # noqa: F401  registers the erasure step

        events.register("archived", hooks.describe_archived)
        # Auditors read archives: they land there after signing in, not on an empty desk.
        account_views.LANDING_PAGES[AUDITOR] = "archive:list"
        from cases import search

        if hooks.search_archive_number not in search.search_conditions:
            search.search_conditions.append(hooks.search_archive_number)
        # The case page's archive banner: the record comes with the case, not a query more.
        if "archive_record" not in case_hooks.case_page_related:
            case_hooks.case_page_related.append("archive_record")
        case_closed.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_closed")
        case_registered.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_registered")
