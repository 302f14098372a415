"""Fill the closure tables of a seeded bench database from its cases' timelines (a seed hook).

    python bench/seed_closure.py --cases N     # run by bench/run.py after bench/seed.py

Result rounds: one per ``result_recorded`` event, numbered in time order, as
``closure.services.result_record`` writes them. The k-th ``rework_requested`` event ends round
k (signed, rated 1-2 or "not solved", reasons, a new deadline 3 working days on); the last
round of a closed or archived case is signed and carries the case's satisfaction; the last
round of a case awaiting confirmation is pending. On-the-spot answers have no round (intake
closes them without one). Signed rounds point at one shared signature image, stored once.

Call-backs: ``closure.callbacks.callback_log`` takes them only on closed cases, so one row per
seeded ``callback_logged`` event of a closed or archived case (the share the stories give),
placed after the closure (1-7 days) and before the archiving, by the owner, now and then the
owner's department head or the center head.

Set-based SQL on one connection; triggers off (session_replication_role = replica), since
the archive triggers refuse children of archived cases. Deterministic: every random choice
is a hash of a row id.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hooks import bulk_load, center_head_id, refuse_if_seeded

TABLES = ("closure_resultround", "closure_callback")
SIGNATURE_NAME = "signatures/bench/seeded-signature.png"

RESULTS = [
    "已联系相关部门核实，情况属实，已按规定办理完毕，并告知来访人办理结果。",
    "经核查，相关费用已原路退回，预计3-5个工作日到账，已告知来访人查询方式。",
    "已协调教务处调整课程安排，新的上课时间已通过短信通知来访人。",
    "问题已转相关老师处理并完成整改，来访人可于下周起按新安排执行。",
    "已向来访人书面说明相关规定及办理流程，并提供所需材料清单。",
    "设施已安排维修并完成验收，来访人现场确认可以正常使用。",
    "账号已重置并完成测试，来访人已能正常登录学习平台。",
    "已与合作方沟通确认，证书将于本月底前统一发放，届时电话通知领取。",
]
REASONS = [
    "处理结果与来访人期望不一致，希望进一步核实。",
    "问题仍未解决，来访人表示情况没有变化。",
    "答复不够具体，来访人希望给出明确的办理时间。",
    "来访人认为处理时间过长，要求重新处理。",
]
COMMENTS = ["感谢老师耐心解答。", "处理及时，很满意。", "希望以后流程更简便一些。", "辛苦了。"]
NOTES = [
    "来访人表示问题已解决，对处理结果满意。",
    "来访人反映后续没有再出现同类问题。",
    "电话未接通，改日再次回访后确认已解决。",
    "来访人对处理速度表示认可，建议加强事前告知。",
    "来访人表示基本满意，希望今后通知更及时。",
]
# Weighted choices as arrays of 20, picked by a hash of the row id.
HOW_GIVEN = ["in_person"] * 8 + ["phone"] * 7 + ["email"] * 2 + ["online"] * 2 + ["written"]
METHODS = ["phone"] * 16 + ["online"] * 2 + ["email", "in_person"]
CALLBACK_RATINGS = [5] * 8 + [4] * 5 + [3] * 2 + [2, 1] + [None] * 3


def pick(expr: str, salt: int, n: int) -> sql.Composed:
    """SQL for a deterministic pseudo-random integer in [0, n) from a bigint expression (SQL
    of ours, a column of the query)."""
    return sql.SQL(
        "mod(mod(hashint8extended(({expr})::bigint, {salt}), {n}) + {n}, {n})::int"
    ).format(expr=sql.SQL(expr), salt=sql.Literal(salt), n=sql.Literal(n))


ROUNDS = sql.SQL("""
WITH per_case AS (
    SELECT case_id,
           array_agg(created_at ORDER BY created_at, id)
               FILTER (WHERE kind = 'result_recorded') AS results,
           array_agg(actor_id ORDER BY created_at, id)
               FILTER (WHERE kind = 'result_recorded') AS recorders,
           array_agg(created_at ORDER BY created_at, id)
               FILTER (WHERE kind = 'rework_requested') AS reworks,
           min(created_at) FILTER (WHERE kind = 'visitor_confirmed') AS confirmed
    FROM cases_caseevent
    WHERE kind IN ('result_recorded', 'rework_requested', 'visitor_confirmed')
    GROUP BY case_id
), rounds AS (
    SELECT c.id AS case_id, c.owner_id, c.status, c.satisfaction, c.closed_at,
           r.number, r.recorded_at, r.recorded_by, p.confirmed,
           p.reworks[r.number] AS reworked_at,
           c.id * 8 + r.number AS h
    FROM per_case p
    JOIN cases_case c ON c.id = p.case_id
    CROSS JOIN LATERAL unnest(p.results, p.recorders) WITH ORDINALITY
        AS r(recorded_at, recorded_by, number)
    WHERE p.results IS NOT NULL
), judged AS (
    SELECT *,
           CASE WHEN reworked_at IS NOT NULL THEN 'rework'
                WHEN status IN ('closed', 'archived') THEN 'closed'
                ELSE 'pending' END AS state,
           {not_solved} < 3 AS not_solved
    FROM rounds
)
INSERT INTO closure_resultround (
    case_id, number, result, how_given, recorded_by_id, recorded_at, state,
    signing_token_hash, signing_expires_at, public_token_hash, confirmation_kind, signature,
    signature_sha256,
    rating, not_solved, reasons, comment, confirmed_at, other_method, other_detail,
    approved_by_id, approved_at, approval_reason, new_deadline)
