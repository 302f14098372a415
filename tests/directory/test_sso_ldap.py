"""LDAP sign-in (directory/sso.py) against a real OpenLDAP server: Debian's slapd, started for
this module on a port of its own with a throw-away configuration and loaded with ldapadd."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "slapd-test-secret"
STAFF_GROUP = f"cn=firstask-staff,ou=groups,{SUFFIX}"
HEADS_GROUP = f"cn=firstask-heads,ou=groups,{SUFFIX}"

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {dir}/data
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
"""


def person(uid: str, cn: str, department: str, password: str) -> str:
    return f"""dn: uid={uid},ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: {uid}
cn: {cn}
sn: {cn[0]}
mail: {uid}@example.org
departmentNumber: {department}
employeeNumber: E-{uid}
userPassword: {password}
"""


def group(cn: str, *members: str) -> str:
    lines = "".join(f"member: uid={m},ou=people,{SUFFIX}\n" for m in members)
    return f"dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}"


DATA = "\n".join(
    [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\n"
        "o: Example\n",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n",
        person("zhangsan", "张三", "JW", "zs-ldap-pass"),
        person("lisi", "李四", "CW", "ls-ldap-pass"),
        person("wangwu", "王五", "JW", "ww-ldap-pass"),
        person("qiantai", "陈晓燕", "CW", "qt-ldap-pass"),  # also a local account in the tests
        group("firstask-staff", "zhangsan", "lisi", "qiantai"),
        group("firstask-heads", "lisi", "nobody"),  # groupOfNames needs a member left
        group("students", "wangwu"),
    ]
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def slapd():
    """slapd on 127.0.0.1:<free port>, its config and data in a temporary directory; as root it
    drops to Debian's openldap user (slapd -u), as anyone else it runs as that user."""
    binary = shutil.which("slapd") or "/usr/sbin/slapd"
    assert Path(binary).exists(), "install Debian's slapd and ldap-utils (bin/test-setup does)"
    work = Path(tempfile.mkdtemp(prefix="firstask-slapd-"))
    (work / "data").mkdir()
    (work / "slapd.conf").write_text(
        SLAPD_CONF.format(dir=work, suffix=SUFFIX, root_dn=ROOT_DN, root_pw=ROOT_PW)
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}/"
    command = [binary, "-f", str(work / "slapd.conf"), "-h", uri, "-d", "0"]
    if os.geteuid() == 0:
        account = pwd.getpwnam("openldap")
        for path in (work, work / "data", work / "slapd.conf"):
            os.chown(path, account.pw_uid, account.pw_gid)
        command += ["-u", "openldap", "-g", "openldap"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert server.stderr is not None
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        ldap_tool("ldapadd", uri, DATA)
        yield uri
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def ldap_tool(tool: str, uri: str, ldif: str) -> None:
    subprocess.run(
        [tool, "-x", "-H", uri, "-D", ROOT_DN, "-w", ROOT_PW],
        input=ldif.encode(),
        check=True,
        capture_output=True,
    )


@pytest.fixture
def ldap_on(slapd, settings, department, other_department):
    settings.LDAP_SERVER_URI = slapd
    settings.LDAP_BIND_DN = ROOT_DN
    settings.LDAP_BIND_PASSWORD = ROOT_PW
    settings.LDAP_USER_SEARCH_BASE = f"ou=people,{SUFFIX}"
    settings.LDAP_GROUP_SEARCH_BASE = f"ou=groups,{SUFFIX}"
    settings.LDAP_ROLE_GROUPS = json.loads(
        json.dumps({STAFF_GROUP: "staff", HEADS_GROUP.upper(): ["department_head"]})
    )
    return slapd


def sign_in(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_directory_user_signs_in_and_gets_an_account(ldap_on, client):
    response = sign_in(client, "zhangsan", "zs-ldap-pass")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="zhangsan")
    assert (user.name, user.email, user.employee_no) == (
        "张三",
        "zhangsan@example.org",
        "E-zhangsan",
    )
    assert user.department and user.department.code == "JW"
    assert roles(user) == {"staff"}
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="user.sso_create", object_id="zhangsan")
    assert event.after is not None
    assert event.after["source"] == "ldap" and event.after["roles"] == ["staff"]
    assert client.get("/").status_code == 200


def test_group_membership_maps_to_roles_and_the_attribute_to_the_department(ldap_on, client):
    sign_in(client, "lisi", "ls-ldap-pass")
    user = User.objects.get(username="lisi")
    assert roles(user) == {"staff", "department_head"}
    assert user.department and user.department.code == "CW"


def test_a_wrong_password_is_refused(ldap_on, client):
    response = sign_in(client, "zhangsan", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="zhangsan").exists()


def test_a_member_of_no_mapped_group_gets_no_account(ldap_on, client):
    response = sign_in(client, "wangwu", "ww-ldap-pass")
    assert response.status_code == 200
    assert not User.objects.filter(username="wangwu").exists()


def test_a_group_taken_away_in_the_directory_is_a_role_taken_away(ldap_on, client):
    sign_in(client, "lisi", "ls-ldap-pass")
    user = User.objects.get(username="lisi")
    user.groups.add(Group.objects.get_or_create(name="auditor")[0])  # given by hand, not mapped
    remove, add_back = (
        f"dn: {HEADS_GROUP}\nchangetype: modify\n{change}: member\n"
        f"member: uid=lisi,ou=people,{SUFFIX}\n"
        for change in ("delete", "add")
    )
    ldap_tool("ldapmodify", ldap_on, remove)
    try:
        client.post("/accounts/logout/")
        sign_in(client, "lisi", "ls-ldap-pass")
    finally:
        ldap_tool("ldapmodify", ldap_on, add_back)
    assert roles(user) == {"staff"}
    event = AuditEvent.objects.filter(action="user.sso_sync", object_id="lisi").latest("id")
    assert event.before is not None and event.after is not None
    assert event.before["roles"] == ["auditor", "department_head", "staff"]
    assert event.after["roles"] == ["staff"]


def test_a_local_account_is_not_taken_over_by_the_directory(ldap_on, client, front_desk):
    """qiantai exists locally (usable password) and in the directory: only the local password
    signs in, and the account's roles stay as they are."""
    assert sign_in(client, "qiantai", "qt-ldap-pass").status_code == 200
    assert sign_in(client, "qiantai", "pw-for-tests-1").status_code == 302
    assert roles(User.objects.get(username="qiantai")) == {"staff"}
    assert not AuditEvent.objects.filter(action__startswith="user.sso", object_id="qiantai")


def test_local_sign_in_goes_on_when_the_directory_is_down(settings, client, department):
    DepartmentFactory.create(code="CW")
    admin = UserFactory.create(username="breakglass", roles=["admin"])
    settings.LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}/"
    settings.LDAP_USER_SEARCH_BASE = f"ou=people,{SUFFIX}"
    settings.LDAP_ROLE_GROUPS = {STAFF_GROUP: "staff"}
    assert sign_in(client, "zhangsan", "zs-ldap-pass").status_code == 200
    assert sign_in(client, admin.username, "pw-for-tests-1").status_code == 302


def test_ldap_is_idle_without_a_server_uri(slapd, settings, client, department):
    settings.LDAP_SERVER_URI = ""
    settings.LDAP_ROLE_GROUPS = {STAFF_GROUP: "staff"}
    assert sign_in(client, "zhangsan", "zs-ldap-pass").status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()
