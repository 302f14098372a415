"""What the API reads and writes. Input serializers are strict: a field the API does not know
is an error, not silently dropped (a typo in "deadline" must not register a case without one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, Post, User
from cases import calendar
from cases.models import (
    SPOT_RATINGS,
    Case,
    CaseEvent,
    Category,
    Channel,
    Outcome,
    PendingReason,
    SpotConfirmation,
    VisitorType,
)
from cases.personal import mask_name, mask_phone, normalize_phone
from closure.models import HowGiven


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class CaseCreateSerializer(StrictSerializer):
    """The intake form's fields (cases.forms.IntakeForm) with the same rules; the promise is
    ``working_days`` or ``deadline`` (not both), except for a case answered on the spot."""

    visit_time = serializers.DateTimeField(required=False)
    visitor_name = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=30)
    visitor_type = serializers.ChoiceField(choices=VisitorType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    subject = serializers.CharField(max_length=120)
    question = serializers.CharField(max_length=4000)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    working_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    deadline = serializers.DateTimeField(required=False)
    answer = serializers.CharField(max_length=4000, required=False, default="")
    confirmation_note = serializers.CharField(max_length=200, required=False, default="")
    # §3.4.1: how the visitor confirmed an answer given on the spot; "signature" (the default)
    # leaves the case waiting for the signing screen, the others close it with ``rating``.
    confirmation_method = serializers.ChoiceField(
        choices=SpotConfirmation.choices, required=False, default=SpotConfirmation.SIGNATURE
    )
    rating = serializers.ChoiceField(choices=SPOT_RATINGS, required=False, allow_null=True)
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(is_active=True), required=False
    )
    # §2.1.2: why a question was not answered on the spot (not for an on-the-spot answer).
    pending_reason = serializers.ChoiceField(choices=PendingReason.choices, required=False)
    pending_note = serializers.CharField(max_length=500, required=False, default="")

    def validate_phone(self, value: str) -> str:
        try:
            return normalize_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_visit_time(self, value):
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError(_("The visit time cannot be in the future."))
        return value

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        outcome = data["outcome"]
        if outcome == Outcome.ON_THE_SPOT:
            if not data.get("answer", "").strip():
                errors["answer"] = _("Write down the answer you gave on the spot.")
            if data.get("confirmation_method") != SpotConfirmation.SIGNATURE:
                if data.get("rating") is None:
                    errors["rating"] = _("Record the satisfaction the visitor gave (1 to 5).")
                if not data.get("confirmation_note", "").strip():
                    errors["confirmation_note"] = _("Record how the visitor confirmed the answer.")
            data["deadline"] = None
        elif "working_days" in data and "deadline" in data:
            errors["deadline"] = _("Give working_days or deadline, not both.")
        elif "working_days" in data:
            data["deadline"] = calendar.deadline_in_working_days(data.pop("working_days"))
        elif "deadline" not in data:
            errors["deadline"] = _("Promise the visitor a deadline (working_days or deadline).")
        elif not calendar.is_workday(calendar.local_date(data["deadline"])):
            errors["deadline"] = _("That day is a weekend or public holiday; choose a working day.")
        if outcome == Outcome.REFERRAL and not data.get("department"):
            errors["department"] = _("Choose the department the visitor is referred to.")
        if outcome != Outcome.ON_THE_SPOT and not data.get("pending_reason"):
            errors["pending_reason"] = _("Say why the question could not be answered on the spot.")
        if errors:
            raise serializers.ValidationError({key: [value] for key, value in errors.items()})
        data.pop("working_days", None)
        return data


class ResultSerializer(StrictSerializer):
    result = serializers.CharField(max_length=4000)
    how_given = serializers.ChoiceField(choices=HowGiven.choices)
    version = serializers.IntegerField(
        required=False, help_text=_("The case's version you read; a stale one is refused (409).")
    )


class ResultRecordedSerializer(serializers.Serializer):
    case = serializers.CharField()
    round = serializers.IntegerField()
    state = serializers.CharField()
    case_status = serializers.CharField()
    case_version = serializers.IntegerField()


class CaseListItemSerializer(serializers.Serializer):
    """A row of the case list: the visitor's name always masked, as in the page's tables."""

    number = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    category = serializers.CharField(source="category.name")
    owner = serializers.CharField(source="owner.display_name")
    visitor_name = serializers.SerializerMethodField()

    def get_visitor_name(self, case: Case) -> str:
        return mask_name(case.visitor.name)


class CaseListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Matching cases, counted up to 1,000."))
    more = serializers.BooleanField(help_text=_("True when more than 1,000 cases match."))
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = CaseListItemSerializer(many=True)


class VisitorSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    masked = serializers.BooleanField()
    erased = serializers.BooleanField()


class CaseDetailSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    subject = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField()
    channel = serializers.CharField()
    visitor_type = serializers.CharField()
    category = serializers.CharField(source="category.code")
    outcome = serializers.CharField()
    owner = serializers.CharField(source="owner.display_name")
    owner_department = serializers.CharField(source="owner_department.code", allow_null=True)
    visit_time = serializers.DateTimeField()
    registered_at = serializers.DateTimeField(source="created_at")
    deadline = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    closed_at = serializers.DateTimeField(allow_null=True)
    archived_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    visitor = serializers.SerializerMethodField()

    def get_overdue(self, case: Case) -> bool:
        return case.is_overdue_at(timezone.now())

    @extend_schema_field(VisitorSerializer)
    def get_visitor(self, case: Case) -> dict[str, Any]:
        """PRV-1: in full for the people working on the case (context ``show_personal``, from
        ``case_shows_personal_data``), masked for everyone else; nothing once erased."""
        visitor = case.visitor
        if visitor.erased_at is not None:
            return {"name": "", "phone": "", "masked": False, "erased": True}
        if self.context.get("show_personal"):
            return {"name": visitor.name, "phone": visitor.phone or "", "masked": False,
                    "erased": False}  # fmt: skip
        return {
            "name": mask_name(visitor.name),
            "phone": mask_phone(visitor.phone or ""),
            "masked": True,
            "erased": False,
        }


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.CharField()
    description = serializers.SerializerMethodField()
    text = serializers.CharField()
    actor = serializers.SerializerMethodField()

    def get_description(self, event: CaseEvent) -> str:
        from cases.events import describe

        return describe(event.kind, event.data)

    def get_actor(self, event: CaseEvent) -> str | None:
        return event.actor.display_name if event.actor else None


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = [
            "id", "code", "name", "responsibilities", "contact_person", "phone", "email",
            "location", "is_active",
        ]  # fmt: skip


class HolderSerializer(serializers.ModelSerializer):
    """A post's holder: who, not how to reach them (the directory pages show the rest)."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["username", "display_name"]


class PostSerializer(serializers.ModelSerializer):
    department_code = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    holders = HolderSerializer(many=True)

    class Meta:
        model = Post
        fields = [
            "id", "department_code", "department_name", "name", "duties", "holders", "is_active",
        ]  # fmt: skip


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "is_active"]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
