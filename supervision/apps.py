from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from cases import hooks

        # The public status page tells the visitor where to complain (SUP-1).
        if "supervision/_status_complaint.html" not in hooks.status_page_sections:
            hooks.status_page_sections.append("supervision/_status_complaint.html")
        # So does the receipt (§4.2.2, SUP-4).
        if "supervision/_receipt_complaint.html" not in hooks.receipt_sections:
            hooks.receipt_sections.append("supervision/_receipt_complaint.html")
