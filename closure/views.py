from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import case_get_for_user
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest
from firstask.viewkit import attempt, back_to, post_action

from . import callbacks, selectors, services
from .forms import CallbackForm, DecisionForm, OtherConfirmationForm, ResultForm, SignForm


@require_POST
def result_record(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    return post_action(
        request,
        ResultForm(request.POST),
        lambda d: services.result_record(
            request.user,
            case=case,
            result=d["result"],
            how_given=d["how_given"],
            version=d["version"],
        ),
        fallback=case,
    )


@require_POST
def signing_start(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    round_ = selectors.current_round(case=case)
    if round_ is None:
        raise Http404
    back_to(request, case)
    token = services.signing_start(request.user, round_=round_)
    return redirect("closure:sign", number=case.number, token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: AuthedRequest, number: str, token: str) -> HttpResponse:
    """The visitor's signing screen (kiosk layout): only reachable through a fresh token."""
    case = case_get_for_user(user=request.user, number=number)
    round_ = selectors.current_round(case=case)
    if round_ is None or not services.signing_token_valid(round_, token):
        return render(request, "closure/sign_expired.html", {"case": case}, status=410)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            lambda: services.result_sign(
                request.user,
                round_=round_,
                token=token,
                signature=data["signature"],
                rating=data["rating"],
                comment=data["comment"],
                not_solved=data["not_solved"],
                reasons=data["reasons"],
            ),
            form=form,
        ):
            return redirect("closure:signed", number=case.number, round=round_.number)
    return render(request, "closure/round_sign.html", {"case": case, "round": round_, "form": form})


@require_GET
def signed(request: AuthedRequest, number: str, round: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, number=number, round_number=round)
    return render(request, "closure/round_signed.html", {"case": round_.case, "round": round_})


@require_POST
def confirm_other(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    round_ = selectors.current_round(case=case)
    if round_ is None:
        raise Http404
    return post_action(
        request,
        OtherConfirmationForm(request.POST),
        lambda d: services.confirmation_other_record(
            request.user,
            round_=round_,
            method=d["method"],
            detail=d["detail"],
            rating=d["rating"],
            not_solved=d["not_solved"],
            reasons=d["reasons"],
        ),
        fallback=case,
    )


@require_POST
def decide(request: AuthedRequest, number: str, round: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, number=number, round_number=round)

    def perform(d: dict) -> object:
        service = (
            services.confirmation_other_approve
            if d["decision"] == "approve"
            else services.confirmation_other_reject
        )
        return service(request.user, round_=round_, reason=d["reason"])

    return post_action(request, DecisionForm(request.POST), perform, fallback=round_.case)


@require_POST
def callback_log(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    return post_action(
        request,
        CallbackForm(request.POST),
        lambda d: callbacks.callback_log(
            request.user, case=case, method=d["method"], note=d["note"], rating=d["rating"]
        ),
        fallback=case,
    )


@require_GET
def signature(request: AuthedRequest, number: str, round: int) -> FileResponse:
    """The signature image, only to those who may see the case."""
    round_ = selectors.round_get_for_user(user=request.user, number=number, round_number=round)
    if not round_.signature.name or not default_storage.exists(round_.signature.name):
        raise Http404
    response = FileResponse(default_storage.open(round_.signature.name), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    return sandboxed(response)
