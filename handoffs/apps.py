from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = _("Handoffs")

    def ready(self) -> None:
        from cases import extensions
        from cases.events import event_kinds

        from . import events, overdue, panels, receivers, selectors

        extensions.register(
            *event_kinds(events.DESCRIBERS),
            extensions.EventKind(name="assignment_overdue", describe=overdue.describe_overdue),
            overdue.deadline_table(),
            extensions.IntakeStep(
                name="handoffs.referral", run=receivers.referral_on_intake, order=10
            ),
            extensions.ResultBlocker(
                name="handoffs.open_work", ask=selectors.open_work_blocking_result
            ),
            extensions.PersonalDataHolder(name="handoffs.open_work", ask=selectors.holds_work_on),
            extensions.HandlingDepartments(
                name="handoffs.open_work", ask=selectors.departments_working_on
            ),
            extensions.CaseSections(name="handoffs", build=panels.case_sections, order=10),
            extensions.DeskBlock(name="handoffs", build=panels.desk_block, order=10),
            extensions.NavItem(name="handoffs", template="handoffs/_nav.html", order=10),
        )
