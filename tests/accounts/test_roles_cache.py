"""Role names are kept in the cache between requests and forgotten when a membership changes."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import permissions
from accounts.models import User

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)  # a new request's user object


def test_roles_come_from_the_cache_on_the_next_request(front_desk):
    assert permissions.roles_of(_fresh(front_desk)) == {"staff"}
    user = _fresh(front_desk)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.roles_of(user) == {"staff"}
    assert len(queries) == 0


@pytest.mark.parametrize("change", ["add", "remove", "clear", "group_renamed", "group_deleted"])
def test_a_change_of_membership_or_group_counts_from_the_next_request(front_desk, change):
    head = Group.objects.get(name="department_head")
    staff = Group.objects.get(name="staff")
    assert permissions.roles_of(_fresh(front_desk)) == {"staff"}
    if change == "add":
        front_desk.groups.add(head)
        expected = {"staff", "department_head"}
    elif change == "remove":
        front_desk.groups.remove(staff)
        expected = set()
    elif change == "clear":
        staff.user_set.clear()
        expected = set()
    elif change == "group_renamed":
        staff.name = "staff_renamed"
        staff.save()
        expected = {"staff_renamed"}
    else:
        staff.delete()
        expected = set()
    assert permissions.roles_of(_fresh(front_desk)) == expected


def test_a_page_reads_the_roles_once_then_not_at_all(client, front_desk):
    client.force_login(front_desk)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "auth_group" in q["sql"]]
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
