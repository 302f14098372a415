"""What supervision adds to the pages of the cases app (registered in SupervisionConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest

from cases.extensions import Section

from . import selectors


def desk_block(request: HttpRequest) -> Section:
    """On the desk: the work-meeting measures the user owns that are not done yet."""
    measures = list(selectors.open_measures_of(request.user)[:10])
    return Section("supervision/_desk_measures.html", {"measures": measures})
