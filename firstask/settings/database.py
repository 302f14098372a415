"""PostgreSQL and the cache (Redis with a PostgreSQL fallback, or PostgreSQL alone).

PostgreSQL is the only database. With no environment at all the project uses the embedded
PostgreSQL that `make run` starts (bin/pgembed.py: var/pgdata, 127.0.0.1:EMBEDDED_PG_PORT) and a
Celery broker kept in that same database (celery.py), so `make run` works on a machine with only
Python. More databases (a read replica and its DATABASE_ROUTERS) belong in this module.
"""

from .base import env

EMBEDDED_PG_PORT = env.int("EMBEDDED_PG_PORT", default=54320)
DATABASE_URL = env(
    "DATABASE_URL", default=f"postgres://postgres@127.0.0.1:{EMBEDDED_PG_PORT}/firstask"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("DATABASE_URL must name a PostgreSQL database (postgres://…)")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# A connection kept from an earlier request is checked before reuse: a restarted PostgreSQL
# costs no request (a database that is down answers 503, firstask/errors.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
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
