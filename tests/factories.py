from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group

from accounts.models import Department, User
from cases.models import Category


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"部门{n:02d}")
    responsibilities = "负责相关事务"
    contact_person = "王老师"
    phone = "010-62750001"
    email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@center.example")
    location = "行政楼 201"


def _set_roles(user: User, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
    if create:
        # get_or_create: transactional tests flush the groups the data migration made.
        names = extracted or ["staff"]
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in names])
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@center.example")
    work_phone = "010-62751234"
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    roles = factory.PostGeneration(_set_roles)


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


def case_kwargs(**overrides) -> dict:
    """Arguments for cases.services.case_register with sensible defaults."""
    from cases import calendar

    data = {
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": overrides.pop("category", None) or CategoryFactory.create(),
        "subject": "调课咨询",
        "question": "下周的课能否调到周四？",
        "outcome": "self",
        "deadline": None,
        "pending_reason": "needs_checking",
    }
    data.update(overrides)
    if data["outcome"] == "on_the_spot" and data.get("confirmation_note"):
        # A note of how the visitor confirmed: confirmed in words, with the rating they gave.
        data.setdefault("confirmation_method", "verbal")
        data.setdefault("rating", 5)
    if data["outcome"] != "on_the_spot" and data["deadline"] is None:
        data["deadline"] = calendar.deadline_in_working_days(3)
    return data


def aware(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def run_in_threads(worker, arguments) -> None:
    """``worker(argument)`` for each argument, each in its own thread (own database connection),
    all started before any is awaited."""
    import threading

    threads = [threading.Thread(target=worker, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
