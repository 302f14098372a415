from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = _("Handoffs")

    def ready(self) -> None:
        from cases import hooks
        from cases.models import Case
        from cases.services import case_registered

        from . import events, overdue, receivers, selectors

        events.register_all()
        overdue.register()
        case_registered.connect(
            receivers.referral_on_intake, sender=Case, dispatch_uid="handoffs.referral_on_intake"
        )
        if selectors.open_work_blocking_result not in hooks.result_blockers:
            hooks.result_blockers.append(selectors.open_work_blocking_result)
        if selectors.holds_work_on not in hooks.personal_data_holders:
            hooks.personal_data_holders.append(selectors.holds_work_on)
        if selectors.departments_working_on not in hooks.handling_departments:
            hooks.handling_departments.append(selectors.departments_working_on)
