"""Demo data for `make run`: a training center with departments, staff and ~60 cases.

History is made by travelling back in time and calling the real services, so every case, event
and audit row is what the product itself would have written; some promises are now overdue.
"""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from cases import calendar, services
from cases.models import Case, Category, Channel, Outcome, VisitorType

PASSWORD = "firstask-demo"  # noqa: S105 - demo only; the command refuses to run without DEBUG

DEPARTMENTS = [
    (
        "JW",
        "教务处",
        "课程安排、排课调课、考试与成绩、证书发放",
        "王老师",
        "010-62750001",
        "行政楼 201",
    ),
    (
        "XF",
        "学员服务部",
        "学员咨询、投诉受理、学籍与请假、回访",
        "李老师",
        "010-62750002",
        "一楼服务大厅",
    ),
    ("ZS", "招生办", "招生咨询、报名、入学手续、合作渠道", "赵老师", "010-62750003", "行政楼 105"),
    ("CW", "财务室", "缴费、退费、发票与收据", "钱老师", "010-62750004", "行政楼 110"),
    ("HQ", "后勤保障部", "教室与设施、住宿、餐饮、安全", "孙老师", "010-62750005", "后勤楼 101"),
    ("XX", "信息中心", "网上学习平台、账号、校园网与设备", "周老师", "010-62750006", "实训楼 301"),
]
CATEGORIES = [
    ("JX", "教学与课程"),
    ("BM", "招生报名"),
    ("CW", "缴费退费"),
    ("HQ", "后勤设施"),
    ("XX", "信息系统"),
    ("TS", "投诉建议"),
    ("QT", "其他"),
]
DEMO_USERS = [
    ("qiantai", "陈晓燕", "XF", ["staff"]),
    ("jiaowu", "王建国", "JW", ["staff", "department_head"]),
    ("zhuren", "刘志明", None, ["staff", "center_head"]),
    ("shenji", "杨审计", None, ["auditor"]),
]
STAFF_NAMES = [
    "张伟",
    "李娜",
    "王芳",
    "刘洋",
    "陈静",
    "杨磊",
    "赵敏",
    "黄婷",
    "周杰",
    "吴倩",
    "徐涛",
]
SUBJECTS = [
    ("JX", "调课申请咨询", "下周二的课程能否调到周四？"),
    ("JX", "证书领取时间", "结业证书什么时候可以领取？"),
    ("BM", "报名材料", "报名需要准备哪些材料？"),
    ("CW", "退费进度", "上月申请的退费什么时候到账？"),
    ("CW", "发票开具", "需要开具增值税普通发票。"),
    ("HQ", "教室空调故障", "305 教室空调不制冷。"),
    ("XX", "学习平台无法登录", "网上学习平台提示密码错误。"),
    ("TS", "对授课安排的意见", "希望增加周末班次。"),
    ("QT", "停车问题", "访客停车位在哪里？"),
]


