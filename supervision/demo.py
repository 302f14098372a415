"""Demo data for `make run`: complaints, an inspection, work meetings, training and rewards /
penalties, made through the services on top of the cases seed_demo registered."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from cases.models import Case

from .models import ChecklistItem
from .scoring import period_of
from .services import assessments, complaints, inspections, meetings, scoring, training


def seed(*, rng: random.Random, stdout) -> None:
    head = User.objects.filter(username="zhuren").first()
    auditor = User.objects.filter(username="shenji").first()
    staff = list(User.objects.filter(groups__name="staff", is_active=True).distinct())
    if head is None or auditor is None or len(staff) < 3:
        stdout.write("supervision demo skipped: demo users missing")
        return
    today = timezone.localdate()
    _complaints(rng, head, auditor, staff)
    _inspection(rng, auditor, today)
    _meeting(head, staff, today)
    _training(rng, head, staff, today)
    _scoring(head, today)
    stdout.write(
        "supervision demo: complaints, inspection, meeting, training, rewards, assessments loaded"
    )


def _scoring(head, today: dt.date) -> None:
    """A scoring standard in force for a year, and last month's assessments as drafts."""
    scoring.scoring_standard_create(
        head,
        effective_from=today - dt.timedelta(days=400),
        lines=[
            {"measure": "first_responsibility", "weight": 25, "target": "100"},
            {"measure": "on_time_rate", "weight": 30, "target": "95"},
            {"measure": "satisfaction_rate", "weight": 30, "target": "90"},
            {"measure": "verified_complaints", "weight": 15, "target": "2"},
        ],
        excellent_from=Decimal(90),
        good_from=Decimal(80),
        pass_from=Decimal(60),
        note="首问责任落实情况、问题处理及时率、处理结果满意度（第5.1.1条）。",
    )
    last = today.replace(day=1) - dt.timedelta(days=1)
    start, end = period_of("month", last.year, last.month)
    scoring.assessment_compute_period(head, kind="month", start=start, end=end)


def _complaints(rng, head, auditor, staff) -> None:
    target = next(u for u in staff if u.username == "qiantai")
    case = Case.objects.filter(owner=target).order_by("created_at").first()
    complaints.complaint_submit_public(
        description="咨询退费进度时被告知“不归我管”，没有登记也没有告诉我找谁。",
        staff_named=target.display_name,
        case_number=case.number if case else "",
    )
    complaints.complaint_submit_public(description="希望周末也能有人接听咨询电话。")
    verified = complaints.complaint_log(
        auditor,
        source="hotline",
        received_at=timezone.now() - dt.timedelta(days=3),
        description="来电反映：承诺三个工作日内答复，超过一周仍无回音。",
        staff_concerned=target,
        case=case,
        complainant_name="赵女士",
        complainant_contact="13700001234",
    )
    complaints.complaint_investigate(head, complaint=verified)
    complaints.complaint_record_finding(
        head,
        complaint=verified,
        finding="verified",
        finding_text="经核查，该事项超过承诺时限且未告知来访人延期原因，情况属实。",
        violation="delay",
        severity="minor",
    )
    assessments.reward_penalty_record(
        head,
        staff=target,
        kind="criticism",
        decided_on=timezone.localdate(),
        reason="超时未答复且未说明原因，违反首问负责制时限要求。",
        violation="delay",
        severity="minor",
        complaints=[verified],
        cases=[case] if case else [],
    )
    other = rng.choice([u for u in staff if u.pk not in (target.pk, head.pk)])
    unfounded = complaints.complaint_log(
        auditor,
        source="mailbox",
        received_at=timezone.now() - dt.timedelta(days=5),
        description="反映工作人员态度冷淡。",
        staff_concerned=other,
    )
    complaints.complaint_investigate(auditor, complaint=unfounded)
    complaints.complaint_record_finding(
        auditor,
        complaint=unfounded,
        finding="unfounded",
        finding_text="调取接待记录并询问当事人，未发现态度问题，投诉不属实。",
    )
    best = rng.choice([u for u in staff if u.pk != target.pk])
    assessments.reward_penalty_record(
        head,
        staff=best,
        kind="certificate",
        decided_on=timezone.localdate(),
        reason="本月受理事项全部按时办结，来访人满意度高。",
        reward_ground="solved_well",
        kpi_start=timezone.localdate().replace(day=1),
        kpi_end=timezone.localdate(),
    )


def _inspection(rng, auditor, today: dt.date) -> None:
    start = today - dt.timedelta(days=30)
    population = sum(
        len(ids) for ids in inspections.inspection_population(start=start, end=today).values()
    )
    if population == 0:
        return
    inspection = inspections.inspection_start(
        auditor,
        title=f"{today:%Y年%m月}首问责任制执行情况抽查",
        period_start=start,
        period_end=today,
        sample_size=min(8, population),
        seed=rng.randrange(2**40),
    )
    for item in list(inspection.items.all())[::2]:
        checks = {name: rng.random() > 0.25 for name in ChecklistItem.values}
        inspections.inspection_score_item(auditor, item=item, checks=checks, notes="")


def _meeting(head, staff, today: dt.date) -> None:
    meeting = meetings.meeting_record(
        head,
        held_on=today - dt.timedelta(days=2),
        place="行政楼三楼会议室",
        attendees=[head, *staff[:5]],
        problems="1. 部分转介事项部门接收不及时；\n2. 个别首问责任人延期未告知来访人。",
    )
    meetings.measure_add(
        head,
        meeting=meeting,
        description="各部门指定转介接收人，当日接收转介事项",
        owner=staff[1],
        due_on=today + dt.timedelta(days=7),
    )
    measure = meetings.measure_add(
        head,
        meeting=meeting,
        description="延期必须电话告知来访人并在系统中记录",
        owner=staff[2],
        due_on=today + dt.timedelta(days=3),
    )
    meetings.measure_follow_up(
        staff[2], measure=measure, status="in_progress", follow_up="已在部门例会上传达"
    )


def _training(rng, head, staff, today: dt.date) -> None:
    for days_ago, topic, method, hours in [
        (20, "首问责任制制度解读", "lecture", "2"),
        (6, "接待礼仪与超时处理演练", "drill", "1.5"),
    ]:
        session = training.training_record(
            head,
            topic=topic,
            method=method,
            held_on=today - dt.timedelta(days=days_ago),
            hours=Decimal(hours),
            trainer="刘志明",
            materials="《培训中心首问责任制制度》全文；接待流程图。",
        )
        training.training_set_attendance(
            head, session=session, attendees=rng.sample(staff, k=min(len(staff), 8))
        )
