"""Optional integrations, each idle until its settings are given (or on with safe defaults):
the REST API and outgoing webhooks, chat-group webhooks, SMS, single sign-on (LDAP, OpenID
Connect) and metrics. A new integration's settings go here, in a section of their own."""

from .base import DEBUG, env

# --- REST API (api/) ---
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

# --- outgoing webhooks (webhooks/) ---
# Seconds to wait for an endpoint, first retry delay (doubling), attempts. The sweep's interval
# is in celery.py.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)

# --- a WeCom/DingTalk group robot told of every notification (notifications/) ---
NOTIFY_WEBHOOK_URL = env("NOTIFY_WEBHOOK_URL", default="")
NOTIFY_WEBHOOK_SECRET = env("NOTIFY_WEBHOOK_SECRET", default="")
NOTIFY_WEBHOOK_TIMEOUT = env.float("NOTIFY_WEBHOOK_TIMEOUT", default=5)

# --- SMS to the visitor (notifications/sms.py) ---
# "console" prints them (make run), "aliyun" (Dysmsapi SendSms) and "tencent" (SMS SendSms
# 2021-01-11) send them; "" sends no SMS.
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

# --- metrics (firstask/metrics.py) ---
# /metrics answers a client in METRICS_ALLOWED_IPS (addresses or networks) or one sending
# "Authorization: Bearer <METRICS_TOKEN>"; anyone else gets 403.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# A Celery worker serves its task counters on this port (0: off; docker-compose sets 9808).
METRICS_WORKER_PORT = env.int("METRICS_WORKER_PORT", default=0)
METRICS_WORKER_ADDR = env("METRICS_WORKER_ADDR", default="0.0.0.0")  # noqa: S104 - container

# --- single sign-on (directory/sso.py; the backends are listed in security.py) ---
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