SELECT j.case_id, j.number,
       CASE WHEN j.number > 1 THEN '经重新核实：' ELSE '' END
           || (%(results)s::text[])[1 + {result}],
       (%(how_given)s::text[])[1 + {how_given}],
       COALESCE(j.recorded_by, j.owner_id), j.recorded_at, j.state,
       '', NULL, '',
       CASE WHEN j.state = 'pending' THEN '' ELSE 'signed' END,
       CASE WHEN j.state = 'pending' THEN '' ELSE %(signature)s END,
       CASE WHEN j.state = 'pending' THEN '' ELSE %(signature_sha256)s END,
       CASE WHEN j.state = 'closed' THEN COALESCE(j.satisfaction, 4)
            WHEN j.state = 'rework' AND j.not_solved THEN 3
            WHEN j.state = 'rework' THEN 1 + {rating} END,
       j.state = 'rework' AND j.not_solved,
       CASE WHEN j.state = 'rework'
            THEN (%(reasons)s::text[])[1 + {reason}] ELSE '' END,
       CASE WHEN j.state = 'closed' AND {commented} < 3
            THEN (%(comments)s::text[])[1 + {comment}] ELSE '' END,
       CASE j.state WHEN 'rework' THEN j.reworked_at
                    WHEN 'closed' THEN COALESCE(j.confirmed, j.closed_at) END,
       '', '', NULL, NULL, '',
       CASE WHEN j.reworked_at IS NOT NULL THEN (
           SELECT (g.day + %(workday_end)s::time) AT TIME ZONE %(tz)s
           FROM (SELECT (j.reworked_at AT TIME ZONE %(tz)s)::date + n
                 FROM generate_series(1, 30) AS s(n)) AS g(day)
           LEFT JOIN cases_workcalendarday w ON w.date = g.day
           WHERE COALESCE(w.is_workday, extract(isodow FROM g.day) < 6)
           ORDER BY g.day OFFSET %(rework_days)s - 1 LIMIT 1) END
