"""Settings, all from the environment (README lists every variable with its default).

PostgreSQL is the only database. With no environment at all the project uses the embedded
PostgreSQL that `make run` starts (bin/pgembed.py: var/pgdata, 127.0.0.1:EMBEDDED_PG_PORT) and a
Celery broker kept in that same database, so `make run` works on a machine with only Python.
"""

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

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
]

MIDDLEWARE = [
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
    "audit.middleware.RequestIdMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
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
]

EMBEDDED_PG_PORT = env.int("EMBEDDED_PG_PORT", default=54320)
DATABASE_URL = env(
    "DATABASE_URL", default=f"postgres://postgres@127.0.0.1:{EMBEDDED_PG_PORT}/firstask"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("DATABASE_URL must name a PostgreSQL database (postgres://…)")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# Short OLTP queries: PostgreSQL's JIT compiles any plan that looks costly (a list page's
# count over a million cases) and spent 35–40 ms of a 100 ms query doing so (bench/).
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = (_db_options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Redis when it answers, else the PostgreSQL table firstask_cache; PostgreSQL alone without
# REDIS_URL (firstask/cache.py, docs/redis.md). A process that saw Redis (or the Celery broker)
# fail leaves it alone for REDIS_RETRY_SECONDS.
CACHES = {
    "default": {
        "BACKEND": f"firstask.cache.{'FallbackCache' if REDIS_URL else 'PostgresCache'}",
        "LOCATION": REDIS_URL or "firstask_cache",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="firstask"),
    }
}
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5)
# /healthz: a beat or worker heartbeat, or the oldest due notification, older than this fails.
HEALTH_STALE_SECONDS = env.int("HEALTH_STALE_SECONDS", default=600)
# A connection kept from an earlier request is checked before reuse: a restarted PostgreSQL
# costs no request (a database that is down answers 503, firstask/errors.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:desk"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="firstask <noreply@localhost>")

# Sessions and cookies.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# The idle clock restarts when a request saves the session: at most once a minute
# (accounts.middleware.SessionLifetimeMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
# With Redis, sessions are read from the cache (or its PostgreSQL stand-in while Redis is down),
# written to both: one query less on every page. Signing a user out everywhere deletes from both
# (accounts/signals.py); a deletion during an outage reaches Redis when it is back. Without Redis
# the cache is a table too: sessions are read from their own.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if REDIS_URL else 'db'}"
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Working hours: a deadline given in working days ends at this local time.
WORKDAY_END = env("WORKDAY_END", default="17:30")
# Public status page: failed lookups allowed per IP / per case number in the window.
STATUS_MAX_FAILURES = env.int("STATUS_MAX_FAILURES", default=5)
STATUS_FAILURE_WINDOW_SECONDS = env.int("STATUS_FAILURE_WINDOW_SECONDS", default=900)
# Case number prefix (SW-YYYYMMDD-NNNN).
CASE_NUMBER_PREFIX = env("CASE_NUMBER_PREFIX", default="SW")

# Celery: Redis in production and tests; with no REDIS_URL the broker's queue is two tables in
# our own PostgreSQL (kombu's SQLAlchemy transport), so the demo needs no server of its own.
_SQLA_DATABASE = "postgresql+psycopg://" + DATABASE_URL.split("://", 1)[1]
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or f"sqla+{_SQLA_DATABASE}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "redact_pii": {"()": "audit.logredact.RedactPersonalData"},
        "one_line_4xx": {"()": "firstask.logfilters.ClientErrorsOnOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
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

# --- security ---
import datetime as _dt  # noqa: E402

from csp.constants import NONE as _CSP_NONE  # noqa: E402
from csp.constants import SELF as _CSP_SELF  # noqa: E402

# Behind TLS in production: HTTPS turns on redirect, HSTS and the proxy header; cookies are
# Secure unless DEBUG (above). On by default when DEBUG is off (HTTPS=0 turns it off), so
# `manage.py check --deploy --fail-level WARNING` passes with only SECRET_KEY and ALLOWED_HOSTS.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Health probes speak plain http to the container, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = HTTPS and env.bool("HSTS_PRELOAD", default=True)
if env.bool("BEHIND_PROXY", default=HTTPS):
    # The proxy must set X-Forwarded-Proto itself (overwrite, never pass the client's through).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Absolute session lifetime: signed-in time after which a new sign-in is needed, however active.
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] = {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}

