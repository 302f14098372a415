"""Fill the handoffs app's tables for the cases bench/seed.py wrote (a `seed_*.py` hook).

    python bench/seed_handoffs.py --cases 1000000

Set-based SQL from the seeded cases, their involved departments and their timelines, in one
transaction: a referral for every referral case whose timeline reached the referral, with its
answers; a handoff form (number, departments, coordination meeting and its attendees,
assignments with their answers, disputes) for every handoff case whose form was submitted.
Each row's state and times come from the case's own events, so the handoffs tables say what the
timeline says and what the services would have written:

- referral: sent, accepted or answered while the case is "referred", completed (answer
  accepted) once the case has moved on. The stories go from the department's answer straight
  to its acceptance, so about a third of the accepted referrals of open cases are shown answered
  and waiting for review (the one state with no event behind it); one completed referral in ten
  had a first answer sent back.
- handoff form: submitted until the meeting, in progress while the case is coordinating,
  completed when the case left coordinating. An assignment's answers are the
  ``assignment_answered`` events of its department's members; the owner's acceptances and
  returns, which name no department, go to the departments in the order they answered. A form
  still in progress never has every assignment accepted unless a dispute is open (the app would
  have completed it), and a dispute of a form in progress is open.

Triggers are off for the inserts (session_replication_role = replica), as in bench/seed.py: the
archive guard would refuse rows of archived cases. Cases above ``--cases`` (made by a load run)
and cases that already have handoffs rows are left alone. The tables are vacuumed and analysed
at the end. Assignment deadlines stay within the case's promise when the meeting left time for
one; a meeting held after that promise gives three days (the app would want an extension).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

TABLES = [
    "handoffs_referral",
    "handoffs_handoffform",
    "handoffs_handoffform_departments",
    "handoffs_handoffnumbercounter",
    "handoffs_coordinationmeeting",
    "handoffs_coordinationmeeting_attendees",
    "handoffs_assignment",
    "handoffs_answer",
    "handoffs_dispute",
]
# Their rows together tell a seeded database (bench.hooks.refuse_if_seeded).
SEEDED = ("handoffs_referral", "handoffs_handoffform", "handoffs_assignment")
KINDS = [
    "referral_requested", "referral_created", "referral_accepted", "referral_answered",
    "handoff_submitted", "meeting_recorded", "assignment_answered", "assignment_returned",
    "assignment_accepted", "dispute_raised", "dispute_ruled", "status_changed",
]  # fmt: skip
TEXTS = {
    "answers": [
        "已核实情况，按规定办理，结果已书面说明。",
        "已安排专人处理，预计两个工作日内完成。",
        "经查询系统记录，问题已解决，附处理说明。",
        "已与来访人电话沟通，按学员手册相关条款办理。",
    ],
    "returns": ["请补充具体办理时间和经办人。", "答复未回应来访人的核心诉求，请补充。"],
    "places": ["行政楼三楼会议室", "中心主任办公室", "行政楼 201 小会议室"],
}

# The timeline events that tell the handoffs story, with the acting member's department.
EVENTS = """
CREATE TEMP TABLE ev ON COMMIT DROP AS
SELECT e.case_id, e.kind, e.created_at AS t, e.actor_id, u.department_id AS actor_dept
FROM cases_caseevent e LEFT JOIN accounts_user u ON u.id = e.actor_id
WHERE e.case_id <= %(cases)s AND e.kind = ANY(%(kinds)s);
CREATE INDEX ON ev (case_id);
ANALYZE ev;
"""


def _first(kind: str, column: str = "t") -> sql.Composed:
    """SQL for the ``column`` of a case's first event of ``kind`` (a column of the ev table)."""
    first = sql.SQL("(array_agg({column} ORDER BY t) FILTER (WHERE kind = {kind}))[1]")
    return first.format(column=sql.SQL(column), kind=sql.Literal(kind))


