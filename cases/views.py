from __future__ import annotations

import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from accounts.models import Department
from accounts.security import client_ip
from audit.models import PersonalDataAccess
from audit.services import personal_data_access_record
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, form_errors, post_action, refusals_on

from . import (
    extensions,
    intake,
    notes,
    privacy,
    selectors,
    services,
    throttle,
    visitor_messages,
    visitor_selectors,
)
from .forms import ExtendDeadlineForm, IntakeForm, ReassignOwnerForm, StatusLookupForm
from .listing import PAGE_SIZES, CaseListQuery
from .models import Case
from .notes_forms import LinkForm, NoteForm
from .page import case_page_build
from .personal import looks_like_phone, normalize_phone
from .privacy_forms import RevealForm, VisitorCorrectForm, VisitorExportForm
from .search_tokens import search_token_read, search_token_store

# Session key: the case just registered, whose receipt is the clerk's next step (one use).
RECEIPT_NEXT = "cases.receipt_next"
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@require_GET
def desk(request: AuthedRequest) -> HttpResponse:
    desk = selectors.desk_for_user(user=request.user)
    blocks = [
        section
        for block in extensions.registered(extensions.DeskBlock)
        if (section := block.build(request)) is not None
    ]
    return render(request, "cases/desk.html", {"desk": desk, "blocks": blocks})


@require_http_methods(["GET", "POST"])
def case_new(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_register_case(request.user):
        raise PermissionDenied
    preference = intake.desk_preference_read(user=request.user)
    initial = {"category": preference.last_category, "print_receipt": preference.print_receipt}
    form = IntakeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form), transaction.atomic():  # the case and its document, or neither
            case = _register(request, data)
        if not form.errors:
            intake.desk_preference_remember(
                user=request.user, category=data["category"], print_receipt=data["print_receipt"]
            )
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            # The receipt is the next step: printed at once when the clerk asked for it, else
            # the first thing the case page offers (case_detail.html, "receipt_next").
            request.session[RECEIPT_NEXT] = case.number
            if data["print_receipt"]:
                return redirect("cases:receipt", case.number)
            return redirect(case)
    if form.is_bound and request.FILES:
        messages.warning(request, _("Choose the visitor's document again before registering."))
    sections = [section.template for section in extensions.registered(extensions.IntakeSection)]
    return render(request, "cases/case_new.html", {"form": form, "sections": sections})


def _register(request: AuthedRequest, data: dict) -> Case:
    case = services.case_register(
        request.user,
        visit_time=data["visit_time"],
        visitor_name=data["visitor_name"],
        phone=data["phone"],
        visitor_type=data["visitor_type"],
        channel=data["channel"],
        category=data["category"],
        subject=data["subject"],
        question=data["question"],
        outcome=data["outcome"],
        deadline=data["deadline"],
        answer=data["answer"],
        confirmation_note=data["confirmation_note"],
        confirmation_method=data["confirmation_method"],
        rating=data["rating"],
        department=data["department"],
        visitor_id=data["visitor"],
        notify_visitor=data["notify_visitor"],
        visitor_email=data["visitor_email"] or "",
        pending_reason=data["pending_reason"],
        pending_note=data["pending_note"],
    )
    if data["document"]:
        intake.case_attachment_add(request.user, case=case, upload=data["document"])
    return case


@require_POST
def visitor_lookup(request: AuthedRequest) -> HttpResponse:
    """htmx: the people on file for the phone typed so far, each with their earlier cases
    (INT-2, VIS-1), to pick one or add another person. POST, so that the number stays out of
    URLs, proxy logs and browser history (PRV-1); it changes nothing. Only for those who register
    visits; each complete number is counted per user (cases.throttle) and written to the
    personal-data access log, found or not."""
    if not permissions.can_register_case(request.user):
        raise PermissionDenied
    try:
        phone = normalize_phone(request.POST.get("phone", ""))
    except Exception:  # an incomplete number simply shows nothing yet
        phone = ""
    if phone:
        wait = throttle.lookup_take(user_id=request.user.pk)
        if wait:
            return _lookup_throttled(request, wait)
    context = visitor_selectors.intake_people(
        user=request.user,
        phone=phone,
        name=request.POST.get("visitor_name", ""),
        picked=request.POST.get("visitor", ""),
    )
    if phone:
        for person in context["people"] or [None]:
            personal_data_access_record(
                request.user,
                kind=PersonalDataAccess.Kind.VIEW,
                visitor_id=person.visitor.pk if person else 0,
                reason=LOOKUP_REASON if person else LOOKUP_REASON_NONE,
            )
    return render(request, "cases/_visitor_history.html", context)


LOOKUP_REASON = "intake: visitor lookup by phone"
LOOKUP_REASON_NONE = "intake: visitor lookup by phone, no visitor has it"