# django-axes: failed sign-ins per username+IP, and per IP across usernames, before a cool-off
# (429; one audit event per lock-out). accounts/throttle.py gives each rule its limit and masks
# unknown usernames.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_MAX_FAILURES", default=5)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_HANDLER = "accounts.throttle.SignInThrottle"
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "username"]  # kept POST data: no typed text
# Client IP for throttling: REMOTE_ADDR, or the address the N trusted proxies in front of us saw.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"

# Content Security Policy: no inline script or style anywhere (templates use static files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
        "base-uri": [_CSP_NONE],
        "object-src": [_CSP_NONE],
        "report-uri": ["/accounts/csp-report/"],
    }
}

# Personal data (PRV-1): key of the phone hash (matching without the raw number in logs).
PII_HASH_KEY = env("PII_HASH_KEY", default=SECRET_KEY)
# Minutes a phone number searched from the case list stays behind its URL token (VIS-2).
SEARCH_TOKEN_MINUTES = env.int("SEARCH_TOKEN_MINUTES", default=30)
# Retention: days after archiving before a visitor's name, phone and signatures are erased.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=3 * 365)
CELERY_IMPORTS = ["cases.retention"]
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "retention-sweep": {"task": "cases.retention.retention_sweep_task", "schedule": 24 * 3600},
}
# --- closure ---
# Minutes a signing screen opened for the visitor stays valid.
CLOSURE_SIGNING_MINUTES = env.int("CLOSURE_SIGNING_MINUTES", default=15)
# Working days promised for a rework round after a dissatisfied confirmation (CLO-2).
CLOSURE_REWORK_WORKING_DAYS = env.int("CLOSURE_REWORK_WORKING_DAYS", default=3)
# Hours the "confirm and sign on your phone" link sent to the visitor stays valid.
CLOSURE_PHONE_SIGNING_HOURS = env.int("CLOSURE_PHONE_SIGNING_HOURS", default=72)
# Failed public signing links per client IP in the status page's window before a pause.
CLOSURE_PHONE_SIGNING_MAX_FAILURES = env.int("CLOSURE_PHONE_SIGNING_MAX_FAILURES", default=10)

