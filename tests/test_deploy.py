"""The production files: docker-compose.yml is valid for docker-compose, every service runs a
command that exists in this project, and the Dockerfile builds what the README promises.
No Docker engine runs here; `docker-compose config` validates offline."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"migrate", "web", "worker", "beat"}
MULTINODE = {"web2", "lb", "minio", "minio-init"}
PROFILED = {"prometheus": ["monitoring"], **{name: ["multinode"] for name in MULTINODE}}


def compose_config(*options: str, **env: str) -> dict:
    executable = shutil.which("docker-compose")
    assert executable, "install Debian's docker-compose (see .ci/run)"
    env = {**os.environ, "SECRET_KEY": "k", "POSTGRES_PASSWORD": "p", **env}
    result = subprocess.run(
        [executable, "-f", "docker-compose.yml", *options, "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_config()


@pytest.fixture(scope="module")
def multinode() -> dict:
    """`docker-compose --profile multinode config`, with media in the profile's MinIO bucket."""
    return compose_config(
        "--profile",
        "multinode",
        MEDIA_STORAGE="s3",
        AWS_ACCESS_KEY_ID="firstask",
        AWS_SECRET_ACCESS_KEY="s3-secret-from-dotenv",
    )


def test_compose_has_every_service(compose):
    assert set(compose["services"]) == APP_SERVICES | {"postgres", "redis"} | set(PROFILED)


def test_monitoring_profile_scrapes_the_app(compose):
    """`docker-compose --profile monitoring up` adds Prometheus, reading deploy/prometheus.yml,
    which scrapes web:8000/metrics with the METRICS_TOKEN the web service is given."""
    prometheus = compose["services"]["prometheus"]
    for name, service in compose["services"].items():
        assert service.get("profiles") == PROFILED.get(name), name
    mounts = {str(v["target"] if isinstance(v, dict) else v.split(":")[1]): v
              for v in prometheus["volumes"]}  # fmt: skip
    assert "/etc/prometheus/prometheus.yml" in mounts
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    web = jobs["firstask-web"]
    assert web["metrics_path"] == "/metrics"
    assert web["static_configs"][0]["targets"] == ["web:8000"]
    assert "0.0.0.0:8000" in compose["services"]["web"]["command"]  # gunicorn's bind
    token_file = web["authorization"]["credentials_file"]
    assert token_file in " ".join(prometheus["entrypoint"])
    assert (
        prometheus["environment"]["METRICS_TOKEN"]
        == compose["services"]["web"]["environment"]["METRICS_TOKEN"]
    )
    worker_port = compose["services"]["worker"]["environment"]["METRICS_WORKER_PORT"]
    assert jobs["firstask-worker"]["static_configs"][0]["targets"] == [f"worker:{worker_port}"]
    example = (ROOT / ".env.example").read_text()
    hosts = next(line for line in example.splitlines() if line.startswith("ALLOWED_HOSTS="))
    assert "web" in hosts.split("=", 1)[1].split(","), "Prometheus asks for Host: web"


