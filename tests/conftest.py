from __future__ import annotations

import os

import pytest

from tests.factories import CategoryFactory, DepartmentFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check would
# otherwise refuse the ORM calls the e2e tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# With DEBUG off the settings default to HTTPS (redirect, HSTS). Tests speak plain http to
# "testserver" and to servers they start themselves (which inherit this environment); the
# settings were read before this file, so the in-process ones are turned off below.
os.environ.setdefault("HTTPS", "0")


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    """Session-wide, so the live server's handler is built without the SSL redirect too;
    tests of the HTTPS behaviour set it back with the ``settings`` fixture."""
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0, SECURE_PROXY_SSL_HEADER=None
    ):
        yield


def pytest_configure(config):
    """Parallel workers (pytest-xdist) share one Redis database: give each its own cache keys, as
    pytest-django gives each its own test database, so one worker's sessions, throttles and role
    cache never show in another's query counts."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from django.conf import settings

        for cache in settings.CACHES.values():
            cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX', '')}-{worker}"


@pytest.fixture
def department(db):
    return DepartmentFactory.create(code="JW", name="教务处")


@pytest.fixture
def other_department(db):
    return DepartmentFactory.create(code="CW", name="财务室")


@pytest.fixture
def category(db):
    return CategoryFactory.create(code="JX", name="教学与课程")


@pytest.fixture
def front_desk(db, other_department):
    return UserFactory.create(
        username="qiantai", name="陈晓燕", department=other_department, roles=["staff"]
    )


@pytest.fixture
def colleague(db, other_department):
    return UserFactory.create(
        username="tongshi", name="李娜", department=other_department, roles=["staff"]
    )


@pytest.fixture
def dept_member(db, department):
    return UserFactory.create(
        username="jiaowu1", name="王芳", department=department, roles=["staff"]
    )


@pytest.fixture
def department_head(db, department):
    user = UserFactory.create(
        username="jiaowu", name="王建国", department=department, roles=["staff", "department_head"]
    )
    department.head = user
    department.save()
    return user


@pytest.fixture
def center_head(db):
    return UserFactory.create(
        username="zhuren", name="刘志明", department=None, roles=["staff", "center_head"]
    )


@pytest.fixture
def auditor(db):
    return UserFactory.create(username="shenji", name="杨审计", department=None, roles=["auditor"])


@pytest.fixture
def make_case(db, front_desk, category):
    from cases import services
    from tests.factories import case_kwargs

    def make(actor=None, **overrides):
        overrides.setdefault("category", category)
        return services.case_register(actor or front_desk, **case_kwargs(**overrides))

    return make


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The work calendar is cached per process; a test's rolled-back edits must not leak."""
    from cases import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_option_lists():
    """Rendered option lists are kept per process for a minute; each test starts without."""
    from cases import widgets

    widgets._OPTIONS.clear()
    yield
    widgets._OPTIONS.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs minutes over the suite and proves nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run with DEBUG off but without collectstatic: serve static from the finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def work_calendar(db):
    """The seeded holiday calendar, restored after a transactional test flushed it."""
    from cases.models import WorkCalendarDay

    if not WorkCalendarDay.objects.exists():
        from django.core.management import call_command

        call_command("load_calendar", verbosity=0)


@pytest.fixture(autouse=True)
def _kpis_on_every_request(settings):
    """The KPI page keeps its figures for a few minutes; tests that count a case they just
    made need them fresh (tests/supervision/test_kpi_cache.py covers the keeping)."""
    settings.KPI_CACHE_SECONDS = 0
