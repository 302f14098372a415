"""Signing without a staff session: the visitor's phone link and the counter kiosk."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts import permissions
from accounts.security import client_ip
from cases.errors import CaseError
from cases.selectors import case_get_for_user
from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, refusals_on

from . import kiosk as kiosks
from . import selectors, services
from .forms import KioskHandForm, KioskStartForm, SignForm
from .models import ResultRound

SIGN_ANSWERS = ("signature", "rating", "comment", "not_solved", "reasons")


def _failures_key(ip: str) -> str:
    return f"phone-sign-fail:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"


def _blocked(ip: str) -> bool:
    return (cache.get(_failures_key(ip)) or 0) >= settings.CLOSURE_PHONE_SIGNING_MAX_FAILURES


def _record_failure(ip: str) -> None:
    key = _failures_key(ip)
    cache.add(key, 0, timeout=settings.STATUS_FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.STATUS_FAILURE_WINDOW_SECONDS)


def _round_by_token(token: str) -> ResultRound | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    round_ = ResultRound.objects.select_related("case").filter(public_token_hash=digest).first()
    return round_ if round_ is not None and services.public_token_valid(round_, token) else None


def _sign_page(request: HttpRequest, round_: ResultRound, perform, *, context: dict):
    """Show the form; on a valid post call ``perform(**answers)`` and thank the visitor."""
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The visitor, not a member of staff: every refusal is said on their form, never as
        # the staff's 403 / 409 pages (firstask/viewkit.py).
        try:
            signed = perform(**{key: form.cleaned_data[key] for key in SIGN_ANSWERS})
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            return render(
                request,
                "closure/round_signed.html",
                {"case": signed.case, "round": signed, "public": True, **context},
            )
    page = {"case": round_.case, "round": round_, "form": form, "public": True, **context}
    return render(request, "closure/round_sign.html", page)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def phone_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the "your result is ready" message, opened on the visitor's phone."""
    ip = client_ip(request)
    if _blocked(ip):
        return render(request, "closure/sign_expired.html", {"public": True}, status=429)
    round_ = _round_by_token(token) if len(token) <= 64 else None
    if round_ is None or round_.state != ResultRound.State.PENDING:
        _record_failure(ip)
        return render(request, "closure/sign_expired.html", {"public": True}, status=410)

    def perform(**answers):
        return services.result_sign_public(round_=round_, token=token, **answers)

    return _sign_page(request, round_, perform, context={})


@require_http_methods(["GET", "POST"])
def kiosk_start(request: AuthedRequest) -> HttpResponse:
    """A staff member turns this browser into a kiosk: their session ends here."""
    if not permissions.can_register_case(request.user):
        raise PermissionDenied
    form = KioskStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            kiosk = kiosks.kiosk_start(request.user, name=form.cleaned_data["name"])
            logout(request)
            request.session[kiosks.SESSION_KEY] = kiosk.pk
            return redirect("signing:kiosk")
    return render(request, "closure/kiosk_start.html", {"form": form})


def _kiosk_or_404(request: HttpRequest):
    kiosk = kiosks.kiosk_of(request)
    if kiosk is None:
        raise Http404
    return kiosk


@login_not_required
@never_cache
@require_GET
def kiosk_wait(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk_or_404(request)
    if kiosks.handed_round(kiosk) is not None:
        return redirect("signing:kiosk_sign")
    return render(request, "closure/kiosk_wait.html", {"kiosk": kiosk})


@login_not_required
@never_cache
@require_GET
def kiosk_poll(request: HttpRequest) -> HttpResponse:
    """Asked every few seconds by the waiting screen: 204 until a screen is handed."""
    kiosk = _kiosk_or_404(request)
    # Keeps the kiosk's session alive while it waits (one write a minute).
    minute = int(time.time() // 60)
    if request.session.get("kiosk_minute") != minute:
        request.session["kiosk_minute"] = minute
    if request.GET.get("back"):
        return HttpResponseClientRedirect(reverse("signing:kiosk"))
    if kiosks.handed_round(kiosk) is not None:
        return HttpResponseClientRedirect(reverse("signing:kiosk_sign"))
    return HttpResponse(status=204)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_sign(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk_or_404(request)
    round_ = kiosks.handed_round(kiosk)
    if round_ is None:
        return redirect("signing:kiosk")

    def perform(**answers):
        return kiosks.kiosk_sign(kiosk=kiosk, **answers)

    return _sign_page(request, round_, perform, context={"kiosk": kiosk})


@require_POST
def kiosk_hand(request: AuthedRequest, number: str) -> HttpResponse:
    """From the case page: show this round's signing screen on a kiosk."""
    case = case_get_for_user(user=request.user, number=number)
    round_ = selectors.current_round(case=case)
    form = KioskHandForm(request.POST)
    if round_ is None or not form.is_valid():
        messages.error(request, _("Choose a running kiosk."))
        return redirect(case)
    back_to(request, case)
    kiosks.kiosk_hand(request.user, kiosk=form.cleaned_data["kiosk"], round_=round_)
    messages.success(
        request,
        _("The signing screen is on %(kiosk)s.") % {"kiosk": form.cleaned_data["kiosk"].name},
    )
    return redirect(case)
