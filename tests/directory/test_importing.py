"""Bulk import and export of the directory (directory/importing.py, /directory/import/, the
import_directory and export_directory commands)."""

from __future__ import annotations

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import Department, Post, User
from answers.models import CannedAnswer
from audit.models import AuditEvent
from cases.models import Category
from directory import importing
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(center_head, client):
    client.force_login(center_head)
    return client


@pytest.fixture
def directory(department, other_department, category, department_head, dept_member):
    window = Post.objects.create(department=department, name="教务窗口", duties="接待、答复")
    window.holders.set([department_head, dept_member])
    Post.objects.create(department=other_department, name="报销审核", is_active=False)
    CannedAnswer.objects.create(
        category=category,
        department=department,
        title="补考何时报名？",
        body="每学期第二周，在教务系统报名。",
        created_by=department_head,
    )
    CannedAnswer.objects.create(category=category, department=other_department, title="发票抬头",
                                body="写学校全称，附税号。", is_active=False,
                                created_by=department_head)  # fmt: skip


def csv_file(text: str, name: str = "staff.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def dry_run(client, kind: str, upload):
    return client.post("/directory/import/", {"kind": kind, "file": upload})


def confirm(client, page):
    payload = page.context["confirm"]["payload"].value()
    return client.post("/directory/import/confirm/", {"payload": payload})


def snapshot() -> list:
    return [
        list(Department.objects.order_by("code").values_list()),
        list(User.objects.order_by("username").values_list("username", "name", "department_id",
                                                            "is_active")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        list(Category.objects.order_by("code").values_list()),
        list(Post.objects.order_by("pk").values_list()),
        sorted(Post.holders.through.objects.values_list("post_id", "user_id")),
        list(CannedAnswer.objects.order_by("pk").values_list()),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["departments", "staff", "categories", "posts", "answers"])
def test_an_export_imports_back_unchanged(directory, manager, kind, fmt):
    exported = manager.get(f"/directory/export/{kind}.{fmt}")
    assert exported.status_code == 200
    before = snapshot()
    page = dry_run(manager, kind, SimpleUploadedFile(f"x.{fmt}", exported.content))
    plan = page.context["plan"]
    assert plan.rows and {row.action for row in plan.rows} == {"unchanged"}
    assert snapshot() == before


def test_round_trip_with_changes(directory, manager):
    """Export staff as XLSX, change one row and add one, import, export again: the second export
    holds exactly the edited sheet."""
    sheet = tablib.Dataset().load(manager.get("/directory/export/staff.xlsx").content, "xlsx")
    rows = [dict(zip(sheet.headers, row, strict=True)) for row in sheet]
    jiaowu1 = next(row for row in rows if row["username"] == "jiaowu1")
    jiaowu1.update(department="CW", roles="department_head,staff", name="王芳芳")
    rows.append({**jiaowu1, "username": "xinren", "name": "新人", "employee_no": "E-9",
                 "email": "xinren@center.example", "roles": "staff"})  # fmt: skip
    edited = tablib.Dataset(*[[row[h] for h in sheet.headers] for row in rows],
                            headers=sheet.headers)  # fmt: skip
    upload = SimpleUploadedFile("staff.xlsx", edited.export("xlsx"))
    page = dry_run(manager, "staff", upload)
    plan = page.context["plan"]
    assert [(r.key, r.action) for r in plan.rows if r.action != "unchanged"] == [
        ("jiaowu1", "update"),
        ("xinren", "create"),
    ]
    assert not User.objects.filter(username="xinren").exists()  # a dry run writes nothing
    done = confirm(manager, page)
    assert done.status_code == 302
    member = User.objects.get(username="jiaowu1")
    assert member.department is not None
    assert (member.name, member.department.code) == ("王芳芳", "CW")
    assert set(member.groups.values_list("name", flat=True)) == {"staff", "department_head"}
    assert not User.objects.get(username="xinren").has_usable_password()
    again = tablib.Dataset().load(manager.get("/directory/export/staff.xlsx").content, "xlsx")
    assert [[str(v) for v in row] for row in again] == [
        [str(row[h]) for h in sheet.headers] for row in sorted(rows, key=lambda r: r["username"])
    ]
    event = AuditEvent.objects.get(action="directory.import")
    assert event.object_type == "staff" and event.actor_id == page.wsgi_request.user.pk
    assert event.after is not None
    assert event.after["created"] == ["xinren"]
    assert sorted(event.after["updated"]["jiaowu1"]) == ["department", "name", "roles"]


BAD_STAFF = """username,name,department,roles,is_active,email
good1,好员工,JW,staff,1,good1@center.example
bad one,坏,JW,staff,1,
nodept,无部门,XX,staff,1,
norole,无角色,JW,boss,1,
flag,标志,JW,staff,maybe,
mail,邮件,JW,staff,1,not-an-email
good1,重复,JW,staff,1,
"""


def test_row_errors_are_in_chinese_and_only_good_rows_are_written(directory, manager):
    page = dry_run(manager, "staff", csv_file(BAD_STAFF))
    plan = page.context["plan"]
    errors = {row.line: " ".join(row.errors) for row in plan.bad}
    assert "用户名" in errors[3]
    assert "部门代码 XX 不存在" in errors[4]
    assert "未知角色 boss" in errors[5]
    assert "maybe" in errors[6] and "是/否" in errors[6]
    assert "不是有效的电子邮件地址" in errors[7]
    assert "与第 2 行重复" in errors[8]
    assert [row.key for row in plan.good] == ["good1"]
    html = page.content.decode()
    assert "部门代码 XX 不存在" in html
    assert not User.objects.filter(username="good1").exists()
    confirm(manager, page)
    good = User.objects.get(username="good1")
    assert good.department and good.department.code == "JW"
    assert not User.objects.filter(username__in=["nodept", "norole", "flag", "mail"]).exists()
    event = AuditEvent.objects.get(action="directory.import")
    assert event.after is not None
    assert event.after["rows_with_errors"] == [3, 4, 5, 6, 7, 8]


def test_the_confirm_step_validates_again(directory, manager):
    """A department deleted between the dry run and the confirmation: nothing is written and
    the new dry run shows why."""
    extra = Department.objects.create(code="TMP", name="临时部门")
    page = dry_run(manager, "staff", csv_file("username,name,department\nlater,后来,TMP\n"))
    assert [row.action for row in page.context["plan"].rows] == ["create"]
    extra.delete()
    done = confirm(manager, page)
    assert done.status_code == 409
    assert "部门代码 TMP 不存在" in done.content.decode()
    assert not User.objects.filter(username="later").exists()
    assert not AuditEvent.objects.filter(action="directory.import").exists()


def test_a_tampered_dry_run_is_refused(directory, manager):
    page = dry_run(manager, "categories", csv_file("code,name\nNEW,新类别\n", "c.csv"))
    payload = page.context["confirm"]["payload"].value()
    done = manager.post("/directory/import/confirm/", {"payload": payload[:-2] + "xx"})
    assert done.status_code == 302 and done["Location"] == "/directory/import/"
    assert not Category.objects.filter(code="NEW").exists()


def test_a_dry_run_of_another_user_is_refused(directory, manager, client):
    page = dry_run(manager, "categories", csv_file("code,name\nNEW,新类别\n", "c.csv"))
    other = UserFactory.create(username="admin2", roles=["admin"])
    client.force_login(other)
    confirm(client, page)
    assert not Category.objects.filter(code="NEW").exists()


def test_a_gb18030_csv_from_excel_is_read(directory, manager):
    upload = csv_file("code,name\nGB,国标编码类别\n", "c.csv", encoding="gb18030")
    plan = dry_run(manager, "categories", upload).context["plan"]
    assert plan.rows[0].changes["name"] == (None, "国标编码类别")


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("staff.txt", b"username\nx\n", "只能导入 .csv 和 .xlsx 文件"),
        ("staff.csv", b"name,email\nx,y\n", "缺少列：username"),
        ("staff.csv", b"username\n", "没有数据行"),
        ("staff.xlsx", b"not a spreadsheet", "无法读取该文件"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_message(directory, manager, name, body, message):
    page = dry_run(manager, "staff", SimpleUploadedFile(name, body))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "plan" not in page.context


def test_department_head_and_name_conflicts(directory, manager):
    text = "code,name,head\nJW,教务处,nobody\nNEW,财务室,\n"
    plan = dry_run(manager, "departments", csv_file(text, "d.csv")).context["plan"]
    assert "负责人 nobody 不是工作人员" in " ".join(plan.rows[0].errors)
    assert "名称 财务室 已属于另一条记录" in " ".join(plan.rows[1].errors)


def test_staff_and_auditors_may_not_import(directory, client, front_desk, auditor):
    for user in (front_desk, auditor):
        client.force_login(user)
        assert client.get("/directory/import/").status_code == 403
        assert client.get("/directory/export/staff.csv").status_code == 403


def test_an_unknown_export_is_404(manager):
    assert manager.get("/directory/export/visitors.csv").status_code == 404
    assert manager.get("/directory/export/staff.pdf").status_code == 404


def test_the_command_dry_run_writes_nothing_and_commit_writes(directory, tmp_path):
    path = tmp_path / "categories.csv"
    path.write_text("code,name,sort_order\nZX,咨询,3\nBAD,,x\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_directory", "categories", str(path), stdout=out)
    assert "line 2 ZX: create" in out.getvalue() and "名称" not in out.getvalue().split("ZX")[0]
    assert "line 3 BAD: ERROR" in out.getvalue() and "必填" in out.getvalue()
    assert not Category.objects.filter(code="ZX").exists()
    call_command("import_directory", "categories", str(path), "--commit", stdout=io.StringIO())
    assert Category.objects.get(code="ZX").sort_order == 3
    assert AuditEvent.objects.get(action="directory.import").actor is None


def test_the_export_command_writes_what_the_import_reads(directory, tmp_path):
    path = tmp_path / "departments.xlsx"
    call_command("export_directory", "departments", str(path), stdout=io.StringIO())
    rows = importing.dataset_read(content=path.read_bytes(), filename=path.name)
    plan = importing.import_plan(kind="departments", rows=rows)
    assert {row.key for row in plan.rows} == {"JW", "CW"}
    assert {row.action for row in plan.rows} == {"unchanged"}
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("export_directory", "departments", str(tmp_path / "d.pdf"))


def test_a_center_head_may_not_grant_the_admin_role(directory, manager):
    page = dry_run(manager, "staff", csv_file("username,roles\njiaowu1,staff admin\n"))
    (row,) = page.context["plan"].rows
    assert "只有管理员才能授予或撤销管理员角色" in " ".join(row.errors)


def test_nobody_changes_their_own_roles_by_import(directory, manager, center_head):
    page = dry_run(manager, "staff", csv_file("username,roles\nzhuren,staff\n"))
    (row,) = page.context["plan"].rows
    assert "不能通过导入修改自己的角色" in " ".join(row.errors)
    assert page.context["plan"].good == []


def test_an_administrator_may_grant_the_admin_role(directory, client):
    client.force_login(UserFactory.create(username="sysadmin", roles=["admin"]))
    page = dry_run(client, "staff", csv_file("username,roles\njiaowu1,staff admin\n"))
    confirm(client, page)
    roles = set(User.objects.get(username="jiaowu1").groups.values_list("name", flat=True))
    assert roles == {"staff", "admin"}


def test_planning_reads_a_constant_number_of_queries(directory, django_assert_max_num_queries):
    for n in range(40):
        UserFactory.create(username=f"bulk{n}", department=Department.objects.get(code="JW"))
    rows = importing.dataset_read(content=importing.export_bytes(kind="staff", fmt="csv"),
                                  filename="staff.csv")  # fmt: skip
    assert len(rows) > 40
    with django_assert_max_num_queries(6):
        plan = importing.import_plan(kind="staff", rows=rows)
    assert {row.action for row in plan.rows} == {"unchanged"}


def test_posts_import_creates_updates_and_sets_holders(directory, manager, department_head):
    text = (
        "department,name,duties,holders,is_active\n"
        "JW,教务窗口,接待、答复、登记,jiaowu；zhuren,是\n"
        "CW,出纳,现金收付,jiaowu1、jiaowu,1\n"
    )
    page = dry_run(manager, "posts", csv_file(text, "posts.csv"))
    plan = page.context["plan"]
    assert [(r.key, r.action) for r in plan.rows] == [("JW / 教务窗口", "update"),
                                                      ("CW / 出纳", "create")]  # fmt: skip
    assert plan.rows[0].changes["holders"] == ("jiaowu、jiaowu1", "jiaowu、zhuren")
    assert not Post.objects.filter(name="出纳").exists()
    assert confirm(manager, page).status_code == 302
    window = Post.objects.get(department__code="JW", name="教务窗口")
    assert window.duties == "接待、答复、登记"
    assert set(window.holders.values_list("username", flat=True)) == {"jiaowu", "zhuren"}
    cashier = Post.objects.get(department__code="CW", name="出纳")
    assert set(cashier.holders.values_list("username", flat=True)) == {"jiaowu", "jiaowu1"}
    event = AuditEvent.objects.get(action="directory.import")
    assert event.after is not None
    assert event.object_type == "posts" and event.after["created"] == ["CW / 出纳"]
    assert sorted(event.after["updated"]["JW / 教务窗口"]) == ["duties", "holders"]


BAD_POSTS = """department,name,duties,holders,is_active
JW,新岗位,,jiaowu,1
XX,无部门,,,1
JW,无人,,jiaowu;ghost,1
JW,,无名称,,1
JW,新岗位,重复,,1
"""


def test_post_row_errors(directory, manager):
    page = dry_run(manager, "posts", csv_file(BAD_POSTS, "posts.csv"))
    plan = page.context["plan"]
    errors = {row.line: " ".join(row.errors) for row in plan.bad}
    assert "部门代码 XX 不存在" in errors[3]
    assert "ghost" in errors[4] and "不是工作人员" in errors[4]
    assert "name 为必填项" in errors[5]
    assert "与第 2 行重复" in errors[6]
    assert [row.key for row in plan.good] == ["JW / 新岗位"]
    confirm(manager, page)
    assert list(Post.objects.filter(name__in=["新岗位", "无部门", "无人"]).values_list("name",
                flat=True)) == ["新岗位"]  # fmt: skip
    event = AuditEvent.objects.get(action="directory.import")
    assert event.after is not None
    assert event.after["rows_with_errors"] == [3, 4, 5, 6]


def test_answers_import_records_the_importer_as_author(directory, manager, center_head):
    text = (
        "category,department,title,body,is_active\n"
        "JX,JW,补考何时报名？,每学期第二周报名。,1\n"
        "JX,CW,退费多久到账？,十个工作日内。,1\n"
    )
    page = dry_run(manager, "answers", csv_file(text, "answers.csv"))
    plan = page.context["plan"]
    assert [(r.key, r.action) for r in plan.rows] == [
        ("JX / JW / 补考何时报名？", "update"),
        ("JX / CW / 退费多久到账？", "create"),
    ]
    assert plan.rows[0].changes == {
        "body": ("每学期第二周，在教务系统报名。", "每学期第二周报名。")
    }
    confirm(manager, page)
    refund = CannedAnswer.objects.get(title="退费多久到账？")
    assert (refund.department.code, refund.created_by) == ("CW", center_head)
    assert CannedAnswer.objects.get(title="补考何时报名？").created_by.username == "jiaowu"
    assert AuditEvent.objects.get(action="directory.import").object_type == "answers"


BAD_ANSWERS = """category,department,title,body,is_active
JX,XX,部门不存在,答复,1
NO,JW,类别不存在,答复,1
JX,JW,,没有问题,1
JX,JW,没有答复,,1
"""


def test_answer_row_errors(directory, manager):
    page = dry_run(manager, "answers", csv_file(BAD_ANSWERS, "answers.csv"))
    plan = page.context["plan"]
    errors = {row.line: " ".join(row.errors) for row in plan.bad}
    assert "部门代码 XX 不存在" in errors[2]
    assert "类别代码 NO 不存在" in errors[3]
    assert "title 为必填项" in errors[4]
    assert "body 为必填项" in errors[5]
    assert plan.good == []
    assert "类别代码 NO 不存在" in page.content.decode()
    assert CannedAnswer.objects.count() == 2


def test_the_command_imports_answers_only_with_an_actor(directory, tmp_path, center_head):
    path = tmp_path / "answers.csv"
    path.write_text("category,department,title,body\nJX,JW,开学时间,九月一日。\n", "utf-8")
    with pytest.raises(CommandError, match="--actor"):
        call_command("import_directory", "answers", str(path), "--commit", stdout=io.StringIO())
    assert not CannedAnswer.objects.filter(title="开学时间").exists()
    call_command("import_directory", "answers", str(path), "--commit", "--actor", "zhuren",
                 stdout=io.StringIO())  # fmt: skip
    assert CannedAnswer.objects.get(title="开学时间").created_by == center_head


def test_the_import_page_offers_every_export(directory, manager):
    html = manager.get("/directory/import/").content.decode()
    for kind in importing.KINDS:
        assert f"/directory/export/{kind}.xlsx" in html


@pytest.mark.parametrize("kind", ["posts", "answers"])
def test_planning_posts_and_answers_reads_a_constant_number_of_queries(
    directory, center_head, kind, django_assert_max_num_queries
):
    jw, category = Department.objects.get(code="JW"), Category.objects.get(code="JX")
    for n in range(30):
        post = Post.objects.create(department=jw, name=f"岗位{n}")
        post.holders.set([center_head])
        CannedAnswer.objects.create(category=category, department=jw, title=f"问题{n}",
                                    body="答复", created_by=center_head)  # fmt: skip
    rows = importing.dataset_read(content=importing.export_bytes(kind=kind, fmt="csv"),
                                  filename=f"{kind}.csv")  # fmt: skip
    assert len(rows) > 30
    with django_assert_max_num_queries(6):
        plan = importing.import_plan(kind=kind, rows=rows, actor=center_head)
    assert {row.action for row in plan.rows} == {"unchanged"}
