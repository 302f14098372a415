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
        from cases import extensions
        from closure.services import case_closed

        from . import hooks, retention

        # Auditors read archives: they land there after signing in, not on an empty desk.
        account_views.LANDING_PAGES[AUDITOR] = "archive:list"
        extensions.register(
            extensions.EventKind(name="archived", describe=hooks.describe_archived),
            extensions.SearchCondition(
                name="archive.number", condition=hooks.search_archive_number
            ),
            # The case page's archive banner: the record comes with the case, not a query more.
            extensions.CaseJoin(name="archive_record"),
            extensions.CaseSections(name="archive", build=hooks.case_sections, order=30),
            extensions.IntakeStep(name="archive.file_on_the_spot", run=hooks.on_intake, order=90),
            extensions.ErasureStep(
                name="archive.redact_copies", run=retention.redact_archive_copies, order=90
            ),
            extensions.NavItem(name="archive", template="archive/_nav_item.html", order=20),
        )
        case_closed.connect(hooks.on_case_closed, dispatch_uid="archive.on_case_closed")
