"""Security: HTTPS and its headers, sessions and cookies, passwords and sign-in throttles, the
authentication backends, the Content Security Policy, and the keys that protect personal data
and the audit trail."""

import datetime as dt

from csp import constants as csp

from .base import DEBUG, SECRET_KEY, env
from .database import REDIS_URL

# Behind TLS in production: HTTPS turns on redirect, HSTS and the proxy header; cookies are
# Secure unless DEBUG. On by default when DEBUG is off (HTTPS=0 turns it off), so
# `manage.py check --deploy --fail-level WARNING` passes with only SECRET_KEY and ALLOWED_HOSTS.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Health probes speak plain http to the container, past the proxy; Prometheus scrapes /metrics
# over the internal network without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = HTTPS and env.bool("HSTS_PRELOAD", default=True)
if env.bool("BEHIND_PROXY", default=HTTPS):
    # The proxy must set X-Forwarded-Proto itself (overwrite, never pass the client's through).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions and cookies.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# The idle clock restarts when a request saves the session: at most once a minute
# (accounts.middleware.SessionLifetimeMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
# Absolute session lifetime: signed-in time after which a new sign-in is needed, however active.
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
# With Redis, sessions are read from the cache (or its PostgreSQL stand-in while Redis is down),
# written to both: one query less on every page. Signing a user out everywhere deletes from both
# (accounts/signals.py); a deletion during an outage reaches Redis when it is back. Without Redis
# the cache is a table too: sessions are read from their own.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if REDIS_URL else 'db'}"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first (it refuses a locked-out sign-in before any backend runs), then local
# accounts (usable password). The single sign-on backends (directory/sso.py) are always listed
# and stay idle until their settings are given (features.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "directory.sso.DirectoryLDAPBackend",
    "directory.sso.DirectoryOIDCBackend",
]
# django-axes: failed sign-ins per username+IP, and per IP across usernames, before a cool-off
# (429; one audit event per lock-out). accounts/throttle.py gives each rule its limit and masks
# unknown usernames.
AXES_FAILURE_LIMIT = env.int("LOGIN_MAX_FAILURES", default=5)
# Failed sign-ins from one IP, over all usernames, before it is locked out (password spraying).
LOGIN_MAX_FAILURES_PER_IP = env.int("LOGIN_MAX_FAILURES_PER_IP", default=20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
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
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "base-uri": [csp.NONE],
        "object-src": [csp.NONE],
        "report-uri": ["/accounts/csp-report/"],
    }
}

# Personal data (PRV-1): key of the phone hash (matching without the raw number in logs).
PII_HASH_KEY = env("PII_HASH_KEY", default=SECRET_KEY)
# Minutes a phone number searched from the case list stays behind its URL token (VIS-2).
SEARCH_TOKEN_MINUTES = env.int("SEARCH_TOKEN_MINUTES", default=30)
# Retention: days after archiving before a visitor's name, phone and signatures are erased.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=3 * 365)
# Key of the audit checkpoints' HMAC-SHA256; keep it out of the database and its backups. Unset,
# the key is SECRET_KEY (and SECRET_KEY_FALLBACKS) through a salt of its own.
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", default="")