FROM judged j
ORDER BY j.recorded_at, j.case_id
""").format(
    not_solved=pick("h", 1, 10),
    result=pick("j.h", 2, len(RESULTS)),
    how_given=pick("j.h", 3, 20),
    rating=pick("j.h", 4, 2),
    reason=pick("j.h", 5, len(REASONS)),
    commented=pick("j.h", 6, 10),
    comment=pick("j.h", 7, len(COMMENTS)),
)  # only our own expressions are composed in; values are parameters

# A callback_logged event already after the closure (a future story) keeps its time.
CALLBACKS = sql.SQL("""
INSERT INTO closure_callback (case_id, made_by_id, made_at, method, note, rating)
SELECT case_id, made_by, made_at, method, note, rating FROM (
    SELECT c.id AS case_id,
           CASE WHEN {made_by} = 0 THEN %(center_head)s
                WHEN {made_by} < 3 THEN COALESCE(d.head_id, c.owner_id)
                ELSE c.owner_id END AS made_by,
           CASE WHEN e.created_at > c.closed_at
                     AND e.created_at < COALESCE(c.archived_at, now()) THEN e.created_at
                ELSE LEAST(c.closed_at + make_interval(days => 1 + {days},
                                                       mins => {minutes}),
                           COALESCE(c.archived_at, now()) - interval '1 hour') END AS made_at,
           (%(methods)s::text[])[1 + {method}] AS method,
           (%(notes)s::text[])[1 + {note}] AS note,
           (%(ratings)s::int[])[1 + {rating}] AS rating
    FROM cases_caseevent e
    JOIN cases_case c ON c.id = e.case_id
    LEFT JOIN accounts_department d ON d.id = c.owner_department_id
    WHERE e.kind = 'callback_logged' AND c.status IN ('closed', 'archived')
      AND c.closed_at < COALESCE(c.archived_at, now()) - interval '1 hour'
) AS made
ORDER BY made_at, case_id
""").format(
    made_by=pick("e.id", 11, 20),
    days=pick("e.id", 12, 7),
    minutes=pick("e.id", 13, 240),
    method=pick("e.id", 14, 20),
    note=pick("e.id", 15, len(NOTES)),
    rating=pick("e.id", 16, 20),
)  # only our own expressions are composed in; values are parameters


def signature_file() -> tuple[str, str]:
    """One plausible signature image in the default storage (the case page and the archive
    PDF open it); returns its name and SHA-256, as result_sign stores them."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image, ImageDraw

    image = Image.new("L", (480, 160), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(40, 110), (90, 40), (120, 120), (170, 50), (210, 105), (260, 60)], 0, 4)
    draw.line([(280, 95), (330, 45), (360, 110), (420, 70), (450, 90)], 0, 4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    if default_storage.exists(SIGNATURE_NAME):  # an earlier seed's: the same bytes
        default_storage.delete(SIGNATURE_NAME)
    return default_storage.save(SIGNATURE_NAME, ContentFile(png)), hashlib.sha256(png).hexdigest()


def seed_closure(url: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    django.setup()
    from django.conf import settings

    started = time.monotonic()
    with psycopg.connect(url) as conn:
        refuse_if_seeded(conn, TABLES, "the closure tables")
        name, digest = signature_file()
        center_head = center_head_id(conn)
        bulk_load(conn)
        rounds = conn.execute(
            ROUNDS,
            {
                "results": RESULTS,
                "how_given": HOW_GIVEN,
                "signature": name,
                "signature_sha256": digest,
                "reasons": REASONS,
                "comments": COMMENTS,
                "workday_end": settings.WORKDAY_END,
                "tz": settings.TIME_ZONE,
                "rework_days": settings.CLOSURE_REWORK_WORKING_DAYS,
            },
        ).rowcount
        seconds_rounds = time.monotonic() - started
        callbacks = conn.execute(
            CALLBACKS,
            {
                "center_head": center_head,
                "methods": METHODS,
                "notes": NOTES,
                "ratings": CALLBACK_RATINGS,
            },
        ).rowcount
        # The flag callback_log sets with the first call-back (the case page reads them then).
        conn.execute(
            "UPDATE cases_case SET has_callbacks = true"
            " WHERE id IN (SELECT case_id FROM closure_callback)"
        )
        conn.commit()
        conn.autocommit = True
        for table in TABLES:
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return {
        "result_rounds": rounds,
        "callbacks": callbacks,
        "seconds_rounds": round(seconds_rounds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="the seed's size (unused: read from the rows)")
    parser.parse_args(argv)
    print(json.dumps(seed_closure(os.environ["DATABASE_URL"])))


if __name__ == "__main__":
    main()
