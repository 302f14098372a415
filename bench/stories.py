"""What a seeded case looks like: reference data pools and one case's story.

A story is the list of timeline steps a case went through (intake, referral or handoff work,
extensions, results, rework rounds, confirmation, closure, archiving), each with its time, its
CaseEvent kind and, where the product writes one, its audit action. A case that is still open
is a story cut short. Times are integer microseconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
LOCAL_OFFSET = 8 * HOUR  # Asia/Shanghai has no daylight saving time
WORKDAY_END = 17 * HOUR + 30 * MINUTE

CAMPUSES = [("BJ", "北京"), ("SH", "上海"), ("GZ", "广州"), ("CD", "成都"), ("WH", "武汉")]
FUNCTIONS = [
    ("XF", "学员服务部", "学员咨询、投诉受理、学籍与请假、回访", "一楼服务大厅"),
    ("JW", "教务处", "课程安排、排课调课、考试与成绩、证书发放", "行政楼 201"),
    ("ZS", "招生办", "招生咨询、报名、入学手续、合作渠道", "行政楼 105"),
    ("CW", "财务室", "缴费、退费、发票与收据", "行政楼 110"),
    ("HQ", "后勤保障部", "教室与设施、住宿、餐饮、安全", "后勤楼 101"),
    ("XX", "信息中心", "网上学习平台、账号、校园网与设备", "实训楼 301"),
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
SUBJECTS = {
    "JX": [
        "调课申请咨询",
        "证书领取时间",
        "补考安排",
        "成绩查询",
        "请假手续",
        "教材领取",
        "实训安排",
    ],
    "BM": ["报名材料", "入学手续", "报名截止时间", "学费优惠政策", "班级开课时间"],
    "CW": ["退费进度", "发票开具", "分期付款", "缴费凭证补打", "重复扣费"],
    "HQ": ["教室空调故障", "宿舍报修", "食堂就餐", "停车问题", "饮水机故障", "照明损坏"],
    "XX": ["学习平台无法登录", "账号密码重置", "校园网连接", "课程视频无法播放", "电子证书下载"],
    "TS": ["对授课安排的意见", "服务态度投诉", "课程质量反馈", "环境卫生建议"],
    "QT": ["失物招领", "访客登记", "场地借用", "合作洽谈"],
}
COURSES = [
    "Python 周末班",
    "会计实务",
    "人力资源管理师",
    "电工证培训",
    "焊工实训",
    "幼儿教育",
    "英语口语",
    "数控车床",
    "家政服务",
    "电子商务运营",
    "新媒体运营",
    "茶艺师",
    "中式烹调",
    "育婴师",
    "养老护理",
    "无人机驾驶",
    "工业机器人",
    "汽车维修",
    "健康管理师",
    "心理咨询基础",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏飞建国志强晓燕子"
    "涵梓萱浩然宇轩欣怡思远佳琪"
)
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VISITOR_TYPES = ["student"] * 6 + ["parent"] * 2 + ["partner", "other"]
CHANNELS = ["in_person"] * 6 + ["phone"] * 3 + ["email", "online"]
# Intake outcomes in their usual share: most questions are answered on the spot.
OUTCOMES = ["on_the_spot"] * 45 + ["self"] * 35 + ["referral"] * 12 + ["handoff"] * 8
OPEN_STATES = ("open", "referred", "coordinating", "awaiting_confirmation")


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def visitor_phone(index: int) -> str:
    """Unique, valid mainland mobile numbers (7919 is coprime with 10**9)."""
    return f"1{3 + index % 7}{(index * 7919 + 12345) % 10**9:09d}"


def local_day(t: int) -> int:
    """Days since the epoch of the Shanghai calendar day holding instant ``t``."""
    return (t + LOCAL_OFFSET) // DAY


def workday_end(day: int) -> int:
    return day * DAY + WORKDAY_END - LOCAL_OFFSET


def add_working_days(day: int, days: int) -> int:
    """Monday–Friday arithmetic; 1970-01-01 was a Thursday."""
    while days:
        day += 1
        if (day + 3) % 7 < 5:
            days -= 1
    return day


@dataclass
class Step:
    t: int
    kind: str
    actor: int | None
    data: dict = field(default_factory=dict)
    to: str | None = None  # the status this step moves the case to
    audit: str | None = None  # audit action written with it (case.* or another app's)
    extend_to: int | None = None  # new deadline of a deadline_extended step


@dataclass
class Story:
    outcome: str
    deadline: int | None
    steps: list[Step]
    involved: list[int]
    satisfaction: int | None = None
    rework: int = 0


@dataclass
class World:
    """Who can act: staff by department, the center head, department names."""

    members: dict[int, list[int]]  # department id -> user ids
    names: dict[int, str]  # user id -> display name
    department_names: dict[int, str]
    center_head: int


def story(  # one readable recipe beats five helpers passing ten arguments
    rng: random.Random, *, world: World, created: int, owner: int, now: int
) -> Story:
    outcome = rng.choice(OUTCOMES)
    steps = [Step(created, "registered", owner, {"owner": world.names[owner]}, audit="register")]
    t = created + rng.randint(1, 5) * US
    if outcome == "on_the_spot":
        steps += [
            Step(t, "answered_on_the_spot", owner, to="awaiting_confirmation"),
            Step(t + US, "confirmed_verbally", owner, {"note": "来访人当面表示问题已解决"}),
            Step(t + 2 * US, "closed", owner, to="closed"),
        ]
        return _archive(rng, Story(outcome, None, steps, []), now=now)

    day = local_day(created)
    deadline = workday_end(add_working_days(day, rng.choice([1, 2, 3, 3, 3, 5, 5, 7, 10])))
    steps.append(Step(t, "deadline_promised", owner, {"deadline": deadline}))
    involved: list[int] = []
    departments = list(world.members)
    if outcome == "referral":
        dept = rng.choice(departments)
        involved.append(dept)
        steps.append(
            Step(
                t + US,
                "referral_requested",
                owner,
                {"department": world.department_names[dept], "department_id": dept},
                to="referred",
            )
        )
        member = rng.choice(world.members[dept])
        t += rng.randint(5, 60) * MINUTE
        steps.append(Step(t, "referral_created", owner, audit="referral.create"))
        t += rng.randint(10, 24 * 60) * MINUTE
        steps.append(Step(t, "referral_accepted", member, audit="referral.accept"))
        t += rng.randint(2, 96) * HOUR
        steps.append(Step(t, "referral_answered", member, audit="referral.answer", to="open"))
    elif outcome == "handoff":
        involved = rng.sample(departments, rng.randint(2, 4))
        steps.append(Step(t + US, "handoff_requested", owner, to="coordinating"))
        t += rng.randint(10, 120) * MINUTE
        steps.append(Step(t, "handoff_submitted", owner, audit="handoff.submit"))
        t += rng.randint(4, 48) * HOUR
        steps.append(Step(t, "meeting_recorded", world.center_head, audit="handoff.meeting"))
        for dept in involved:
            member = rng.choice(world.members[dept])
            at = t + rng.randint(4, 120) * HOUR
            steps.append(Step(at, "assignment_answered", member, audit="assignment.answer"))
            if rng.random() < 0.15:
                at += rng.randint(1, 8) * HOUR
                steps.append(Step(at, "assignment_returned", owner, audit="assignment.return"))
                at += rng.randint(4, 48) * HOUR
                steps.append(Step(at, "assignment_answered", member, audit="assignment.answer"))
            at += rng.randint(1, 8) * HOUR
            steps.append(Step(at, "assignment_accepted", owner, audit="assignment.accept"))
        if rng.random() < 0.05:
            at = max(s.t for s in steps) + rng.randint(1, 24) * HOUR
            steps.append(Step(at, "dispute_raised", owner, audit="dispute.raise"))
            steps.append(Step(at + rng.randint(4, 48) * HOUR, "dispute_ruled", world.center_head))
        steps.sort(key=lambda s: s.t)
        t = steps[-1].t + HOUR
        steps.append(Step(t, "status_changed", owner, {"status": "open"}, to="open"))

    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        t += rng.randint(2, 48) * HOUR
        steps.append(Step(t, "callback_logged", owner, audit="closure.callback"))
    if rng.random() < 0.1:  # the promise is extended once or twice (OWN-3)
        for _ in range(rng.choice([1, 1, 2])):
            at = min(t, deadline) - rng.randint(1, 6) * HOUR
            new = workday_end(add_working_days(local_day(deadline), rng.choice([2, 3, 5])))
            steps.append(
                Step(
                    max(at, created + MINUTE),
                    "deadline_extended",
                    owner,
                    {"reason": "需要其他部门核实", "informed": "电话告知来访人"},
                    audit="extend_deadline",
                    extend_to=new,
                )
            )
            deadline = new
    t += rng.randint(1, 72) * HOUR
    steps.append(
        Step(t, "result_recorded", owner, audit="closure.result", to="awaiting_confirmation")
    )
    rework = 0
    while rng.random() < 0.06 and rework < 3:  # the visitor is not satisfied: a rework round
        rework += 1
        t += rng.randint(1, 48) * HOUR
        steps.append(Step(t, "rework_requested", owner, audit="closure.rework", to="open"))
        t += rng.randint(4, 96) * HOUR
        steps.append(
            Step(t, "result_recorded", owner, audit="closure.result", to="awaiting_confirmation")
        )
    t += rng.randint(1, 48) * HOUR
    satisfaction = rng.choice([5, 5, 5, 4, 4, 4, 3, 2, 1])
    steps.append(Step(t, "visitor_confirmed", owner, {"satisfaction": satisfaction}))
    steps.append(Step(t + US, "closed", owner, to="closed"))
    steps.sort(key=lambda s: s.t)
    result = Story(outcome, deadline, steps, involved, satisfaction, rework)
    return _archive(rng, result, now=now)


def _archive(rng: random.Random, result: Story, *, now: int) -> Story:
    closed = result.steps[-1].t
    if closed < now - 30 * DAY and rng.random() < 0.9:
        result.steps.append(
            Step(
                closed + rng.randint(3, 30) * DAY, "archived", result.steps[-1].actor, to="archived"
            )
        )
    return result


def cut(steps: list[Step], *, now: int, stall: bool, rng: random.Random) -> list[Step]:
    """The part of the story that has happened: nothing after now, and a stalled (still open)
    case stops at a random step before its closure."""
    steps = [s for s in steps if s.t <= now]
    if stall:
        closing = next((i for i, s in enumerate(steps) if s.to == "closed"), len(steps))
        if closing > 2:
            steps = steps[: rng.randint(2, closing)]
    return steps