def _pick(texts: str) -> sql.Composed:
    """SQL for one of the TEXTS[texts], at random for each row."""
    array = sql.SQL("{}::text[]").format(sql.Placeholder(texts))
    return sql.SQL("({array})[1 + floor(random() * cardinality({array}))::int]").format(array=array)


REFERRALS = sql.SQL("""
CREATE TEMP TABLE rw ON COMMIT DROP AS
WITH x AS (
    SELECT case_id,
        coalesce({first_referral_created}, {first_referral_requested}) AS created_at,
        {first_referral_accepted} AS accepted_at,
        {first_referral_accepted_actor} AS acceptor,
        {first_referral_answered} AS answered_at,
        {first_referral_answered_actor} AS answerer
    FROM ev WHERE kind LIKE 'referral%%' GROUP BY case_id
), s AS (
    SELECT x.*, c.owner_id, i.department_id,
        CASE WHEN c.status <> 'referred' THEN 'completed'
             WHEN x.answered_at IS NOT NULL OR (x.accepted_at IS NOT NULL AND random() < 0.35)
                 THEN 'answered'
             WHEN x.accepted_at IS NOT NULL THEN 'accepted'
             ELSE 'sent' END AS status
    FROM x JOIN cases_case c ON c.id = x.case_id
    JOIN LATERAL (SELECT department_id FROM cases_case_involved_departments d
                  WHERE d.case_id = c.id ORDER BY d.id LIMIT 1) i ON true
    WHERE c.outcome = 'referral'
      AND NOT EXISTS (SELECT 1 FROM handoffs_referral r WHERE r.case_id = c.id)
), a AS (
    SELECT *, CASE WHEN status <> 'sent'
                   THEN coalesce(accepted_at, created_at + interval '1 hour') END AS accepted
    FROM s
)
SELECT *,
    CASE status
        WHEN 'completed' THEN greatest(accepted,
            coalesce(answered_at, accepted + interval '4 hours') - random() * interval '4 hours')
        WHEN 'answered' THEN greatest(accepted, least(
            coalesce(answered_at, accepted + interval '2 hours' + random() * interval '94 hours'),
            now() - interval '1 minute'))
    END AS answer_at,
    random() < 0.1 AS sent_back
FROM a;
ANALYZE rw;

INSERT INTO handoffs_referral (case_id, department_id, note, status, assignee_id, created_by_id,
    created_at, accepted_at, returned_at, return_reason, return_ground, completed_at, token)
SELECT case_id, department_id, '', status, CASE WHEN status <> 'sent' THEN acceptor END,
    owner_id, created_at, accepted, NULL, '', '',
    CASE WHEN status = 'completed' THEN greatest(answer_at, coalesce(answered_at, answer_at)) END,
    gen_random_uuid()
FROM rw ORDER BY created_at, case_id;

INSERT INTO handoffs_answer (referral_id, text, attachment, attachment_name, attachment_type,
    attachment_size, answered_by_id, answered_at, verdict, review_comment, reviewed_by_id,
    reviewed_at, on_behalf_of_owner, token)
SELECT r.id, {pick_answers}, '', '', '', 0,
    coalesce(w.answerer, w.acceptor, w.owner_id), a.at, a.verdict,
    CASE WHEN a.verdict = 'returned'
         THEN {pick_returns} ELSE '' END,
    CASE WHEN a.verdict <> 'pending' THEN w.owner_id END, a.reviewed, false, gen_random_uuid()
FROM rw w JOIN handoffs_referral r ON r.case_id = w.case_id
CROSS JOIN LATERAL (
    SELECT w.accepted + (w.answer_at - w.accepted) * 0.3, 'returned',
           w.accepted + (w.answer_at - w.accepted) * 0.5
    WHERE w.sent_back AND w.status = 'completed' AND w.answer_at > w.accepted + interval '1 hour'
    UNION ALL
    SELECT w.answer_at, CASE w.status WHEN 'completed' THEN 'accepted' ELSE 'pending' END,
           r.completed_at
    WHERE w.status IN ('answered', 'completed')
) a (at, verdict, reviewed)
ORDER BY a.at, r.id;
""").format(
    first_referral_created=_first("referral_created"),
    first_referral_requested=_first("referral_requested"),
    first_referral_accepted=_first("referral_accepted"),
    first_referral_accepted_actor=_first("referral_accepted", "actor_id"),
    first_referral_answered=_first("referral_answered"),
    first_referral_answered_actor=_first("referral_answered", "actor_id"),
    pick_answers=_pick("answers"),
    pick_returns=_pick("returns"),
)

