from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from firstask import attachments

from . import calendar
from .models import (
    SPOT_RATINGS,
    Category,
    Channel,
    Outcome,
    PendingReason,
    SpotConfirmation,
    VisitorType,
)
from .personal import normalize_phone
from .widgets import FastSelect, ReferenceChoiceField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeadlineMode:
    WORKING_DAYS = "working_days"
    DATETIME = "datetime"
    CHOICES = [(WORKING_DAYS, _("In working days")), (DATETIME, _("On a date and time"))]


class DeadlineFieldsMixin(forms.Form):
    """A promised deadline given as N working days or as a date and time (OWN-2)."""

    deadline_mode = forms.ChoiceField(
        label=_("Promise"),
        choices=DeadlineMode.CHOICES,
        initial=DeadlineMode.WORKING_DAYS,
        widget=forms.RadioSelect,
        required=False,
    )
    working_days = forms.IntegerField(
        label=_("Working days"), min_value=1, max_value=60, initial=3, required=False
    )
    deadline_at = forms.DateTimeField(label=_("Deadline"), widget=DATETIME_WIDGET, required=False)

    def clean_deadline(self) -> dt.datetime | None:
        """Compute the deadline, attaching errors to the fields the user filled."""
        mode = self.cleaned_data.get("deadline_mode") or DeadlineMode.WORKING_DAYS
        if mode == DeadlineMode.WORKING_DAYS:
            days = self.cleaned_data.get("working_days")
            if not days:
                self.add_error("working_days", _("Enter how many working days (1–60)."))
                return None
            return calendar.deadline_in_working_days(days)
        moment = self.cleaned_data.get("deadline_at")
        if moment is None:
            self.add_error("deadline_at", _("Enter the date and time you promise."))
            return None
        if moment <= timezone.now():
            self.add_error("deadline_at", _("The promised deadline must be in the future."))
            return None
        if not calendar.is_workday(calendar.local_date(moment)):
            self.add_error(
                "deadline_at", _("That day is a weekend or public holiday; choose a working day.")
            )
            return None
        return moment


class IntakeForm(DeadlineFieldsMixin):
    visit_time = forms.DateTimeField(label=_("Visit time"), widget=DATETIME_WIDGET)
    # First field on the page (cases/case_new.html): the cursor starts there.
    visitor_name = forms.CharField(
        label=_("Visitor's name"), max_length=40, widget=forms.TextInput(attrs={"autofocus": True})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # The person picked among those on file for the phone (cases/_visitor_history.html); empty:
    # the person with this phone and name, added if new (VIS-1).
    visitor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    visitor_type = forms.ChoiceField(label=_("Visitor type"), choices=VisitorType.choices)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.IN_PERSON
    )
    category = ReferenceChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    subject = forms.CharField(label=_("Subject"), max_length=120)
    question = forms.CharField(
        label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        initial=Outcome.SELF,
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer given"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # §3.4.1: the visitor confirms the answer given on the spot like any result.
    confirmation_method = forms.ChoiceField(
        label=_("How the visitor confirms the answer"),
        choices=SpotConfirmation.choices,
        initial=SpotConfirmation.SIGNATURE,
        required=False,
    )
    rating = forms.TypedChoiceField(
        label=_("Satisfaction the visitor gave"),
        choices=[("", "---------"), *SPOT_RATINGS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    confirmation_note = forms.CharField(
        label=_("What the visitor said"),
        max_length=200,
        required=False,
        help_text=_("e.g. the visitor said the question is answered"),
    )
    department = ReferenceChoiceField(
        label=_("Refer to department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    notify_visitor = forms.BooleanField(
        label=_("Send the visitor messages about this case (SMS to the phone above)"),
        required=False,
    )
    visitor_email = forms.EmailField(
        label=_("Visitor's e-mail (optional)"), required=False, max_length=254
    )
    pending_reason = forms.ChoiceField(
        label=_("Why it could not be answered on the spot"),
        choices=[("", "---------"), *PendingReason.choices],
        required=False,
    )
    pending_note = forms.CharField(
        label=_("Reason told to the visitor"),
        max_length=500,
        required=False,
        help_text=_("Required for another reason; shown on the case's timeline."),
    )
    document = forms.FileField(
        label=_("Visitor's document (optional)"),
        required=False,
        help_text=_("A photo or scan: PDF, PNG or JPEG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    print_receipt = forms.BooleanField(
        label=_("Open the print dialog for the receipt after registering"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit_time"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            attachments.sniff(upload, size=upload.size or 0, kinds=attachments.DOCUMENT_KINDS)
        return upload

    def clean_visit_time(self) -> dt.datetime:
        moment = self.cleaned_data["visit_time"]
        if moment > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("The visit time cannot be in the future."))
        return moment

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        outcome = data.get("outcome")
        data["deadline"] = None
        if outcome == Outcome.ON_THE_SPOT:
            if not (data.get("answer") or "").strip():
                self.add_error("answer", _("Write down the answer you gave on the spot."))
            self._clean_spot_confirmation(data)
        elif outcome:
            data["deadline"] = self.clean_deadline()
            if not data.get("pending_reason"):
                self.add_error(
                    "pending_reason", _("Say why the question could not be answered on the spot.")
                )
            elif (
                data["pending_reason"] == PendingReason.OTHER
                and not (data.get("pending_note") or "").strip()
            ):
                self.add_error("pending_note", _("Explain the other reason."))
        if outcome == Outcome.REFERRAL and not data.get("department"):
            self.add_error("department", _("Choose the department the visitor is referred to."))
        self._clean_messages(data)
        return data

    def _clean_spot_confirmation(self, data: dict) -> None:
        """Signed on the screen next, or confirmed in words with the rating given."""
        if (data.get("confirmation_method") or SpotConfirmation.SIGNATURE) == (
            SpotConfirmation.SIGNATURE
        ):
            return
        if data.get("rating") is None:
            self.add_error("rating", _("Record the satisfaction the visitor gave (1 to 5)."))
        if not (data.get("confirmation_note") or "").strip():
            self.add_error("confirmation_note", _("Record how the visitor confirmed the answer."))

    def _clean_messages(self, data: dict) -> None:
        if data.get("visitor_email") and not data.get("notify_visitor"):
            self.add_error(
                "visitor_email", _("Tick “send the visitor messages” to use this address.")
            )
        landline = "-" in (data.get("phone") or "")
        if data.get("notify_visitor") and landline and not data.get("visitor_email"):
            self.add_error(
                "notify_visitor",
                _("A landline cannot receive SMS: give the visitor's e-mail for messages."),
            )


class ExtendDeadlineForm(DeadlineFieldsMixin):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    visitor_informed = forms.CharField(
        label=_("How the visitor was informed"),
        max_length=200,
        help_text=_("e.g. phoned the visitor at 14:05"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        data["deadline"] = self.clean_deadline()
        return data


class ReassignOwnerForm(forms.Form):
    new_owner = forms.ModelChoiceField(
        label=_("New first responder"),
        queryset=User.objects.filter(is_active=True).order_by("department__code", "name"),
        widget=FastSelect,  # every active staff member: hundreds of options
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "SW-YYYYMMDD-NNNN", "autocomplete": "off"}),
    )
    # The receipt prints the code in two groups ("HDWB XSYD"); typed with its space, a dash or
    # in lower case it is the same code, and matching it is no failed attempt.
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["number"]).upper()

    def clean_query_code(self) -> str:
        # Every dash a phone or an input method may type, the full-width one included.
        dashes = r"[\s\-‐-―－]+"  # noqa: RUF001
        return re.sub(dashes, "", self.cleaned_data["query_code"]).upper()
