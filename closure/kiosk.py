"""Kiosk mode: a staff member turns the counter tablet's browser into a kiosk (their own session
ends there), then hands it the signing screen of a round from their own computer. The kiosk's
session holds only the kiosk's id; ``KioskMiddleware`` sends every other page to its waiting
screen, and signing in again is the only way out."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState

from . import services
from .models import Kiosk, ResultRound

SESSION_KEY = "kiosk_id"


@transaction.atomic
def kiosk_start(actor: User, *, name: str) -> Kiosk:
    if not permissions.can_register_case(actor):
        raise NotAllowed()
    if not name.strip():
        raise WrongState(gettext("Name the kiosk (e.g. counter 1)."))
    kiosk = Kiosk.objects.create(name=name.strip(), started_by=actor)
    audit_record(actor=actor, action="closure.kiosk_start", object_type="kiosk", object_id=kiosk.pk)
    return kiosk


def kiosks_active() -> list[Kiosk]:
    return list(Kiosk.objects.filter(ended_at__isnull=True).order_by("name", "id"))


@transaction.atomic
def kiosk_hand(actor: User, *, kiosk: Kiosk, round_: ResultRound) -> Kiosk:
    """Show this round's signing screen on the kiosk for CLOSURE_SIGNING_MINUTES."""
    round_ = services.lock_pending_round(actor, round_)
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.ended_at is not None:
        raise WrongState(gettext("This kiosk is no longer running."))
    kiosk.round, kiosk.handed_by = round_, actor
    kiosk.handed_until = timezone.now() + dt.timedelta(minutes=settings.CLOSURE_SIGNING_MINUTES)
    kiosk.save(update_fields=["round", "handed_by", "handed_until"])
    audit_record(
        actor=actor,
        action="closure.kiosk_hand",
        object_type="result_round",
        object_id=f"{round_.case.number}#{round_.number}",
        after={"kiosk": kiosk.pk},
    )
    return kiosk


@transaction.atomic
def kiosk_end(*, kiosk_id: int) -> None:
    Kiosk.objects.filter(pk=kiosk_id, ended_at__isnull=True).update(
        ended_at=timezone.now(), round=None, handed_until=None
    )


def kiosk_of(request) -> Kiosk | None:
    kiosk_id = request.session.get(SESSION_KEY)
    if not kiosk_id:
        return None
    return Kiosk.objects.filter(pk=kiosk_id, ended_at__isnull=True).first()


def handed_round(kiosk: Kiosk) -> ResultRound | None:
    """The round handed to the kiosk, while the hand-off lasts and the round waits."""
    if kiosk.round_id is None or not kiosk.handed_until or kiosk.handed_until <= timezone.now():
        return None
    round_ = ResultRound.objects.select_related("case").get(pk=kiosk.round_id)
    return round_ if round_.state == ResultRound.State.PENDING else None


@transaction.atomic
def kiosk_sign(*, kiosk: Kiosk, **answers) -> ResultRound:
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    round_ = handed_round(kiosk) if kiosk.ended_at is None else None
    if round_ is None:
        raise WrongState(
            gettext("This signing screen has expired. Ask the staff to hand it again.")
        )
    signed = services.result_sign_handed(round_=round_, **answers)
    kiosk.round, kiosk.handed_until = None, None
    kiosk.save(update_fields=["round", "handed_until"])
    return signed


# Paths a kiosk may open: its own pages, static files, the language switch, and the sign-in
# page (signing in again ends kiosk mode).
KIOSK_PREFIXES = ("/kiosk/", "/static/", "/i18n/", "/accounts/login/")


class KioskMiddleware:
    """Between authentication and LoginRequiredMiddleware: a kiosk session sees nothing but the
    kiosk pages; once someone signs in on it, it is a kiosk no more."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        kiosk_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if kiosk_id:
            if request.user.is_authenticated:
                request.session.pop(SESSION_KEY, None)
                kiosk_end(kiosk_id=kiosk_id)
            elif not request.path.startswith(KIOSK_PREFIXES) or request.path == "/kiosk/start/":
                if request.headers.get("HX-Request"):
                    response = redirect("signing:kiosk")
                    response["HX-Redirect"] = reverse("signing:kiosk")
                    return response
                return redirect("signing:kiosk")
        return self.get_response(request)