HANDOFF_FORMS = sql.SQL("""
CREATE TEMP TABLE hw ON COMMIT DROP AS
WITH x AS (
    SELECT case_id,
        {first_handoff_submitted} AS submitted_at,
        {first_handoff_submitted_actor} AS submitter,
        {first_meeting_recorded} AS meeting_at,
        {first_meeting_recorded_actor} AS recorder,
        {first_status_changed} AS reopened_at,
        {first_dispute_raised} AS dispute_at,
        {first_dispute_raised_actor} AS raiser,
        {first_dispute_ruled} AS ruled_at,
        {first_dispute_ruled_actor} AS ruler,
        count(*) FILTER (WHERE kind = 'assignment_accepted') AS n_acc,
        count(*) FILTER (WHERE kind = 'assignment_returned') AS n_ret
    FROM ev WHERE kind NOT LIKE 'referral%%' GROUP BY case_id
)
SELECT x.*, c.owner_id, c.subject, c.deadline AS case_deadline,
    CASE WHEN x.meeting_at IS NULL THEN 'submitted'
         WHEN c.status <> 'coordinating' THEN 'completed'
         ELSE 'in_progress' END AS status,
    extract(year FROM x.submitted_at AT TIME ZONE %(tz)s)::int AS year,
    random() AS r
FROM x JOIN cases_case c ON c.id = x.case_id
WHERE c.outcome = 'handoff' AND x.submitted_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM handoffs_handoffform h WHERE h.case_id = c.id);
ANALYZE hw;

CREATE TEMP TABLE hd ON COMMIT DROP AS
SELECT i.case_id, i.department_id, d.name, d.head_id,
    row_number() OVER (PARTITION BY i.case_id ORDER BY i.id) AS pos
FROM hw JOIN cases_case_involved_departments i USING (case_id)
JOIN accounts_department d ON d.id = i.department_id;
ANALYZE hd;

-- Numbers of the year in order of submission, after any the counter already gave out.
INSERT INTO handoffs_handoffform (number, case_id, summary, urgency, done_so_far, status,
    submitted_by_id, submitted_at, completed_at, token)
SELECT %(prefix)s || '-' || lpad(w.year::text, 4, '0') || '-'
        || lpad(n.seq::text, greatest(4, length(n.seq::text)), '0'),
    w.case_id, w.subject || '：涉及' || d.names || '，需统一协调。',
    CASE WHEN w.r < 0.06 THEN 'critical' WHEN w.r < 0.26 THEN 'urgent' ELSE 'normal' END,
    '已向来访人说明办理流程并登记诉求。', w.status, coalesce(w.submitter, w.owner_id),
    w.submitted_at,
    CASE WHEN w.status = 'completed'
         THEN coalesce(w.reopened_at, greatest(w.meeting_at, w.ruled_at)) END,
    gen_random_uuid()
FROM hw w
JOIN (SELECT case_id, coalesce(k.last, 0)
             + row_number() OVER (PARTITION BY year ORDER BY submitted_at, case_id) AS seq
      FROM hw LEFT JOIN handoffs_handoffnumbercounter k USING (year)) n USING (case_id)
JOIN (SELECT case_id, string_agg(name, '、' ORDER BY pos) AS names FROM hd GROUP BY case_id) d
    USING (case_id)
ORDER BY w.submitted_at, w.case_id;

INSERT INTO handoffs_handoffnumbercounter (year, last)
SELECT extract(year FROM submitted_at AT TIME ZONE %(tz)s)::int,
    max(split_part(number, '-', 3)::int)
FROM handoffs_handoffform WHERE number LIKE %(prefix)s || '-%%' GROUP BY 1
ON CONFLICT (year) DO UPDATE SET last = greatest(handoffs_handoffnumbercounter.last, excluded.last);

CREATE TEMP TABLE hf ON COMMIT DROP AS
SELECT h.id AS handoff_id, hw.* FROM hw JOIN handoffs_handoffform h USING (case_id);
ANALYZE hf;

INSERT INTO handoffs_handoffform_departments (handoffform_id, department_id)
SELECT hf.handoff_id, hd.department_id FROM hf JOIN hd USING (case_id)
ORDER BY hf.handoff_id, hd.pos;
""").format(
    first_handoff_submitted=_first("handoff_submitted"),
    first_handoff_submitted_actor=_first("handoff_submitted", "actor_id"),
    first_meeting_recorded=_first("meeting_recorded"),
    first_meeting_recorded_actor=_first("meeting_recorded", "actor_id"),
    first_status_changed=_first("status_changed"),
    first_dispute_raised=_first("dispute_raised"),
    first_dispute_raised_actor=_first("dispute_raised", "actor_id"),
    first_dispute_ruled=_first("dispute_ruled"),
    first_dispute_ruled_actor=_first("dispute_ruled", "actor_id"),
)

