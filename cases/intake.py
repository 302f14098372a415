"""What the intake adds around registering a case: the document the visitor brought (stored
against the case), and the desk preferences of the clerk (last category, automatic printing
of the receipt)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from firstask import attachments

from .errors import NotAllowed
from .models import Case, CaseAttachment, Category, DeskPreference
from .selectors import case_get_for_user
from .services import event_add


def desk_preference_read(*, user: User) -> DeskPreference:
    """The clerk's preferences, unsaved defaults when they have none yet."""
    found = DeskPreference.objects.filter(user=user).select_related("last_category").first()
    return found or DeskPreference(user=user)


def desk_preference_remember(*, user: User, category: Category, print_receipt: bool) -> None:
    DeskPreference.objects.update_or_create(
        user=user, defaults={"last_category": category, "print_receipt": print_receipt}
    )


@transaction.atomic
def case_attachment_add(actor: User, *, case: Case, upload: UploadedFile) -> CaseAttachment:
    """Checked again here (not only in the form): nothing reaches the disk unchecked."""
    if not permissions.can_register_case(actor):
        raise NotAllowed()
    kind = attachments.sniff(upload, size=upload.size or 0, kinds=attachments.DOCUMENT_KINDS)
    stored = CaseAttachment(
        case=case,
        name=attachments.display_name(upload.name or "", kind),
        content_type=kind.content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    stored.file.save(attachments.stored_name(kind), upload, save=False)
    stored.save()
    event_add(case=case, actor=actor, kind="attachment_added", attachment=stored.pk)
    # The file name may carry the visitor's name: the audit row keeps only kind and size.
    audit_record(
        actor=actor,
        action="case.attachment",
        object_type="case",
        object_id=case.number,
        after={"attachment": stored.pk, "type": kind.extension, "size": stored.size},
    )
    return stored


def case_attachment_get_for_user(*, user: User, number: str, pk: int) -> CaseAttachment:
    """Http404 alike for a missing attachment and a case the user may not open."""
    case = case_get_for_user(user=user, number=number)
    return get_object_or_404(CaseAttachment, case=case, pk=pk)


def erase_documents(case: Case) -> None:
    """The visitor's documents go with the rest of their personal data (PRV-1); the timeline
    keeps the line saying one was attached. Files go once the erasure has committed."""
    names = [name for name in case.attachments.values_list("file", flat=True) if name]
    case.attachments.all().delete()

    def delete_files() -> None:
        for name in names:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
