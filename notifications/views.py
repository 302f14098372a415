from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firstask.typing import AuthedRequest

from . import selectors, services
from .forms import EmailPreferenceForm

CHANGED = "notifications-changed"  # htmx event: the bell refreshes its count


@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    form = EmailPreferenceForm(initial={"enabled": request.user.email_notifications})
    unread = selectors.unread_count(request.user)
    context = {"page": page, "email_form": form, "unread": unread, "bell_unread": unread}
    return render(request, "notifications/notification_list.html", context)


@require_GET
def bell(request: AuthedRequest) -> HttpResponse:
    """htmx: the navigation bar's bell with the unread count, polled every minute."""
    response = render(
        request, "notifications/_bell.html", {"bell_unread": selectors.unread_count(request.user)}
    )
    response["Cache-Control"] = "no-store"
    # Polling is not activity: without this, SESSION_SAVE_EVERY_REQUEST would renew the session
    # on every poll and an open tab would never reach SESSION_IDLE_MINUTES. SessionMiddleware
    # leaves the session (and its cookie) untouched when the request has no session attribute.
    del request.session
    return response


def _safe_next(request: AuthedRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(request.user, notification=notification)
    target = _safe_next(request)
    if target:
        return redirect(target)
    if request.htmx:
        response = render(request, "notifications/_item.html", {"item": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(request.user)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect("notifications:list")


@require_POST
def email_preference(request: AuthedRequest) -> HttpResponse:
    form = EmailPreferenceForm(request.POST)
    form.is_valid()  # a missing checkbox is a valid "off"
    enabled = bool(form.cleaned_data.get("enabled"))
    services.user_set_email_notifications(request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("Notifications will also be sent to you by e-mail."))
    else:
        messages.success(request, _("Notifications will no longer be sent to you by e-mail."))
    return redirect("notifications:list")
