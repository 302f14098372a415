"""Static files (WhiteNoise) and uploaded media.

Every stored file (signatures, archive PDFs, ZIP exports, attachments) goes through Django's
storage API (default_storage, FileField), never a path: the local disk under MEDIA_ROOT for one
node, or a private S3-compatible bucket that several web nodes and workers share
(MEDIA_STORAGE=s3, django-storages). Downloads are always served by our views, which authorize
and audit them; no bucket URL is ever handed out. Keys come from the environment
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or the machine's role, read by boto3 itself."""

from .base import BASE_DIR, DEBUG, VAR_DIR, env

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_STORAGE = env("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as _BotoConfig

    if not env("AWS_STORAGE_BUCKET_NAME", default=""):
        raise RuntimeError("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME: the bucket media go to")
    _MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "location": env("AWS_LOCATION", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            # As on disk: a name is never overwritten (a second file gets a new name), so a row
            # never points at bytes other than those it was saved with.
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,
            "querystring_expire": 300,
            # A file larger than this is spooled to a temporary file while it is served.
            "max_memory_size": 10 * 1024 * 1024,
            # A store that does not answer costs a request seconds, not minutes. (Given a
            # client_config, django-storages reads no addressing style of its own: it is here.)
            "client_config": _BotoConfig(
                s3={"addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="auto")},
                connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=5),
                read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=30),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
elif MEDIA_STORAGE == "local":
    _MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise RuntimeError(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}")
STORAGES = {
    "default": _MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
