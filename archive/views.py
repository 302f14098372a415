from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Model
from django.forms import ChoiceField
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from cases.selectors import case_get_for_user
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest
from firstask.viewkit import back_to

from . import exports, selectors, services
from .filters import ArchiveFilter
from .models import ArchiveRecord

PAGE_SIZE = 50


@require_GET
def archive_list(request: AuthedRequest) -> HttpResponse:
    archive_filter = selectors.archive_filter(user=request.user, params=request.GET)
    listing = selectors.archive_listing(
        user=request.user, archive_filter=archive_filter, per_page=PAGE_SIZE
    )
    context = {
        "filter": archive_filter,
        "page": listing.paginator.get_page(request.GET.get("page")),
        "counts": listing.counts,
        "can_export": permissions.can_export_archive(request.user),
        "filter_params": exports.clean_filters(request.GET),
    }
    template = "archive/archive_list.html#results" if request.htmx else "archive/archive_list.html"
    return render(request, template, context)


@require_GET
def archive_pdf(request: AuthedRequest, number: str) -> FileResponse:
    """One archived case as PDF, served from storage; rendered now if the task has not run."""
    record = selectors.archive_get_for_user(user=request.user, number=number)
    if not record.pdf_sha256:
        record = services.archive_render_pdf(record=record)
    exports.pdf_download_record(request.user, record=record)
    response = FileResponse(
        default_storage.open(record.pdf.name or "", "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{record.number}.pdf",
    )
    return sandboxed(response)


@require_POST
def archive_now(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    back_to(request, case)
    record = services.case_archive(request.user, case=case, version=version)
    messages.success(request, _("Archived as %(number)s.") % {"number": record.number})
    return redirect(case)


@require_http_methods(["GET", "POST"])
def export_list(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_export_archive(request.user):
        raise PermissionDenied
    if request.method == "POST":
        back_to(request, "archive:list")
        job = exports.export_request(request.user, filters=exports.clean_filters(request.POST))
        return redirect("archive:export_detail", job_id=job.pk)
    jobs = selectors.export_jobs_of(user=request.user)
    return render(request, "archive/export_list.html", {"jobs": jobs})


@require_GET
def export_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.export_get_for_user(user=request.user, job_id=job_id)
    filters = _filters_shown(job.filters or {})
    return render(request, "archive/export_detail.html", {"job": job, "filters_shown": filters})


def _filters_shown(filters: dict) -> list[tuple[str, str]]:
    """The export's filters as a person reads them: the field's label and the chosen option's
    name ("Month: 12", "Category: 教学与课程"), not the query string ("month=12, category=3")."""
    form = ArchiveFilter(data=filters, queryset=ArchiveRecord.objects.none()).form
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    shown = []
    for name, value in filters.items():
        if name not in form.fields or value in (None, ""):
            continue
        field = form.fields[name]
        if isinstance(cleaned.get(name), Model):  # category, department, first responder
            text = str(cleaned[name])
        elif isinstance(field, ChoiceField):  # month, satisfaction: the option's own text
            # django-stubs types the getter as the setter's input; it returns a list of pairs.
            text = str(dict(field.choices).get(str(value), value))  # type: ignore[arg-type]
        else:
            text = str(value)
        shown.append((str(field.label), text))
    return shown


@require_GET
def export_progress(request: AuthedRequest, job_id: int) -> HttpResponse:
    """htmx: the progress bar, polled until the ZIP is ready."""
    job = selectors.export_get_for_user(user=request.user, job_id=job_id)
    return render(request, "archive/export_detail.html#progress", {"job": job})


@require_GET
def export_download(request: AuthedRequest, job_id: int) -> FileResponse:
    job = selectors.export_get_for_user(user=request.user, job_id=job_id)
    if job.state != job.State.DONE or not job.file.name:
        raise Http404
    exports.export_download_record(request.user, job=job)
    response = FileResponse(
        default_storage.open(job.file.name, "rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"archive-export-{job.pk}.zip",
    )
    return sandboxed(response)