class Command(BaseCommand):
    help = "Load demo departments, staff and cases (refuses to run when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=60)
        parser.add_argument("--seed", type=int, default=20261127)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: demo logins never reach production."
            )
        if User.objects.filter(username="qiantai").exists():
            self.stdout.write("Demo data already loaded.")
            self._print_logins()
            return
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible demo data
        with transaction.atomic():
            departments = self._departments()
            categories = self._categories()
            staff = self._staff(departments)
        self._cases(rng, options["cases"], staff, departments, categories)
        self._seed_other_apps(rng)
        self._print_logins()

    def _seed_other_apps(self, rng: random.Random) -> None:
        """Each higher app may ship `<app>/demo.py` with `seed(rng=..., stdout=...)`; called in
        layer order so that, e.g., handoffs finds the referred cases made above."""
        from importlib import import_module, util

        for app in ("notifications", "handoffs", "closure", "archive", "answers", "supervision"):
            if util.find_spec(app) is None or util.find_spec(f"{app}.demo") is None:
                continue
            import_module(f"{app}.demo").seed(rng=rng, stdout=self.stdout)

    def _departments(self) -> dict[str, Department]:
        return {
            code: Department.objects.create(
                code=code,
                name=name,
                responsibilities=duty,
                contact_person=contact,
                phone=phone,
                email=f"{code.lower()}@center.example",
                location=location,
            )
            for code, name, duty, contact, phone, location in DEPARTMENTS
        }

    def _categories(self) -> dict[str, Category]:
        return {
            code: Category.objects.create(code=code, name=name, sort_order=index)
            for index, (code, name) in enumerate(CATEGORIES)
        }

    def _user(self, username, name, department, groups, number) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            name=name,
            department=department,
            employee_no=f"E{number:04d}",
            work_phone=f"010-6275{1000 + number}",
            email=f"{username}@center.example",
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    def _staff(self, departments: dict[str, Department]) -> list[User]:
        staff = []
        for number, (username, name, code, groups) in enumerate(DEMO_USERS, start=1):
            department = departments.get(code) if code else None
            user = self._user(username, name, department, groups, number)
            if "auditor" not in groups:
                staff.append(user)
        departments["JW"].head = User.objects.get(username="jiaowu")
        departments["JW"].save(update_fields=["head"])
        codes = list(departments)
        for offset, name in enumerate(STAFF_NAMES):
            department = departments[codes[offset % len(codes)]]
            groups = ["staff"]
            if department.head is None:
                groups.append("department_head")
            user = self._user(f"staff{offset + 1:02d}", name, department, groups, 10 + offset)
            if department.head is None:
                department.head = user
                department.save(update_fields=["head"])
            staff.append(user)
        User.objects.create_superuser(
            username="admin", password=PASSWORD, email="admin@center.example", name="系统管理员"
        ).groups.set(Group.objects.filter(name="admin"))
        return staff

    def _cases(self, rng, count, staff, departments, categories) -> None:
        now = timezone.now()
        outcomes = [
            Outcome.ON_THE_SPOT,
            Outcome.SELF,
            Outcome.SELF,
            Outcome.REFERRAL,
            Outcome.HANDOFF,
        ]
        front_desk = User.objects.get(username="qiantai")
        for index in range(count):
            days_ago = rng.randint(0, 25)
            moment = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 6))
            local = timezone.localtime(moment)
            if local.weekday() >= 5 or not 8 <= local.hour < 17:
                moment = calendar.workday_end(calendar.local_date(moment)) - dt.timedelta(hours=5)
            owner = front_desk if index % 4 == 0 else rng.choice(staff)
            code, subject, question = rng.choice(SUBJECTS)
            outcome = outcomes[index % len(outcomes)]
            with time_machine.travel(moment, tick=False):
                deadline = calendar.deadline_in_working_days(rng.choice([1, 2, 3, 5]))
                if not calendar.is_workday(calendar.local_date(deadline)):
                    continue
                case = services.case_register(
                    owner,
                    visitor_name=rng.choice("张王李赵刘陈杨黄")
                    + rng.choice(["同学", "家长", "先生", "女士"]),
                    phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
                    visitor_type=rng.choice(VisitorType.values),
                    channel=rng.choice(Channel.values),
                    category=categories[code],
                    subject=subject,
                    question=question,
                    outcome=outcome,
                    deadline=deadline,
                    answer="已当场解答。" if outcome == Outcome.ON_THE_SPOT else "",
                    # Most confirmed in words with the rating given; every fifth waits for
                    # the visitor's signature on the signing screen (closure.spot).
                    confirmation_method="signature" if index % 25 == 0 else "verbal",
                    rating=rng.choice([5, 5, 4, 4, 3]),
                    confirmation_note="来访人当面表示问题已解决",
                    department=rng.choice(list(departments.values()))
                    if outcome == Outcome.REFERRAL
                    else None,
                    pending_reason={
                        Outcome.REFERRAL: "other_department",
                        Outcome.HANDOFF: "several",
                    }.get(outcome, "needs_checking"),
                )
            if outcome == Outcome.SELF and index % 3 == 0:
                self._await_confirmation(owner, case)

    @transaction.atomic
    def _await_confirmation(self, owner: User, case: Case) -> None:
        case = services.case_lock(case=case)
        case.answer = "已按承诺办理完毕，等待来访人确认。"
        case.save(update_fields=["answer"])
        services.case_transition(owner, case=case, to=Case.Status.AWAITING_CONFIRMATION)

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {PASSWORD}):"))
        for username, role in [
            ("qiantai", "front-desk staff 前台"),
            ("jiaowu", "department head of 教务处"),
            ("zhuren", "center head 培训中心负责人"),
            ("shenji", "auditor 审计"),
            ("admin", "administrator"),
        ]:
            self.stdout.write(f"  {username:<8} {role}")
