from django.utils.translation import gettext_lazy as _

from cases.errors import CaseError, NotAllowed

__all__ = ["BadInput", "NotAllowed", "SupervisionError"]


class SupervisionError(CaseError):
    default_message = _("This action is not allowed.")


class BadInput(SupervisionError):
    """The request cannot be carried out as given; the message says what to change."""

    default_message = _("Check the values you entered.")