def test_compose_config_passes_without_any_environment():
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY",)}
    result = subprocess.run(
        [shutil.which("docker-compose") or "docker-compose", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_long_running_services_have_health_checks(compose):
    for name, service in compose["services"].items():
        if service.get("restart") != "no":  # migrate, minio-init: run once and exit
            assert service.get("healthcheck", {}).get("test"), name
    assert {name for name, s in compose["services"].items() if s.get("restart") == "no"} == {
        "migrate",
        "minio-init",
    }


def test_migrations_run_once_before_the_application(compose):
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_data_lives_in_named_volumes(compose):
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in " ".join(
        str(v) for v in compose["services"]["postgres"]["volumes"]
    )


def test_settings_come_from_the_committed_example_without_secrets(compose):
    example = (ROOT / ".env.example").read_text()
    assert "SECRET_KEY=" not in example
    assert "PASSWORD=" not in example
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["SECRET_KEY"] == "k"  # from the operator's environment or .env
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DATABASE_URL"].endswith("@postgres:5432/firstask")
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def _check_command(words: list[str]) -> None:
    """Fail unless ``words`` names something this project really has."""
    from django.core.management import get_commands

    program = words[0]
    if program == "python" and words[1] == "-c":
        compile(words[2], "<healthcheck>", "exec")
    elif program == "python":
        assert words[1] == "manage.py" and (ROOT / "manage.py").exists()
        assert words[2] in get_commands(), words
    elif program == "gunicorn":
        assert importlib.util.find_spec("gunicorn"), "gunicorn is a dependency"
        module = words[1].split(":")[0]
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), module
    elif program == "celery":
        assert words[1:3] == ["-A", "firstask"] and (ROOT / "firstask" / "celery.py").exists()
        assert words[3] in {"worker", "beat", "inspect"}, words
        assert importlib.util.find_spec("celery")
    else:
        # wget: the busybox one of the prom/prometheus and nginx images; mc: MinIO's client
        programs = {"pg_isready", "redis-cli", "redis-server", "find", "wget", "mc"}
        assert program in programs, words


def test_every_service_command_exists_in_the_project(compose):
    for name in APP_SERVICES:
        _check_command(compose["services"][name]["command"])
    _check_command(compose["services"]["redis"]["command"])


def test_every_health_check_command_exists(compose):
    for _name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test")
        if not test:
            continue
        words = test[1].split() if test[0] == "CMD-SHELL" else test[1:]
        _check_command(words)


def _runs(service: dict, word: str) -> bool:
    return word in (service.get("command") or [])


def test_multinode_runs_two_web_nodes_behind_the_load_balancer(multinode):
    services = multinode["services"]
    web_nodes = {name for name, service in services.items() if _runs(service, "gunicorn")}
    assert web_nodes == {"web", "web2"}
    assert services["web2"]["command"] == services["web"]["command"]
    assert services["web2"]["healthcheck"] == services["web"]["healthcheck"]
    assert not services["web2"].get("ports"), "the second node is reached through lb only"
    lb = services["lb"]
    assert set(lb["depends_on"]) == web_nodes
    assert all(dep["condition"] == "service_healthy" for dep in lb["depends_on"].values())
    mounts = {v.split(":")[1]: v.split(":")[0] for v in lb["volumes"]}
    conf_file = Path(mounts["/etc/nginx/conf.d/default.conf"])
    assert conf_file == ROOT / "deploy" / "nginx-multinode.conf"
    conf = conf_file.read_text()
    upstream = re.search(r"upstream (\w+) \{(.*?)\}", conf, re.S)
    assert upstream
    servers = re.findall(r"^\s*server ([\w.-]+):(\d+)", upstream.group(2), re.M)
    assert sorted(servers) == [("web", "8000"), ("web2", "8000")]
    assert f"proxy_pass http://{upstream.group(1)};" in conf
    assert "0.0.0.0:8000" in services["web2"]["command"]
    assert [p["target"] for p in lb["ports"]] == [80] and re.search(r"listen 80;", conf)
    # An attachment of HANDOFF_ATTACHMENT_MAX_BYTES must pass the balancer.
    limit = re.search(r"client_max_body_size (\d+)m;", conf)
    assert limit
    assert int(limit.group(1)) * 1024 * 1024 > 10485760


def test_multinode_runs_exactly_one_beat(multinode):
    beats = [name for name, service in multinode["services"].items() if _runs(service, "beat")]
    assert beats == ["beat"]
    assert not multinode["services"]["beat"].get("profiles")


def test_multinode_nodes_share_secret_database_redis_and_the_media_bucket(multinode):
    """What must be the same on every node: a session signed or stored by one is read by the
    other, and a file stored by one (or by the worker) is found by the other."""
    services = multinode["services"]
    app = [name for name in services if name in APP_SERVICES | {"web2"}]
    shared = (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "MEDIA_STORAGE",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    )
    for key in shared:
        values = {services[name]["environment"][key] for name in app}
        assert len(values) == 1, (key, values)
    web = services["web"]["environment"]
    assert web["MEDIA_STORAGE"] == "s3"
    assert web["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    minio = services["minio"]["environment"]
    assert minio["MINIO_ROOT_USER"] == web["AWS_ACCESS_KEY_ID"]
    assert minio["MINIO_ROOT_PASSWORD"] == web["AWS_SECRET_ACCESS_KEY"] == "s3-secret-from-dotenv"
    init = services["minio-init"]
    assert init["environment"]["AWS_STORAGE_BUCKET_NAME"] == web["AWS_STORAGE_BUCKET_NAME"]
    assert "mc mb --ignore-existing" in " ".join(init["command"])
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    # On one Docker host the local store is shared too: every node mounts the same volume.
    for name in ("web", "web2", "worker"):
        assert "media:/app/var/media" in " ".join(map(str, services[name]["volumes"]))


def test_sessions_are_not_kept_per_node(settings):
    """Sessions live in the database (read through the shared Redis cache when there is one),
    never in a node's memory or files."""
    assert settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }
    backend = settings.CACHES[getattr(settings, "SESSION_CACHE_ALIAS", "default")]["BACKEND"]
    assert "locmem" not in backend.lower() and "filebased" not in backend.lower()


def test_the_beat_schedule_is_registered_in_code():
    from django.conf import settings

    from firstask.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovers tasks
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "cases.flag_overdue",
        "cases.remind_deadlines",
        "notifications.deliver_due",
        "archive.tasks.archive_sweep",
        "audit.write_checkpoint",
        "webhooks.deliver_due",
        "cases.retention.retention_sweep_task",
    }
    assert schedule["flag-overdue"]["schedule"] == settings.OVERDUE_SCAN_SECONDS
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_beat_queues_the_marked_tasks_when_it_starts(monkeypatch):
    from firstask import celery

    monkeypatch.setattr(celery, "_beat_process", False)  # _catch_up marks this process as beat
    queued = []
    monkeypatch.setattr(celery.app, "send_task", lambda task, **options: queued.append(task))
    celery._catch_up()
    assert queued == [
        "cases.flag_overdue",
        "cases.remind_deadlines",
        "notifications.deliver_due",
        "audit.write_checkpoint",
    ]


