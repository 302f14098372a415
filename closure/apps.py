from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Closure")

    def ready(self) -> None:
        from cases import extensions
        from cases.events import event_kinds

        from . import events, panels, retention

        extensions.register(
            *event_kinds(events.DESCRIBERS),
            extensions.ErasureStep(
                name="closure.signature_images", run=retention.erase_signature_images, order=50
            ),
            extensions.CaseSections(name="closure", build=panels.case_sections, order=20),
            extensions.DeskBlock(name="closure", build=panels.desk_block, order=20),
        )
