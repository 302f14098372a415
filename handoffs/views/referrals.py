"""Referral actions (REF-2). All POST; the object is looked up through a selector (404 when the
case is invisible); the service checks the role and the state, and firstask.viewkit answers its
refusal (403, or a message and back)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import case_get_for_user
from firstask.typing import AuthedRequest
from firstask.viewkit import back, back_to, post_action

from .. import services
from ..forms import AnswerForm, GiveToMemberForm, ReferForm, ReturnReferralForm, ReviewForm
from ..selectors import referral_get_for_user


@require_POST
def refer(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    return post_action(
        request,
        ReferForm(request.POST),
        lambda data: services.referral_create(
            request.user,
            case=case,
            department=data["department"],
            note=data["note"],
            token=data["token"],
        ),
        fallback=case,
        success=_("Referral sent."),
    )


@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk)
    back_to(request, referral.case)
    services.referral_accept(request.user, referral=referral)
    return back(request, referral.case)


@require_POST
def return_(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        ReturnReferralForm(request.POST),
        lambda data: services.referral_return(
            request.user, referral=referral, reason=data["reason"], ground=data["ground"]
        ),
        fallback=referral.case,
        success=_("Referral returned to the first responder."),
    )


@require_POST
def answer(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        AnswerForm(request.POST, request.FILES),
        lambda data: services.referral_answer(
            request.user,
            referral=referral,
            text=data["text"],
            upload=data["attachment"],
            token=data["token"],
        ),
        fallback=referral.case,
        success=_("Answer sent to the first responder."),
    )


@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk)

    def perform(data: dict) -> None:
        reviewed = referral.answers.filter(pk=data["answer"]).first()
        if reviewed is None:
            raise PermissionDenied
        services.referral_review(
            request.user,
            answer=reviewed,
            accept=data["decision"] == ReviewForm.ACCEPT,
            comment=data["comment"],
        )

    return post_action(request, ReviewForm(request.POST), perform, fallback=referral.case)


@require_POST
def give(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        GiveToMemberForm(request.POST, department=referral.department),
        lambda data: services.referral_give_to_member(
            request.user, referral=referral, member=data["member"]
        ),
        fallback=referral.case,
    )
