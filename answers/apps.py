from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "answers"
    verbose_name = _("Canned answers")

    def ready(self) -> None:
        from cases import extensions

        extensions.register(
            extensions.NavItem(name="answers", template="answers/_nav_item.html", order=40),
            extensions.IntakeSection(name="answers", template="answers/_intake_search.html"),
        )
