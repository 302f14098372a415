"""Forms validate only; services decide. Forms that create something carry a one-time token so
that a double click or a replayed post creates nothing new."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Department, Post, User
from cases.forms import DATETIME_WIDGET
from cases.widgets import ReferenceChoiceField

from . import attachments
from .models import Assignment, HandoffForm, ReturnGround, RulingOnAnswer, Urgency
from .services import AssignmentPlan, involved_count

_TEXT = {"rows": 3}


class TokenForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


def _departments():
    return Department.objects.filter(is_active=True).order_by("code")


class ReferForm(TokenForm):
    department = ReferenceChoiceField(label=_("Department"), queryset=_departments())
    note = forms.CharField(
        label=_("Note for the department"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.attrs.update(
            {
                "hx-get": reverse("cases:department_card"),
                "hx-trigger": "change",
                "hx-target": "#refer-department-card",
            }
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs=_TEXT))


class ReturnReferralForm(ReasonForm):
    ground = forms.ChoiceField(
        label=_("Returned because"),
        choices=ReturnGround.choices,
        initial=ReturnGround.NOT_OURS,
        widget=forms.RadioSelect,
    )
    field_order = ["ground", "reason"]


class AnswerForm(TokenForm):
    text = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs=_TEXT))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Optional: PDF, PNG, JPEG, Word or Excel, up to 10 MB."),
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachments.sniff(upload, size=upload.size or 0)
        return upload


class ReviewForm(forms.Form):
    ACCEPT, RETURN = "accept", "return"
    answer = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept the answer")), (RETURN, _("Return it with a comment"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what is missing from the answer."))
        return data


class GiveToMemberForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Give to"), queryset=User.objects.none())

    def __init__(
        self,
        *args: Any,
        department: Department | None = None,
        members: list[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["member"])
        if department is not None:
            field.queryset = department.members.filter(is_active=True).order_by("name")
        # What the menu lists (handoffs/_give_form.html): the department's active members as
        # the page has already read them (once per request, handoffs.panels), else the query.
        # A POST validates against the query.
        self.members = members if members is not None else field.queryset


class HandoffSubmitForm(TokenForm):
    summary = forms.CharField(
        label=_("Problem summary"), max_length=4000, widget=forms.Textarea(attrs=_TEXT)
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments involved"),
        queryset=_departments(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Two or more departments or posts in all."),
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("Posts involved"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Name posts (岗位) when the matter is between posts, even of one department."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    done_so_far = forms.CharField(
        label=_("What has been done so far"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = cast("forms.ModelMultipleChoiceField[Post]", self.fields["posts"])
        posts.queryset = _posts()
        posts.label_from_instance = lambda obj: str(obj)  # type: ignore[method-assign]  # per-form labels

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        departments, posts = data.get("departments") or [], data.get("posts") or []
        if involved_count(list(departments), posts) < 2:
            self.add_error("departments", _("A handoff needs at least two departments or posts."))
        return data


def _posts():
    return (
        Post.objects.filter(is_active=True, department__is_active=True)
        .select_related("department")
        .order_by("department__code", "name")
    )


class MeetingScheduleForm(TokenForm):
    """§2.1.2(d): the owner convenes the coordination meeting."""

    at = forms.DateTimeField(label=_("Meeting time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=120)
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invite"), queryset=User.objects.none(), widget=forms.SelectMultiple({"size": 8})
    )

    def __init__(self, *args: Any, handoff: HandoffForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitees = cast("forms.ModelMultipleChoiceField[User]", self.fields["invitees"])
        invitees.queryset = _staff()
        invitees.label_from_instance = lambda obj: (  # type: ignore[method-assign]  # per-form labels
            f"{obj.display_name} · {obj.department}" if obj.department_id else obj.display_name
        )
        meeting = getattr(handoff, "meeting", None)
        if meeting is not None and not self.is_bound:
            self.initial.update(
                {
                    "at": timezone.localtime(meeting.held_at).replace(tzinfo=None),
                    "place": meeting.place,
                    "invitees": list(meeting.invitees.values_list("pk", flat=True)),
                }
            )
        elif not self.is_bound:
            # The heads of the departments named, to start with.
            heads = [d.head_id for d in handoff.departments.all() if d.head_id]
            self.initial["invitees"] = heads


ROLE_NONE = ""
ROLE_CHOICES = [
    (ROLE_NONE, _("Not involved")),
    *Assignment.Role.choices,
]


def _staff():
    roles = [permissions.STAFF, permissions.DEPARTMENT_HEAD, permissions.CENTER_HEAD]
    return (
        User.objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .select_related("department")
        .order_by("department__code", "name")
    )


class MeetingForm(TokenForm):
    """The meeting and, per department, its role, task and deadline (one table row each)."""

    held_at = forms.DateTimeField(label=_("Meeting time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=120)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=_staff(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    minutes = forms.CharField(
        label=_("Minutes"), max_length=8000, widget=forms.Textarea(attrs=_TEXT)
    )
    decision = forms.CharField(
        label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, handoff: HandoffForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handoff = handoff
        self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        attendees = cast("forms.ModelMultipleChoiceField[User]", self.fields["attendees"])
        attendees.label_from_instance = lambda obj: (  # type: ignore[method-assign]  # per-form labels
            f"{obj.display_name} · {obj.department}" if obj.department_id else obj.display_name
        )
        posts = list(handoff.posts.select_related("department"))
        # A department named only through its posts starts as not involved: its posts are.
        named = {d.pk for d in handoff.departments.all()} - {p.department_id for p in posts}
        departments = sorted(_departments(), key=lambda d: (d.pk not in named, d.code))
        self.rows = [self._row(d, d.pk in named) for d in departments]
        self.post_rows = [self._row(p.department, True, post=p) for p in posts]
        meeting = getattr(handoff, "meeting", None)
        if meeting is not None and not self.is_bound:  # scheduled beforehand
            self.initial.update(
                {
                    "held_at": timezone.localtime(meeting.held_at).replace(tzinfo=None),
                    "place": meeting.place,
                    "attendees": list(meeting.invitees.values_list("pk", flat=True)),
                }
            )

    def _row(self, department: Department, named: bool, post: Post | None = None) -> tuple:
        prefix = f"p{post.pk}" if post else f"d{department.pk}"
        small = {"class": "form-select form-select-sm"}
        self.fields[f"{prefix}_role"] = forms.ChoiceField(
            label=_("Role"),
            choices=ROLE_CHOICES,
            required=False,
            initial=Assignment.Role.ASSISTING if named else ROLE_NONE,
            widget=forms.Select(attrs={**small, "aria-label": _("Role")}),
        )
        self.fields[f"{prefix}_task"] = forms.CharField(
            label=_("Task"),
            max_length=4000,
            required=False,
            widget=forms.TextInput(
                attrs={"class": "form-control form-control-sm", "aria-label": _("Task")}
            ),
        )
        self.fields[f"{prefix}_deadline"] = forms.DateTimeField(
            label=_("Deadline"),
            required=False,
            initial=self.handoff.case.deadline,
            widget=forms.DateTimeInput(
                attrs={
                    "type": "datetime-local",
                    "class": "form-control form-control-sm",
                    "aria-label": _("Deadline"),
                },
                format="%Y-%m-%dT%H:%M",
            ),
        )
        return (
            post or department,
            self[f"{prefix}_role"],
            self[f"{prefix}_task"],
            self[f"{prefix}_deadline"],
        )

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        plans = []
        for unit, role, task, deadline in self.rows + self.post_rows:
            post = unit if isinstance(unit, Post) else None
            department = post.department if post else unit
            chosen = data.get(role.name)
            if not chosen:
                continue
            if not (data.get(task.name) or "").strip():
                self.add_error(task.name, _("Describe the task of each department."))
            if data.get(deadline.name) is None:
                self.add_error(deadline.name, _("Give each department a deadline."))
            plans.append(
                AssignmentPlan(
                    department=department,
                    role=chosen,
                    task=data.get(task.name) or "",
                    deadline=data.get(deadline.name),
                    post=post,
                )
            )
        leads = [p for p in plans if p.role == Assignment.Role.LEAD]
        if len(leads) != 1:
            self.add_error(
                None,
                _("Designate the lead department.")
                if not leads
                else _("Designate exactly one lead department, not several."),
            )
        data["plans"] = plans
        return data


class DisputeForm(TokenForm):
    assignment = forms.ModelChoiceField(
        label=_("Assignment concerned"), queryset=Assignment.objects.none(), required=False
    )
    positions = forms.CharField(
        label=_("Positions of each side"), max_length=8000, widget=forms.Textarea(attrs=_TEXT)
    )

    def __init__(self, *args: Any, handoff: HandoffForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Assignment]", self.fields["assignment"])
        field.queryset = handoff.assignments.exclude(
            status=Assignment.Status.WITHDRAWN
        ).select_related("department")
        field.label_from_instance = lambda obj: obj.department.name  # type: ignore[method-assign]  # per-form labels
        # The case page has the form's assignments already (handoffs_of_case): its choices
        # come from them, not from a query of their own. A POST validates against the query.
        kept = getattr(handoff, "_prefetched_objects_cache", {}).get("assignments")
        if kept is not None:
            field.choices = [
                ("", field.empty_label),
                *(
                    (a.pk, a.department.name)
                    for a in kept
                    if a.status != Assignment.Status.WITHDRAWN
                ),
            ]


class RulingForm(forms.Form):
    ruling = forms.CharField(
        label=_("Written ruling"), max_length=8000, widget=forms.Textarea(attrs=_TEXT)
    )
    on_answer = forms.ChoiceField(
        label=_("On the disputed answer"),
        choices=RulingOnAnswer.choices,
        initial=RulingOnAnswer.NONE,
    )
    deadline = forms.DateTimeField(
        label=_("New deadline of the disputed assignment"), required=False, widget=DATETIME_WIDGET
    )
    new_lead = forms.ModelChoiceField(
        label=_("Change the lead department to"), queryset=Assignment.objects.none(), required=False
    )
    withdraw = forms.ModelChoiceField(
        label=_("Withdraw the assignment of"), queryset=Assignment.objects.none(), required=False
    )
    add_department = forms.ModelChoiceField(
        label=_("Add an assisting department"), queryset=_departments(), required=False
    )
    add_task = forms.CharField(label=_("Its task"), max_length=4000, required=False)
    add_deadline = forms.DateTimeField(
        label=_("Its deadline"), required=False, widget=DATETIME_WIDGET
    )

    def __init__(self, *args: Any, handoff: HandoffForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN).select_related(
            "department"
        )
        for name in ("new_lead", "withdraw"):
            field = cast("forms.ModelChoiceField[Assignment]", self.fields[name])
            field.queryset = active
            field.label_from_instance = lambda obj: obj.department.name  # type: ignore[method-assign]  # per-form labels
        self.fields["add_deadline"].initial = handoff.case.deadline

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # as Django reads it: clean() may return None
        department = data.get("add_department")
        data["add"] = None
        if department is not None:
            if not (data.get("add_task") or "").strip():
                self.add_error("add_task", _("Describe the task of each department."))
            data["add"] = AssignmentPlan(
                department=department,
                role=Assignment.Role.ASSISTING,
                task=data.get("add_task") or "",
                deadline=data.get("add_deadline"),
            )
        return data


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(label=_("New deadline"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=500)