# --- archive ---
# Hours a closed case stays open to call-backs before it is archived; 0 archives at once (CLO-4).
ARCHIVE_QUIET_HOURS = env.int("ARCHIVE_QUIET_HOURS", default=0)
ARCHIVE_NUMBER_PREFIX = env("ARCHIVE_NUMBER_PREFIX", default="GD")
ARCHIVE_SWEEP_MINUTES = env.int("ARCHIVE_SWEEP_MINUTES", default=5)
ARCHIVE_SWEEP_BATCH = env.int("ARCHIVE_SWEEP_BATCH", default=200)
# ZIP exports are deleted this many days after they were made (retention reaches every copy).
ARCHIVE_EXPORT_KEEP_DAYS = env.int("ARCHIVE_EXPORT_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "archive-sweep": {
        "task": "archive.tasks.archive_sweep",
        "schedule": ARCHIVE_SWEEP_MINUTES * 60,
    },
}
# --- supervision ---
SUPERVISION_HOTLINE = env("SUPERVISION_HOTLINE", default="010-62750000")
SUPERVISION_MAILBOX = env("SUPERVISION_MAILBOX", default="jiandu@center.example")
# The public complaint page's address as printed on receipts and shown on the status page;
# empty: this site's own page (SITE_URL + /supervision/complaint/).
SUPERVISION_COMPLAINT_URL = env("SUPERVISION_COMPLAINT_URL", default="")
SUPERVISION_COMPLAINT_MAX_PER_IP = env.int("SUPERVISION_COMPLAINT_MAX_PER_IP", default=5)
SUPERVISION_COMPLAINT_WINDOW_SECONDS = env.int("SUPERVISION_COMPLAINT_WINDOW_SECONDS", default=3600)
KPI_WORK_MEM = env("KPI_WORK_MEM", default="64MB")  # PostgreSQL work_mem for the KPI queries
# The KPI page's figures are recalculated at most this often (0: on every request).
KPI_CACHE_SECONDS = env.int("KPI_CACHE_SECONDS", default=300)
# --- background work ---
# Overdue scan, deadline reminders and the notification outbox (cases/overdue.py, notifications/).
# The beat schedule itself is in firstask/celery.py.
OVERDUE_SCAN_SECONDS = env.int("OVERDUE_SCAN_SECONDS", default=300)
REMINDER_SCAN_SECONDS = env.int("REMINDER_SCAN_SECONDS", default=300)
REMINDER_WORKING_HOURS = env.float("REMINDER_WORKING_HOURS", default=4)
WORKDAY_START = env("WORKDAY_START", default="08:30")
NOTIFY_SWEEP_SECONDS = env.int("NOTIFY_SWEEP_SECONDS", default=60)
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=60)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_WEBHOOK_URL = env("NOTIFY_WEBHOOK_URL", default="")
NOTIFY_WEBHOOK_SECRET = env("NOTIFY_WEBHOOK_SECRET", default="")
NOTIFY_WEBHOOK_TIMEOUT = env.float("NOTIFY_WEBHOOK_TIMEOUT", default=5)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Messages to the visitor (notifications/sms.py): "console" prints them (make run), "aliyun"
# (Dysmsapi SendSms) and "tencent" (SMS SendSms 2021-01-11) send them; "" sends no SMS.
SMS_BACKEND = env("SMS_BACKEND", default="console" if DEBUG else "")
SMS_ACCESS_KEY_ID = env("SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env("SMS_ACCESS_KEY_SECRET", default="")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="")
SMS_APP_ID = env("SMS_APP_ID", default="")  # Tencent's SmsSdkAppId
SMS_REGION = env("SMS_REGION", default="")  # default: cn-hangzhou (Aliyun), ap-guangzhou
SMS_ENDPOINT = env("SMS_ENDPOINT", default="")  # default: the provider's public endpoint
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=5)
# The provider's approved template id per message kind.
SMS_TEMPLATES = {
    "visitor_receipt": env("SMS_TEMPLATE_RECEIPT", default=""),
    "visitor_extension": env("SMS_TEMPLATE_EXTENSION", default=""),
    "visitor_result_ready": env("SMS_TEMPLATE_RESULT_READY", default=""),
    "visitor_rework": env("SMS_TEMPLATE_REWORK", default=""),
}
# A web request that queues a task gives up on an unreachable broker within this many seconds;
# the outbox row is already committed and the sweep delivers it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 0,  # publishers fail fast; workers reconnect by their own retry loop
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": 30,
        # An unacknowledged task (acks_late) of a killed worker is handed out again after this.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=1800),
        # kombu >= 5.7 scans for such messages only every 10th 10-second tick (~100 s); one
        # indexed ZRANGE every 10 s is cheap, so scan on every tick.
        "unacked_restore_throttle": 1,
    }
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# --- handoffs ---
# Handoff form numbers look like JB-2026-0001; answer attachments up to this size.
HANDOFF_NUMBER_PREFIX = env("HANDOFF_NUMBER_PREFIX", default="JB")
HANDOFF_ATTACHMENT_MAX_BYTES = env.int("HANDOFF_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Largest image attachment in pixels, read from the header before anything is decoded.
HANDOFF_ATTACHMENT_MAX_PIXELS = env.int("HANDOFF_ATTACHMENT_MAX_PIXELS", default=40_000_000)
# --- audit checkpoints and sign-in throttles ---
# Seconds between signed checkpoints of the audit chain's head (mailed to the auditors).
AUDIT_CHECKPOINT_SECONDS = env.int("AUDIT_CHECKPOINT_SECONDS", default=3600)
# Key of the checkpoints' HMAC-SHA256; keep it out of the database and its backups. Unset, the
# key is SECRET_KEY (and SECRET_KEY_FALLBACKS) through a salt of its own.
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", default="")
# Failed sign-ins from one IP, over all usernames, before it is locked out (password spraying).
LOGIN_MAX_FAILURES_PER_IP = env.int("LOGIN_MAX_FAILURES_PER_IP", default=20)
# --- REST API and outgoing webhooks (api/, webhooks/) ---
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "webhooks", "api"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    # Calls per token, counted in the cache (Redis): e.g. "120/min", "5000/hour".
    "DEFAULT_THROTTLE_RATES": {"api_token": env("API_THROTTLE_RATE", default="120/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "firstask API",
    "DESCRIPTION": "Cases, their timeline and results; departments and categories. "
    "Every call runs as the token's user, within the token's scopes.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
# Webhook deliveries: seconds to wait for an endpoint, first retry delay (doubling), attempts.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_SWEEP_SECONDS = env.int("WEBHOOK_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "webhooks-sweep": {"task": "webhooks.deliver_due", "schedule": WEBHOOK_SWEEP_SECONDS},
}
# --- integrations: SSO, directory import, metrics and logs, backup (issue 18) ---
# The project package is an app too: its management commands (backup, restore) live there.
INSTALLED_APPS += ["firstask"]
# Metrics (firstask/metrics.py): /metrics answers a client in METRICS_ALLOWED_IPS (addresses or
# networks) or one sending "Authorization: Bearer <METRICS_TOKEN>"; anyone else gets 403.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Prometheus scrapes over the internal network without TLS: no redirect to https for /metrics.
SECURE_REDIRECT_EXEMPT += [r"^metrics$"]
# A Celery worker serves its task counters on this port (0: off; docker-compose sets 9808).
METRICS_WORKER_PORT = env.int("METRICS_WORKER_PORT", default=0)
METRICS_WORKER_ADDR = env("METRICS_WORKER_ADDR", default="0.0.0.0")  # noqa: S104 - container
# First: the latency measured covers every other middleware.
MIDDLEWARE.insert(0, "firstask.metrics.RequestMetricsMiddleware")
# LOG_FORMAT=json: one JSON object per log line, with the request id (X-Request-ID).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "firstask.logjson.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# The staff directory from outside (directory/): single sign-on and bulk import/export.
INSTALLED_APPS += ["directory"]
# Single sign-on (directory/sso.py). Both backends are always listed and stay idle until their
# settings are given; local accounts (usable password) keep signing in with ModelBackend.
AUTHENTICATION_BACKENDS += [
    "directory.sso.DirectoryLDAPBackend",
    "directory.sso.DirectoryOIDCBackend",
]
# LDAP / Active Directory: on when LDAP_SERVER_URI is set (ldap://host:389 or ldaps://…).
LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")
LDAP_BIND_DN = env("LDAP_BIND_DN", default="")  # service account that searches; "" = anonymous
LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
LDAP_TIMEOUT = env.float("LDAP_TIMEOUT", default=5)
LDAP_USER_SEARCH_BASE = env("LDAP_USER_SEARCH_BASE", default="")
# %(user)s is the typed username; matches OpenLDAP's uid and Active Directory's sAMAccountName.
LDAP_USER_FILTER = env("LDAP_USER_FILTER", default="(|(uid=%(user)s)(sAMAccountName=%(user)s))")
LDAP_GROUP_SEARCH_BASE = env("LDAP_GROUP_SEARCH_BASE", default="")
LDAP_GROUP_FILTER = env(
    "LDAP_GROUP_FILTER", default="(|(objectClass=groupOfNames)(objectClass=group))"
)
LDAP_GROUP_MEMBER_ATTR = env("LDAP_GROUP_MEMBER_ATTR", default="member")
# JSON: group DN -> role or list of roles, e.g. {"cn=heads,ou=groups,dc=x": ["staff",
# "department_head"]}. Members of no listed group cannot sign in.
LDAP_ROLE_GROUPS = env.json("LDAP_ROLE_GROUPS", default={})
# Attribute naming the user's department by code (or name); unknown values leave it unchanged.
LDAP_DEPARTMENT_ATTR = env("LDAP_DEPARTMENT_ATTR", default="departmentNumber")
LDAP_NAME_ATTR = env("LDAP_NAME_ATTR", default="cn")  # Active Directory: displayName
# OpenID Connect: on when OIDC_RP_CLIENT_ID is set; endpoints from the provider's discovery
# document (/.well-known/openid-configuration). WeCom, DingTalk and Feishu through their
# OIDC-compatible gateways, Keycloak, Azure AD alike.
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="OpenID Connect")  # on the login button
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")  # checked against the id_token's iss when set
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10)
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_NAME_CLAIM = env("OIDC_NAME_CLAIM", default="name")
OIDC_ROLES_CLAIM = env("OIDC_ROLES_CLAIM", default="groups")
# JSON: claim value -> role or list of roles; users with no mapped value cannot sign in.
OIDC_ROLE_MAP = env.json("OIDC_ROLE_MAP", default={})
OIDC_DEPARTMENT_CLAIM = env("OIDC_DEPARTMENT_CLAIM", default="department")
OIDC_AUTHENTICATION_CALLBACK_URL = "directory:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
