"""The upload checks moved to firstask.attachments (intake attachments use them too); handoffs
keeps importing them from here."""

from firstask.attachments import (  # noqa: F401
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    Kind,
    display_name,
    max_bytes,
    max_pixels,
    sniff,
    stored_name,
)
