from django.utils.translation import gettext_lazy as _


class CaseError(Exception):
    """A business rule refused the action; the message is shown to the user as it is."""

    default_message = _("This action is not allowed.")

    def __init__(self, message: object = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(CaseError):
    default_message = _("You are not allowed to do this.")


class WrongState(CaseError):
    default_message = _("The case is not in a state that allows this.")


class StaleVersion(CaseError):
    default_message = _(
        "Someone else changed this case while you were editing it. "
        "Reload the page to see their change, then try again."
    )


class ArchivedCase(CaseError):
    default_message = _("This case is archived and can no longer be changed.")
