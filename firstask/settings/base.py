"""The core: environment, paths, the secret key, apps, middleware, templates, users, languages,
e-mail and logging. The other modules of this package import what they need from here."""

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Files the running product writes (media, the embedded database, beat's schedule, demo mail).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
_DEV_SECRET = "insecure-dev-only-key-never-used-in-production"  # noqa: S105
# Commands that only read code and write files (migrations, catalogues) sign nothing, so they
# run without a key on a developer's or CI's machine; everything else refuses to start without one.
_KEYLESS_COMMANDS = {"makemigrations", "makemessages", "makemessages_all", "compilemessages_py"}
_COMMAND = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
SECRET_KEY = env(
    "SECRET_KEY",
    default=_DEV_SECRET if DEBUG or _COMMAND in _KEYLESS_COMMANDS else None,
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public address printed on receipts and encoded in their QR code.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    # Our apps, in layer order (an app imports only from those above it).
    "accounts",
    "audit",
    "notifications",
    "cases",
    "handoffs",
    "closure",
    "archive",
    "answers",
    "supervision",
    # REST API and outgoing webhooks (settings in features.py).
    "rest_framework",
    "drf_spectacular",
    "webhooks",
    "api",
    # The project package is an app too: its management commands (backup, restore) live there.
    "firstask",
    # The staff directory from outside: single sign-on and bulk import/export (features.py).
    "directory",
]

MIDDLEWARE = [
    # First: the latency measured covers every other middleware.
    "firstask.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "closure.kiosk.KioskMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Domain errors a view lets through: 403 / 409 page / message and back (firstask/viewkit.py).
    "firstask.viewkit.DomainErrorMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception is the first to see a read replica that failed mid-request;
    # without DATABASE_REPLICA_URL it removes itself (firstask/db_router.py, settings/database.py).
    "firstask.db_router.ReplicaMiddleware",
]

# Django's form renderer with the plain widgets written in Python (firstask/forms_renderer.py).
FORM_RENDERER = "firstask.forms_renderer.FastRenderer"
ROOT_URLCONF = "firstask.urls"
WSGI_APPLICATION = "firstask.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
    # Table rows listed by the hundred (<app>/jinja2/<app>/_*_rows.html): firstask/jinja2.py.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "firstask.jinja2.environment"},
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:desk"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail from EMAIL_URL (consolemail://, smtp+tls://user:password@host:587, …).
_EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"]
EMAIL_PORT = _EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_FILE_PATH = _EMAIL["EMAIL_FILE_PATH"]
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_SSL_CERTFILE = _EMAIL.get("EMAIL_SSL_CERTFILE")
EMAIL_SSL_KEYFILE = _EMAIL.get("EMAIL_SSL_KEYFILE")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="firstask <noreply@localhost>")

# LOG_FORMAT=json: one JSON object per log line, with the request id (X-Request-ID).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        **({"json": {"()": "firstask.logjson.JsonFormatter"}} if LOG_FORMAT == "json" else {}),
    },
    "filters": {
        "redact_pii": {"()": "audit.logredact.RedactPersonalData"},
        "one_line_4xx": {"()": "firstask.logfilters.ClientErrorsOnOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact_pii", "one_line_4xx"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One handler for Django's own messages (its default config would add a second).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},  # not a line per sign-in
    },
}
