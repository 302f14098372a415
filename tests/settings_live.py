"""Settings of the web processes that tests start (gunicorn): production settings from the
environment, static files served from the finders (no collectstatic in a test run)."""

from firstask.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Users made by the test process carry MD5 hashes (tests/conftest.py); MD5 first, so a sign-in
# does not rehash them with the slow default.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