def _lookup_throttled(request: AuthedRequest, seconds: int) -> HttpResponse:
    context = {
        "throttle": throttle.throttled_context(seconds),
        "throttle_message": _("Too many visitor lookups from your account."),
        "throttle_id": "lookup-throttled",
    }
    response = render(request, "_throttled.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_GET
def department_card(request: AuthedRequest) -> HttpResponse:
    """htmx: the department's contact card, to read out to the visitor (REF-1)."""
    department = (
        Department.objects.filter(pk=request.GET.get("department") or 0, is_active=True).first()
        if (request.GET.get("department") or "").isdigit()
        else None
    )
    return render(request, "cases/_department_card.html", {"department": department})


@require_http_methods(["GET", "POST"])
def case_list(request: AuthedRequest) -> HttpResponse:
    """The search form posts; a phone number in it goes to the session and the URL carries a
    token instead (cases.search_tokens), so no full number is in a URL or an access log."""
    if request.method == "POST":
        params = request.POST.copy()
        params.pop("csrfmiddlewaretoken", None)
        target = _list_url(request, params)
        if not request.htmx:
            return redirect(target)
        response = _case_list_page(request, QueryDict(target.partition("?")[2]))
        response["HX-Push-Url"] = target
        return response
    if looks_like_phone(request.GET.get("q", "")):  # typed into the address bar
        return redirect(_list_url(request, request.GET.copy()))
    return _case_list_page(request, request.GET)


def _list_url(request: AuthedRequest, params: QueryDict) -> str:
    term = params.get("q", "").strip()
    if looks_like_phone(term):
        params["qs"] = search_token_store(request.session, term)
        del params["q"]
    params.pop("page", None)
    return reverse("cases:list") + ("?" + params.urlencode() if params else "")


def _case_list_page(request: AuthedRequest, params: QueryDict) -> HttpResponse:
    shown = params.copy()
    shown.pop("page", None)
    data = params.copy()
    if "qs" in data:
        term = search_token_read(request.session, data.pop("qs")[-1])
        if term is None:
            messages.info(request, _("That search has expired; type it again."))
        data["q"] = term or ""
    listing = CaseListQuery(request.user, data)
    page = listing.page(params.get("page"))
    context = {
        "filter": listing.filter,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "per_page": listing.per_page,
        # The links to other pages: the filters as in the URL (a phone stays a token).
        "query": shown.urlencode() + "&" if shown else "",
        "can_merge": permissions.can_manage_personal_data(request.user),
    }
    template = "cases/case_list.html#results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


@require_GET
def case_detail(request: AuthedRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    show_personal = selectors.case_shows_personal_data(user=request.user, case=case)
    if show_personal and case.visitor.erased_at is None:
        privacy.personal_data_view_log(request.user, case=case)
    return _render_case(request, case, show_personal=show_personal)


def _render_case(request: AuthedRequest, case, *, show_personal: bool) -> HttpResponse:
    page = case_page_build(request=request, case=case, show_personal=show_personal)
    initial = {"version": case.version}
    response = render(
        request,
        "cases/case_detail.html",
        {
            "page": page,
            "case": case,
            "show_personal": show_personal,
            "reveal_form": RevealForm(),
            # auto_id: several forms on the page have a "reason" field; ids must stay unique.
            "export_form": VisitorExportForm(auto_id="export_%s"),
            "correct_form": VisitorCorrectForm(
                initial={"name": case.visitor.name, "phone": case.visitor.phone},
                auto_id="correct_%s",
            ),
            "extend_form": ExtendDeadlineForm(initial=initial, auto_id="extend_%s"),
            "reassign_form": ReassignOwnerForm(initial=initial, auto_id="reassign_%s"),
            "links": notes.case_links(case=case, user=request.user),
            "visitor_contact": visitor_messages.contact_of(case=case),
            "note_form": NoteForm(auto_id="note_%s"),
            "link_form": LinkForm(auto_id="link_%s"),
            "receipt_next": _receipt_next(request, case),
            "attachments": case.attachments.all(),
        },
    )
    if show_personal:
        response["Cache-Control"] = "no-store"
    return response


def _receipt_next(request: AuthedRequest, case) -> bool:
    """True once, on the first page the clerk sees after registering this case."""
    if request.session.get(RECEIPT_NEXT) != case.number:
        return False
    del request.session[RECEIPT_NEXT]
    return True


@require_POST
def case_reveal(request: AuthedRequest, number: str) -> HttpResponse:
    """PRV-1: center head / auditor see the visitor's data in full for this one response."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    form = RevealForm(request.POST)
    back_to(request, case)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(case)
    privacy.personal_data_reveal(request.user, case=case, reason=form.cleaned_data["reason"])
    return _render_case(request, case, show_personal=True)


@require_POST
def visitor_export(request: AuthedRequest, number: str) -> HttpResponse:
    """Access request: the visitor's data and cases as a JSON download (center head)."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    form = VisitorExportForm(request.POST)
    back_to(request, case)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(case)
    data = privacy.visitor_export(request.user, case=case, reason=form.cleaned_data["reason"])
    # <, > and & escaped as in json_script: the download stays inert even if sniffed as HTML.
    body = json.dumps(data, ensure_ascii=False, indent=2).translate(_JSON_ESCAPES)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="visitor-{case.visitor_id}.json"'
    response["Cache-Control"] = "no-store"
    return sandboxed(response)


@require_POST
def visitor_correct(request: AuthedRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    return post_action(
        request,
        VisitorCorrectForm(request.POST),
        lambda data: privacy.visitor_correct(request.user, case=case, **data),
        fallback=case,
        success=_("The visitor's data was corrected."),
    )


def _case_action(request: AuthedRequest, number: str, form_class, perform) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    return post_action(
        request, form_class(request.POST), lambda data: perform(case, data), fallback=case
    )


@require_POST
def case_extend(request: AuthedRequest, number: str) -> HttpResponse:
    return _case_action(
        request,
        number,
        ExtendDeadlineForm,
        lambda case, data: services.case_extend_deadline(
            request.user,
            case=case,
            new_deadline=data["deadline"],
            reason=data["reason"],
            visitor_informed=data["visitor_informed"],
            version=data["version"],
        ),
    )


@require_POST
def case_reassign(request: AuthedRequest, number: str) -> HttpResponse:
    return _case_action(
        request,
        number,
        ReassignOwnerForm,
        lambda case, data: services.case_reassign_owner(
            request.user,
            case=case,
            new_owner=data["new_owner"],
            reason=data["reason"],
            version=data["version"],
        ),
    )


@require_GET
def case_receipt(request: AuthedRequest, number: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    status_url = settings.SITE_URL + reverse("cases:status")
    token_url = settings.SITE_URL + reverse("cases:status_token", args=[case.status_token])
    qr_svg = segno.make(token_url, error="m").svg_inline(scale=3, border=2)
    return render(
        request,
        "cases/case_receipt.html",
        {
            "case": case,
            "status_url": status_url,
            "qr_svg": qr_svg,
            "autoprint": _receipt_next(request, case),
            "sections": [
                section.template for section in extensions.registered(extensions.ReceiptSection)
            ],
        },
    )


@require_GET
def case_attachment(request: AuthedRequest, number: str, pk: int) -> FileResponse:
    """Only for those who may open the case; always a download, never rendered inline."""
    stored = intake.case_attachment_get_for_user(user=request.user, number=number, pk=pk)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.name,
        content_type=stored.content_type or "application/octet-stream",
    )
    sandboxed(response)
    response["Cache-Control"] = "private, no-store"
    return response


def _client_ip(request: HttpRequest) -> str:
    return client_ip(request)


def _status_response(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    """The status page; for a case found, the departments now working on it (names only) and
    what the higher apps add (the complaint channel)."""
    if context.get("found") is not None:
        context["handling"] = extensions.departments_handling(context["found"])
    context["sections"] = [
        section.template for section in extensions.registered(extensions.StatusPageSection)
    ]
    response = render(request, "cases/status.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _status_throttled(request: HttpRequest, form, *, ip: str, number: str = "") -> HttpResponse:
    seconds = throttle.retry_after(ip=ip, number=number)
    context = {"form": form, "throttled": throttle.throttled_context(seconds)}
    response = _status_response(request, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    """PRV-2: public, no personal data; wrong pair and unknown number answer alike. A number is
    locked for the address that guessed wrong, not for everyone (cases.throttle)."""
    ip = _client_ip(request)
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        if throttle.is_blocked(ip=ip, number=number):
            return _status_throttled(request, form, ip=ip, number=number)
        case = selectors.case_for_status_lookup(
            number=number, query_code=form.cleaned_data["query_code"]
        )
        if case is None:
            throttle.record_failure(ip=ip, number=number)
            return _status_response(request, {"form": form, "not_found": True})
        return _status_response(request, {"form": StatusLookupForm(), "found": case})
    return _status_response(
        request, {"form": form if request.method == "POST" else StatusLookupForm()}
    )


@login_not_required
@never_cache
@require_GET
def status_token(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt's QR link. A valid token always answers, whatever the address did before:
    its 128 random bits cannot be guessed, so only wrong tokens count and get locked."""
    ip = _client_ip(request)
    case = selectors.case_for_status_token(token=token)
    if case is None:
        if throttle.is_blocked(ip=ip):
            return _status_throttled(request, StatusLookupForm(), ip=ip)
        throttle.record_failure(ip=ip)
        return _status_response(request, {"form": StatusLookupForm(), "not_found": True})
    return _status_response(request, {"form": StatusLookupForm(), "found": case})