MEETINGS = sql.SQL("""
INSERT INTO handoffs_coordinationmeeting (handoff_id, held_at, place, minutes, decision,
    recorded_by_id, recorded_at, token)
SELECT hf.handoff_id,
    hf.meeting_at - (hf.meeting_at - hf.submitted_at) * (0.1 + 0.3 * random()),
    {pick_places},
    '各部门介绍情况，明确分工与时限。',
    '由' || lead.name || '牵头，' || coalesce(helpers.names, '') || '协办。',
    coalesce(hf.recorder, %(center)s), hf.meeting_at, gen_random_uuid()
FROM hf
JOIN hd lead ON lead.case_id = hf.case_id AND lead.pos = 1
LEFT JOIN (SELECT case_id, string_agg(name, '、' ORDER BY pos) AS names FROM hd
           WHERE pos > 1 GROUP BY case_id) helpers ON helpers.case_id = hf.case_id
WHERE hf.meeting_at IS NOT NULL
ORDER BY hf.meeting_at, hf.handoff_id;

-- The center head, the first responder and the heads of the departments involved.
INSERT INTO handoffs_coordinationmeeting_attendees (coordinationmeeting_id, user_id)
SELECT m.id, who.user_id
FROM (SELECT case_id, owner_id AS user_id FROM hf
      UNION SELECT case_id, head_id FROM hd WHERE head_id IS NOT NULL
      UNION SELECT case_id, coalesce(recorder, %(center)s) FROM hf) who
JOIN hf USING (case_id) JOIN handoffs_coordinationmeeting m ON m.handoff_id = hf.handoff_id
ORDER BY 1, 2;
""").format(
    pick_places=_pick("places"),
)

