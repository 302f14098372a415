"""What the media store holds, read through Django's storage API alone, so that backup and restore
work the same on the local disk (MEDIA_ROOT) and on an S3-compatible bucket (MEDIA_STORAGE=s3).
Which backend is in use is settled in settings (STORAGES["default"]); nothing here names a path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage


def media_names(*, storage: Storage | None = None) -> list[str]:
    """Every stored file's name, sorted; an empty list for a store not created yet (a MEDIA_ROOT
    that does not exist). A bucket lists its keys; "directories" are the prefixes before a "/"."""
    storage = storage or default_storage
    try:
        return sorted(_walk(storage, ""))
    except FileNotFoundError:
        return []


def _walk(storage: Storage, prefix: str) -> Iterator[str]:
    directories, files = storage.listdir(prefix)
    for name in files:
        yield posixpath.join(prefix, name) if prefix else name
    for directory in directories:
        yield from _walk(storage, posixpath.join(prefix, directory) if prefix else directory)


def media_store_label(*, storage: Storage | None = None) -> str:
    """The store as an operator names it in a message: the directory, or the bucket and prefix."""
    storage = storage or default_storage
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        location = getattr(storage, "location", "")
        return f"bucket {bucket}" + (f" (prefix {location}/)" if location else "")
    return f"MEDIA_ROOT {getattr(storage, 'location', '?')}"
