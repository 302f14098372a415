from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from . import events, extensions, intake, notices, overdue, visitor_messages

        extensions.register(
            *events.event_kinds(events.DESCRIBERS),
            overdue.case_table(),
            extensions.IntakeStep(
                name="cases.referral_notice", run=notices.tell_referred_department, order=20
            ),
            extensions.ErasureStep(name="cases.documents", run=intake.erase_documents, order=10),
            extensions.ErasureStep(
                name="cases.contact", run=visitor_messages.erase_contact, order=11
            ),
        )