def test_dockerfile_builds_a_slim_non_root_image_with_pdf_libraries():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim-bookworm\n" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert "collectstatic --no-input" in dockerfile
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert 'CMD ["gunicorn", "firstask.wsgi"' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "var"} <= set(ignored)


@pytest.fixture
def fresh_database_url():
    """A database of its own on the suite's PostgreSQL server, dropped afterwards."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')[:40]}_migrate_{secrets.token_hex(4)}"
    server = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_a_fresh_database_migrates_forwards_back_and_forwards(fresh_database_url):
    """Each app's one squashed migration applies to an empty database, its frozen SQL (search
    functions, expression indexes, archive and audit triggers) included, and every app unapplies
    to nothing and applies again."""
    env = {**os.environ, "DATABASE_URL": fresh_database_url}
    manage = [sys.executable, str(ROOT / "manage.py")]

    def migrate(*args):
        done = subprocess.run([*manage, "migrate", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    applied = migrate("--no-input")
    assert "Applying cases.0001_squashed... OK" in applied
    assert "Applying archive.0001_squashed... OK" in applied
    with psycopg.connect(fresh_database_url) as conn:
        triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'archive%' OR tgname LIKE 'audit%'"
        ).fetchone()
    assert triggers is not None and triggers[0] >= 10
    undone = migrate("cases", "zero", "--no-input")  # and every app that depends on it
    assert "Unapplying archive.0001_squashed... OK" in undone
    assert "Unapplying cases.0001_squashed... OK" in undone
    assert "Applying cases.0001_squashed... OK" in migrate("--no-input")


def test_a_database_migrated_before_the_squash_needs_nothing_more(fresh_database_url):
    """A database that recorded the first rounds' migrations counts as migrated: each squashed
    migration replaces them (``replaces``), so ``migrate`` applies nothing."""
    env = {**os.environ, "DATABASE_URL": fresh_database_url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    done = subprocess.run([*manage, "migrate", "--no-input"], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr[-2000:]
    from django.db.migrations.loader import MigrationLoader

    replaced = sorted(
        key
        for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values()
        for key in migration.replaces
    )
    assert ("cases", "0013_case_work_flags") in replaced
    with psycopg.connect(fresh_database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM django_migrations WHERE name = '0001_squashed'")
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())",
                replaced,
            )
    again = subprocess.run(
        [*manage, "migrate", "--no-input"], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "No migrations to apply." in again.stdout


def test_postgres_runs_with_the_benchmarks_settings_sized_from_memory(compose):
    """The postgres service hands the image's entrypoint the settings of bench/README.md, a
    quarter of the memory in shared buffers unless .env fixes it (issue 20, "fast as shipped")."""
    service = compose["services"]["postgres"]
    words = service["command"]
    assert words[:2] == ["sh", "-c"] and "exec docker-entrypoint.sh postgres" in words[2]
    script = words[2].replace("$$", "$").replace("exec docker-entrypoint.sh", "echo")
    megabytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20

    def flags(**env: str) -> str:
        done = subprocess.run(
            ["/bin/sh", "-c", script],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    sized = flags()
    shared = int(sized.split("shared_buffers=")[1].split("MB")[0])
    assert shared >= 128 and shared <= max(128, megabytes // 4)
    assert "random_page_cost=1.1" in sized and "work_mem=16MB" in sized
    assert "shared_buffers=2GB " in flags(POSTGRES_SHARED_BUFFERS="2GB")
    assert service["environment"]["POSTGRES_SHARED_BUFFERS"] == ""
    assert service["shm_size"] in {"1g", "1gb", 1073741824}
