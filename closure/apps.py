from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = _("Closure")

    def ready(self) -> None:
        from . import (
            events,  # noqa: F401 - registers the timeline texts
            retention,  # noqa: F401 - registers the signature erasure step
        )