ASSIGNMENTS = sql.SQL("""
CREATE TEMP TABLE ans ON COMMIT DROP AS
SELECT case_id, actor_dept AS department_id, actor_id, t,
    row_number() OVER w AS round, count(*) OVER (PARTITION BY case_id, actor_dept) AS rounds,
    lead(t) OVER w AS next_t, min(t) OVER (PARTITION BY case_id, actor_dept) AS first_t
FROM ev WHERE kind = 'assignment_answered'
WINDOW w AS (PARTITION BY case_id, actor_dept ORDER BY t);
ANALYZE ans;

-- The owner's acceptances, to be matched with the departments in the order they answered.
CREATE TEMP TABLE acc ON COMMIT DROP AS
SELECT case_id, t, row_number() OVER (PARTITION BY case_id ORDER BY t) AS n
FROM ev WHERE kind = 'assignment_accepted';
ANALYZE acc;

CREATE TEMP TABLE aw ON COMMIT DROP AS
WITH base AS (
    SELECT hf.handoff_id, hf.case_id, hf.status AS form_status, hf.meeting_at, hf.case_deadline,
        hf.dispute_at, hf.n_acc, hf.n_ret, hd.department_id, hd.pos,
        la.t AS last_t, la.first_t, coalesce(la.rounds, 0) AS rounds,
        count(*) OVER (PARTITION BY hf.case_id) AS n_assign,
        sum(greatest(coalesce(la.rounds, 0) - 1, 0)) OVER (PARTITION BY hf.case_id) AS inner_ret,
        row_number() OVER (PARTITION BY hf.case_id ORDER BY la.t NULLS LAST, hd.pos) AS rnk
    FROM hf JOIN hd USING (case_id)
    LEFT JOIN ans la ON la.case_id = hd.case_id AND la.department_id = hd.department_id
        AND la.round = la.rounds
    WHERE hf.meeting_at IS NOT NULL
), k AS (
    SELECT *,
        CASE WHEN dispute_at IS NULL AND n_acc >= n_assign THEN n_assign - 1
             ELSE n_acc END AS k_acc,
        greatest(n_ret - inner_ret, 0) AS k_ret,
        ((date_trunc('day', meeting_at AT TIME ZONE %(tz)s) + interval '3 days 17:30')
            AT TIME ZONE %(tz)s) AS end3
    FROM base
)
SELECT k.*,
    CASE WHEN form_status = 'completed' THEN 'accepted'
         WHEN last_t IS NULL THEN 'assigned'
         WHEN rnk <= k_acc THEN 'accepted'
         WHEN rnk <= k_acc + k_ret THEN 'returned'
         ELSE 'answered' END AS status,
    -- Within the case's promise when that leaves time; else three days, as after an extension.
    CASE WHEN least(coalesce(case_deadline, end3), end3) > meeting_at + interval '1 hour'
         THEN least(coalesce(case_deadline, end3), end3) ELSE end3 END AS deadline,
    acc.t AS accept_event
FROM k LEFT JOIN acc ON acc.case_id = k.case_id AND acc.n = k.rnk;
ANALYZE aw;

INSERT INTO handoffs_assignment (handoff_id, department_id, role, task, deadline, status,
    assignee_id, created_at, accepted_at, deadline_version, overdue_flagged_at, reminded_at)
SELECT handoff_id, department_id, CASE WHEN pos = 1 THEN 'lead' ELSE 'assisting' END,
    CASE WHEN pos = 1 THEN '牵头核实情况，汇总各部门意见，形成统一答复。'
         ELSE '提供本部门相关记录和意见，配合牵头部门答复。' END,
    deadline, status, NULL, meeting_at,
    CASE WHEN status = 'accepted' THEN greatest(coalesce(last_t, meeting_at), coalesce(
        accept_event, coalesce(last_t, meeting_at) + interval '2 hours')) END,
    1, flagged, flagged - interval '1 day' - interval '5 minutes'
FROM (SELECT *, CASE
        WHEN deadline + interval '5 minutes' < least(coalesce(first_t, now()), now())
            THEN deadline + interval '5 minutes'
        -- Answered in time, sent back after the deadline: the next scan flagged it.
        WHEN status = 'returned' AND deadline + interval '5 minutes' < now()
            THEN greatest(deadline + interval '5 minutes',
                          least(last_t + interval '4 hours', now()))
        END AS flagged FROM aw) a
ORDER BY meeting_at, handoff_id, pos;

-- Every answer but a department's last was sent back; the last one as its assignment says.
INSERT INTO handoffs_answer (assignment_id, text, attachment, attachment_name, attachment_type,
    attachment_size, answered_by_id, answered_at, verdict, review_comment, reviewed_by_id,
    reviewed_at, on_behalf_of_owner, token)
SELECT a.id, {pick_answers}, '', '', '', 0,
    s.actor_id, s.t, v.verdict,
    CASE WHEN v.verdict = 'returned'
         THEN {pick_returns} ELSE '' END,
    CASE WHEN v.verdict <> 'pending' THEN hf.owner_id END,
    CASE v.verdict WHEN 'accepted' THEN a.accepted_at
        WHEN 'returned' THEN coalesce(s.t + (s.next_t - s.t) / 3,
                                      least(s.t + interval '4 hours', now())) END,
    false, gen_random_uuid()
FROM ans s JOIN hf USING (case_id)
JOIN handoffs_assignment a ON a.handoff_id = hf.handoff_id AND a.department_id = s.department_id
CROSS JOIN LATERAL (SELECT CASE WHEN s.round < s.rounds THEN 'returned'
                                WHEN a.status = 'accepted' THEN 'accepted'
                                WHEN a.status = 'returned' THEN 'returned'
                                ELSE 'pending' END) v (verdict)
ORDER BY s.t, a.id;

INSERT INTO handoffs_dispute (handoff_id, assignment_id, positions, status, raised_by_id,
    raised_at, ruling, ruled_by_id, ruled_at, changes, token)
SELECT handoff_id, NULL,
    '协办部门认为已按要求提供全部材料；首问责任人认为各部门答复口径不一致，需中心裁定。',
    CASE WHEN status = 'completed' THEN 'ruled' ELSE 'open' END,
    coalesce(raiser, owner_id), dispute_at,
    CASE WHEN status = 'completed'
         THEN '经核实，各部门答复成立，由牵头部门统一口径后答复来访人。' ELSE '' END,
    CASE WHEN status = 'completed' THEN coalesce(ruler, %(center)s) END,
    CASE WHEN status = 'completed' THEN coalesce(ruled_at, reopened_at) END,
    '{{}}'::jsonb, gen_random_uuid()
FROM hf WHERE dispute_at IS NOT NULL AND meeting_at IS NOT NULL
ORDER BY dispute_at, handoff_id;
""").format(
    pick_answers=_pick("answers"),
    pick_returns=_pick("returns"),
)


