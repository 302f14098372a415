"""The project's URLs plus views that raise each domain error, for tests/test_viewkit.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cases.errors import NotAllowed, StaleVersion, WrongState
from firstask.urls import urlpatterns as project
from firstask.viewkit import back_to

ERRORS = {
    "not-allowed": NotAllowed("Only the owner may do this."),
    "stale": StaleVersion(),
    "wrong-state": WrongState("This referral is closed."),
    "invalid": ValidationError("The signature is empty."),
    "bug": RuntimeError("a bug, not a refusal"),
}


def refuse(request: HttpRequest, kind: str) -> HttpResponse:
    if request.GET.get("back") != "none":
        back_to(request, "/cases/")
    raise ERRORS[kind]


urlpatterns = [path("test-viewkit/<str:kind>/", refuse), *project]
