from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Closure")

    def ready(self) -> None:
        from cases.models import Case
        from cases.services import case_registered

        from . import (
            events,  # noqa: F401 - registers the timeline texts
            retention,  # noqa: F401 - registers the signature erasure step
            spot,
        )

        case_registered.connect(spot.on_registered, sender=Case, dispatch_uid="closure.spot")
