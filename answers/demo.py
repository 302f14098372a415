"""Demo canned answers: a few everyday questions per category, kept by the departments that
answer them (written by the center head through the service), some already used at intake."""

from __future__ import annotations

import random

from django.db import transaction

from accounts.models import Department, User
from cases.models import Category

from . import services

ANSWERS = [
    (
        "JX",
        "JW",
        "怎么打印成绩单？",
        "在一楼自助打印机上刷校园卡，即可打印中英文成绩单，每份 2 元。",
    ),
    ("JX", "JW", "补考什么时候报名？", "补考报名在每学期第 2 周，登录学习平台“考试”栏目报名。"),
    (
        "BM",
        "ZS",
        "报名需要带什么材料？",
        "身份证原件及复印件、最高学历证书原件及复印件、两寸照片两张。",
    ),
    ("CW", "CW", "发票多久能开好？", "缴费后 3 个工作日内开具电子发票，发送到预留的电子邮箱。"),
    (
        "HQ",
        "HQ",
        "教室设备坏了找谁？",
        "拨打后勤保障部报修电话 010-62750005，或在服务大厅登记报修。",
    ),
    (
        "XX",
        "XX",
        "学习平台密码忘了怎么办？",
        "在登录页点击“忘记密码”，用预留手机号接收验证码重置。",
    ),
]


def seed(*, rng: random.Random, stdout) -> None:
    head = User.objects.filter(username="zhuren").first()
    desk = User.objects.filter(username="qiantai").first()
    if head is None or desk is None:
        return
    categories = {c.code: c for c in Category.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    made = 0
    with transaction.atomic():
        for category, department, title, body in ANSWERS:
            if category not in categories or department not in departments:
                continue
            answer = services.answer_create(
                head,
                department=departments[department],
                category=categories[category],
                title=title,
                body=body,
            )
            for _use in range(rng.randint(0, 12)):
                services.answer_use(desk, answer=answer)
            made += 1
    stdout.write(f"canned answers: {made}")
