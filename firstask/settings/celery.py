"""Celery: the broker, time limits and acknowledgements, and the whole beat schedule in one table.

Redis is the broker in production and tests; with no REDIS_URL the broker's queue is two tables in
our own PostgreSQL (kombu's SQLAlchemy transport), so the demo needs no server of its own.
"""

from .base import TIME_ZONE, VAR_DIR, env
from .database import DATABASE_URL, REDIS_URL

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
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
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
# Modules with tasks that autodiscovery (<app>/tasks.py) does not find.
CELERY_IMPORTS = ["cases.retention"]

# How often beat runs each periodic task. Run one beat process only (docker-compose's `beat`
# service, or `make run`'s `worker -B`); the scans also hold a PostgreSQL advisory lock, so an
# accidental second beat does no harm.
OVERDUE_SCAN_SECONDS = env.int("OVERDUE_SCAN_SECONDS", default=300)  # cases/overdue.py
REMINDER_SCAN_SECONDS = env.int("REMINDER_SCAN_SECONDS", default=300)
NOTIFY_SWEEP_SECONDS = env.int("NOTIFY_SWEEP_SECONDS", default=60)  # the notification outbox
# Seconds between signed checkpoints of the audit chain's head (mailed to the auditors).
AUDIT_CHECKPOINT_SECONDS = env.int("AUDIT_CHECKPOINT_SECONDS", default=3600)
ARCHIVE_SWEEP_MINUTES = env.int("ARCHIVE_SWEEP_MINUTES", default=5)
WEBHOOK_SWEEP_SECONDS = env.int("WEBHOOK_SWEEP_SECONDS", default=60)

# The whole beat schedule: entry → (task, seconds between runs, also queued when beat starts).
# Queued at start (firstask/celery.py): what fell due while beat was down is flagged and
# delivered at once, and `make run`'s demo shows its overdue cases flagged within seconds.
_BEAT = {
    "flag-overdue": ("cases.flag_overdue", OVERDUE_SCAN_SECONDS, True),
    "remind-deadlines": ("cases.remind_deadlines", REMINDER_SCAN_SECONDS, True),
    "deliver-notifications": ("notifications.deliver_due", NOTIFY_SWEEP_SECONDS, True),
    "audit-checkpoint": ("audit.write_checkpoint", AUDIT_CHECKPOINT_SECONDS, True),
    "archive-sweep": ("archive.tasks.archive_sweep", ARCHIVE_SWEEP_MINUTES * 60, False),
    "webhooks-sweep": ("webhooks.deliver_due", WEBHOOK_SWEEP_SECONDS, False),
    "retention-sweep": ("cases.retention.retention_sweep_task", 24 * 3600, False),
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": seconds} for name, (task, seconds, _) in _BEAT.items()
}
BEAT_QUEUED_AT_START = [name for name, (_, _, at_start) in _BEAT.items() if at_start]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
