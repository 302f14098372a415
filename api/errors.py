"""Domain errors as API answers, the way the pages turn them into form errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.errors import CaseError, NotAllowed, StaleVersion

_STATUS = {NotAllowed: status.HTTP_403_FORBIDDEN, StaleVersion: status.HTTP_409_CONFLICT}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, CaseError):
        code = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 400)
        return Response({"detail": str(exc)}, status=code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(str(m) for m in exc.messages)}, status=400)
    return exception_handler(exc, context)