# The case's work flags, as the services set them when they write the first such row.
FLAGS = """
UPDATE cases_case c SET
    has_referrals = EXISTS (SELECT 1 FROM handoffs_referral r WHERE r.case_id = c.id),
    has_handoff_forms = EXISTS (SELECT 1 FROM handoffs_handoffform h WHERE h.case_id = c.id),
    has_disputes = EXISTS (
        SELECT 1 FROM handoffs_dispute d JOIN handoffs_handoffform h ON h.id = d.handoff_id
        WHERE h.case_id = c.id
    )
WHERE c.id IN (
    SELECT case_id FROM handoffs_referral UNION SELECT case_id FROM handoffs_handoffform
);
"""


def seed(url: str, *, cases: int) -> dict:
    from django.conf import settings

    from bench.hooks import bulk_load, center_head_id, refuse_if_seeded

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        refuse_if_seeded(conn, SEEDED, "referrals, handoff forms and assignments")
        bulk_load(conn)
        center = center_head_id(conn)
        params = {"cases": cases, "kinds": KINDS, "tz": settings.TIME_ZONE, "center": center,
                  "prefix": settings.HANDOFF_NUMBER_PREFIX, **TEXTS}  # fmt: skip
        # Client-side binding: PostgreSQL takes no parameters in CREATE TABLE AS.
        cur = psycopg.ClientCursor(conn)
        with conn.transaction():
            for step in (EVENTS, REFERRALS, HANDOFF_FORMS, MEETINGS, ASSIGNMENTS, FLAGS):
                cur.execute(step, params)
        written = time.monotonic()
        counts = {}
        for table in TABLES:
            # VACUUM too, as bench/seed.py does: the visibility map lets the desk count open
            # assignments from its partial index alone (a heap read per row without it), and
            # autovacuum does not then change the plans in the middle of a load run.
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
            counts[table.removeprefix("handoffs_")] = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
    finished = time.monotonic()
    return {
        **counts,
        "seconds_insert": round(written - started, 1),
        "seconds": round(finished - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    import django

    django.setup()
    print(json.dumps(seed(os.environ["DATABASE_URL"], cases=args.cases)))


if __name__ == "__main__":
    main()
