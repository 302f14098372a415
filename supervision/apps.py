from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from cases import extensions

        from . import panels

        extensions.register(
            # The public status page tells the visitor where to complain (SUP-1).
            extensions.StatusPageSection(
                name="supervision.complaint", template="supervision/_status_complaint.html"
            ),
            # So does the receipt (§4.2.2, SUP-4).
            extensions.ReceiptSection(
                name="supervision.complaint", template="supervision/_receipt_complaint.html"
            ),
            extensions.DeskBlock(name="supervision", build=panels.desk_block, order=30),
            extensions.NavItem(name="supervision", template="supervision/_nav_item.html", order=30),
        )
