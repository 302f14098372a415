"""What the handoff views share beyond firstask/viewkit.py: the desk's htmx answer."""

from __future__ import annotations

from django.http import HttpResponse


def desk_changed() -> HttpResponse:
    """htmx answer to an in-place action on the center-head desk: the board reloads itself."""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = "desk-changed"
    return response
