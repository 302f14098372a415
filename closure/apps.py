from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Closure")

    def ready(self) -> None:
        from cases import extensions
        from cases.events import event_kinds

        from . import events, panels, retention, spot

        extensions.register(
            *event_kinds(events.DESCRIBERS),
            extensions.ErasureStep(
                name="closure.signature_images", run=retention.erase_signature_images, order=50
            ),
            # An answer given on the spot is the case's first result (§3.4.1): before archive's
            # filing step (90), which files it when the visitor confirmed it in words.
            extensions.IntakeStep(name="closure.on_the_spot", run=spot.on_intake, order=50),
            extensions.CaseSections(name="closure", build=panels.case_sections, order=20),
            extensions.DeskBlock(name="closure", build=panels.desk_block, order=20),
        )
