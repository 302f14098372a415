"""The product's own rules, by app: working hours, numbering, time limits and thresholds. How
often beat runs each scan is in celery.py."""

from .base import env

# --- cases ---
# Working hours: a deadline given in working days ends at WORKDAY_END local time.
WORKDAY_START = env("WORKDAY_START", default="08:30")
WORKDAY_END = env("WORKDAY_END", default="17:30")
# Deadline reminders go out this many working hours before a deadline.
REMINDER_WORKING_HOURS = env.float("REMINDER_WORKING_HOURS", default=4)
# Public status page: failed lookups allowed per IP / per case number in the window.
STATUS_MAX_FAILURES = env.int("STATUS_MAX_FAILURES", default=5)
STATUS_FAILURE_WINDOW_SECONDS = env.int("STATUS_FAILURE_WINDOW_SECONDS", default=900)
# Case number prefix (SW-YYYYMMDD-NNNN).
CASE_NUMBER_PREFIX = env("CASE_NUMBER_PREFIX", default="SW")

# --- notifications: the outbox ---
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=60)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
# /healthz: a beat or worker heartbeat, or the oldest due notification, older than this fails.
HEALTH_STALE_SECONDS = env.int("HEALTH_STALE_SECONDS", default=600)

# --- handoffs ---
# Handoff form numbers look like JB-2026-0001; answer attachments up to this size.
HANDOFF_NUMBER_PREFIX = env("HANDOFF_NUMBER_PREFIX", default="JB")
HANDOFF_ATTACHMENT_MAX_BYTES = env.int("HANDOFF_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Largest image attachment in pixels, read from the header before anything is decoded.
HANDOFF_ATTACHMENT_MAX_PIXELS = env.int("HANDOFF_ATTACHMENT_MAX_PIXELS", default=40_000_000)

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
ARCHIVE_SWEEP_BATCH = env.int("ARCHIVE_SWEEP_BATCH", default=200)
# ZIP exports are deleted this many days after they were made (retention reaches every copy).
ARCHIVE_EXPORT_KEEP_DAYS = env.int("ARCHIVE_EXPORT_KEEP_DAYS", default=30)

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
