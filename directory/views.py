"""/directory/: bulk import (upload → dry run → confirm) and export of reference data, for the
center head and administrators. The dry run's rows travel to the confirm step signed, never
trusted: the confirm step checks the signature and plans again before writing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_manage_directory
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest

from . import importing
from .forms import ConfirmForm, ImportForm

SALT = "directory.import"
PAYLOAD_MAX_AGE = 3600  # seconds a dry run may wait for its confirmation


def _require_manager(request: AuthedRequest) -> None:
    if not can_manage_directory(request.user):
        raise PermissionDenied


def _preview(request: AuthedRequest, *, form: ImportForm, plan: importing.Plan, data: Any,
             status: int = 200) -> HttpResponse:  # fmt: skip
    payload = signing.dumps(
        {**data, "fingerprint": plan.fingerprint(), "user": request.user.pk},
        salt=SALT,
        compress=True,
    )
    context = {
        "form": form,
        "plan": plan,
        "confirm": ConfirmForm(initial={"payload": payload}),
        "kinds": importing.KINDS,
    }
    return render(request, "directory/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            rows = importing.dataset_read(content=upload.read(), filename=upload.name)
            plan = importing.import_plan(kind=kind, rows=rows, actor=request.user)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            data = {"kind": kind, "rows": rows, "filename": upload.name[:100]}
            return _preview(request, form=form, plan=plan, data=data)
    return render(request, "directory/import.html", {"form": form, "kinds": importing.KINDS})


@require_POST
def import_confirm(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise signing.BadSignature
        data = signing.loads(form.cleaned_data["payload"], salt=SALT, max_age=PAYLOAD_MAX_AGE)
        if data.get("user") != request.user.pk or data.get("kind") not in importing.KINDS:
            raise signing.BadSignature
    except signing.BadSignature:  # SignatureExpired included
        messages.error(
            request, _("This dry run has expired or is not valid: upload the file again.")
        )
        return redirect("directory:import")
    try:
        plan = importing.import_apply(
            actor=request.user,
            kind=data["kind"],
            rows=data["rows"],
            fingerprint=data["fingerprint"],
            filename=data["filename"],
        )
    except importing.PlanChanged:
        plan = importing.import_plan(kind=data["kind"], rows=data["rows"], actor=request.user)
        messages.warning(
            request,
            _("The data changed since the dry run; nothing was imported. Check the new dry run."),
        )
        upload_form = ImportForm(initial={"kind": data["kind"]})
        return _preview(request, form=upload_form, plan=plan, data=data, status=409)
    messages.success(
        request,
        _("Imported: %(created)d created, %(updated)d updated, %(bad)d rows with errors skipped.")
        % {"created": plan.count("create"), "updated": plan.count("update"), "bad": len(plan.bad)},
    )
    return redirect("directory:import")


@require_GET
def export(request: AuthedRequest, kind: str, fmt: str) -> HttpResponse:
    _require_manager(request)
    if kind not in importing.KINDS or fmt not in importing.FORMATS:
        raise Http404
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(importing.export_bytes(kind=kind, fmt=fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="firstask-{kind}.{fmt}"'
    return sandboxed(response)
