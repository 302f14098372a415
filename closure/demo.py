"""Demo data for the closure step: results, signed confirmations, rework rounds, closures
waiting for the center head's approval and call-backs, all through the real services."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random

import time_machine
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from cases.models import Case, Outcome

from . import callbacks, services

RESULTS = [
    "已与教务处确认，您的课程已调整到周四上午，新的课表已发送到您的邮箱。",
    "退费已审核通过，款项将在三个工作日内原路退回。",
    "证书已制作完成，请携带身份证到一楼服务大厅领取。",
    "教室空调已由后勤保障部维修完毕，今天下午可以正常使用。",
    "学习平台密码已重置，初始密码已通过短信发送。",
]
REASONS = ["调整后的时间仍然和工作冲突。", "退款金额与缴费金额不一致。", "问题没有真正解决。"]


def signature_data_url(rng: random.Random) -> str:
    """A scribble that looks like a handwritten name on the signing canvas."""
    image = Image.new("RGBA", (720, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x = 60
    for _stroke in range(rng.randint(3, 5)):
        points = [(x + rng.randint(0, 90), rng.randint(50, 190)) for _ in range(6)]
        draw.line(points, fill=(20, 20, 20, 255), width=4, joint="curve")
        x += 120
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _moment(case: Case, rng: random.Random, hours: int) -> dt.datetime:
    latest = timezone.now() - dt.timedelta(minutes=30)
    return min(case.created_at + dt.timedelta(hours=hours + rng.randint(0, 3)), latest)


def _record(case: Case, rng: random.Random, at: dt.datetime):
    with time_machine.travel(at, tick=False):
        return services.result_record(
            case.owner, case=case, result=rng.choice(RESULTS), how_given="in_person"
        )


def _sign(round_, rng: random.Random, at: dt.datetime, *, rating: int, reasons: str = ""):
    with time_machine.travel(at, tick=False):
        token = services.signing_start(round_.case.owner, round_=round_)
        round_.refresh_from_db()
        return services.result_sign(
            round_.case.owner,
            round_=round_,
            token=token,
            signature=signature_data_url(rng),
            rating=rating,
            reasons=reasons,
            comment="谢谢老师的耐心解答。" if rating >= 4 else "",
        )


def seed(*, rng: random.Random, stdout) -> None:
    # Cases stay closed while seeding (call-backs need that); archive.demo files them next.
    with override_settings(ARCHIVE_QUIET_HOURS=24 * 365):
        counts = _seed(rng)
    stdout.write(
        "closure demo: {signed} signed, {rework} rework rounds, {pending} awaiting signature, "
        "{approval} awaiting approval, {callbacks} call-backs".format(**counts)
    )


def _seed(rng: random.Random) -> dict[str, int]:
    counts = dict.fromkeys(("signed", "rework", "pending", "approval", "callbacks"), 0)
    awaiting = Case.objects.filter(
        status=Case.Status.AWAITING_CONFIRMATION, result_rounds__isnull=True
    ).order_by("pk")
    for case in awaiting:
        _record(case, rng, _moment(case, rng, 20))
        counts["pending"] += 1
    candidates = list(
        Case.objects.filter(status=Case.Status.OPEN, outcome=Outcome.SELF).order_by("pk")
    )
    for index, case in enumerate(candidates[: max(len(candidates) * 2 // 3, 1)]):
        first = _record(case, rng, _moment(case, rng, 24))
        if index % 4 == 1:  # not satisfied, then satisfied with the second round
            _sign(first, rng, _moment(case, rng, 25), rating=2, reasons=rng.choice(REASONS))
            counts["rework"] += 1
            case.refresh_from_db()
            second = _record(case, rng, _moment(case, rng, 48))
            _sign(second, rng, _moment(case, rng, 49), rating=rng.choice([4, 5]))
            counts["signed"] += 1
        elif index % 4 == 2:  # a phone case: confirmation by phone, waiting for approval
            with time_machine.travel(_moment(case, rng, 26), tick=False):
                services.confirmation_other_record(
                    case.owner,
                    round_=first,
                    method="phone_call",
                    detail="电话回复来访人，对方表示认可处理结果。",
                    rating=4,
                )
            counts["approval"] += 1
        else:
            _sign(first, rng, _moment(case, rng, 25), rating=rng.choice([3, 4, 5, 5]))
            counts["signed"] += 1
            if index % 3 == 0:
                case.refresh_from_db()
                callbacks.callback_log(
                    case.owner,
                    case=case,
                    method="phone",
                    note="回访：问题已解决，表示满意。",
                    rating=5,
                )
                counts["callbacks"] += 1
    return counts
