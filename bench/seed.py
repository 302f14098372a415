"""Seed a migrated, empty PostgreSQL database with a large training center, using COPY.

    python bench/seed.py --cases 1000000 [--years 5] [--seed 8]

What it writes (defaults): 30 departments (5 campuses x 6 functions), 500 staff plus a center
head and an auditor, 7 categories, visitors reused across cases (about 0.4 per case, a few
returning often), cases spread over 5 years (weekdays busier, growing 15% a year), each with
its timeline of 3-30 CaseEvents and its audit rows, referral and handoff cases with their
involved departments, about 20% of cases still open (mostly recent ones), the case number
counters of every day, and a valid SHA-256 audit chain (`manage.py audit_verify` passes).

Rows are generated in time order: a heap merges each case's future timeline steps with the
intake of later cases, so ids follow time in every table, as they would in production.
Three COPY streams (cases, events, audit) run at once on three connections. Secondary indexes
are dropped first and rebuilt after the load, and foreign-key triggers are off during it
(session_replication_role = replica; every id written is generated here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import heapq
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit import chain  # pure hashing module, shared with the real writer
from bench import stories
from bench.stories import DAY, HOUR, MINUTE, US, World

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
PASSWORD = "bench-password-2026"  # a throwaway benchmark database
SEEDED_TABLES = [
    "cases_case",
    "cases_caseevent",
    "audit_auditevent",
    "cases_case_involved_departments",
    "cases_visitor",
]
CASE_COLUMNS = (
    "id,number,query_code,status_token,visitor_type,channel,subject,question,visit_time,outcome,"
    "status,deadline,deadline_version,overdue_flagged_at,reminded_at,extension_count,"
    "rework_count,answer,satisfaction,created_at,updated_at,closed_at,archived_at,version,"
    "owner_id,owner_department_id,category_id,visitor_id,"
    # What the visitor gave at the visit (VIS-1): filled from the visitors once they are copied.
    "visitor_name,visitor_phone,visitor_phone_hash,visitor_phone_last4"
)
AUDIT_COLUMNS = (
    "id,created_at,actor_label,action,object_type,object_id,before,after,request_id,"
    "prev_hash,hash,actor_id"
)


def ts(t: int | None) -> dt.datetime | None:
    return None if t is None else EPOCH + dt.timedelta(microseconds=t)


def now_us() -> int:
    return int(time.time() * US)


class Reference:
    """Departments, staff, categories: small tables written with plain INSERTs."""

    def __init__(self, conn: psycopg.Connection, *, staff: int, rng: random.Random) -> None:
        from django.contrib.auth.hashers import make_password

        self.rng = rng
        password = make_password(PASSWORD)
        groups = dict(conn.execute("SELECT name, id FROM auth_group").fetchall())
        departments, members, heads = [], {}, {}
        dept_id = itertools.count(1)
        for campus_code, campus in stories.CAMPUSES:
            for code, name, duty, location in stories.FUNCTIONS:
                pk = next(dept_id)
                departments.append((pk, campus + name, campus_code + code, duty, location))
                members[pk] = []
        front = [d[0] for d in departments if d[2].endswith("XF")]
        per_front = 30
        others = [d[0] for d in departments if d[0] not in front]
        users = [  # (id, username, name, department, groups)
            (1, "bench-center", "刘志明", None, ["staff", "center_head"]),
            (2, "bench-auditor", "杨审计", None, ["auditor"]),
        ]
        plan = [(d, per_front) for d in front]
        rest = staff - per_front * len(front)
        plan += [(d, rest // len(others) + (i < rest % len(others))) for i, d in enumerate(others)]
        uid = itertools.count(3)
        for dept, count in plan:
            for _ in range(count):
                users.append((next(uid), "", stories.person_name(rng), dept, ["staff"]))
        self.weights: list[float] = []
        self.owners: list[int] = []
        named = {front[0]: ["bench-head", "bench-desk"], others[0]: ["", "bench-staff"]}
        for index, (pk, username, name, dept, roles) in enumerate(users):
            if dept is not None and not members[dept]:
                roles = ["staff", "department_head"]
                heads[dept] = pk
            if dept is not None:
                alias = named.get(dept, [])
                position = len(members[dept])
                username = (alias[position] if position < len(alias) else "") or f"s{pk:04d}"
                members[dept].append(pk)
                self.owners.append(pk)
                weight = 3.0 if dept in front else 1.0
                self.weights.append(8.0 if username == "bench-desk" else weight)
            users[index] = (pk, username, name, dept, roles)
        self.departments, self.users, self.front = departments, users, front
        self.dept_of = {u[0]: u[3] for u in users}
        self.username = {u[0]: u[1] for u in users}
        self.world = World(
            members=members,
            names={u[0]: u[2] for u in users},
            department_names={d[0]: d[1] for d in departments},
            center_head=1,
        )
        self._write(conn, password, groups, heads)

    def _write(self, conn, password, groups, heads) -> None:
        joined = ts(now_us() - 6 * 365 * DAY)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO accounts_department (id, name, code, responsibilities,"
                " contact_person, phone, email, location, is_active) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, true)",
                [
                    (pk, name, code, duty, "王老师", f"010-6275{pk:04d}", f"{code}@c.example", loc)
                    for pk, name, code, duty, loc in self.departments
                ],
            )
            with cur.copy(
                "COPY accounts_user (id, password, is_superuser, username, first_name, last_name,"
                " email, is_staff, is_active, date_joined, name, employee_no, work_phone,"
                " language, email_notifications, department_id) FROM STDIN"
            ) as copy:
                for pk, username, name, dept, _roles in self.users:
                    copy.write_row(
                        (pk, password, False, username, "", "", f"{username}@c.example", False,
                         True, joined, name, f"E{pk:05d}", f"010-6275{1000 + pk}", "zh-hans",
                         False, dept)
                    )  # fmt: skip
            cur.executemany(
                "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (%s, %s)",
                [(u[0], groups[role]) for u in self.users for role in u[4]],
            )
            cur.executemany(
                "UPDATE accounts_department SET head_id = %s WHERE id = %s",
                [(head, dept) for dept, head in heads.items()],
            )
            cur.executemany(
                "INSERT INTO cases_category (id, code, name, is_active, sort_order)"
                " VALUES (%s, %s, %s, true, %s)",
                [(i, code, name, i) for i, (code, name) in enumerate(stories.CATEGORIES, 1)],
            )

    def pick_owners(self, n: int) -> list[int]:
        return self.rng.choices(self.owners, weights=self.weights, k=n)


def intake_times(rng: random.Random, n: int, *, years: int, now: int) -> list[int]:
    """n intake instants over the last `years` years, working hours, weekdays busier."""
    last = stories.local_day(now)
    opening = 8 * HOUR - stories.LOCAL_OFFSET
    if last * DAY + opening >= now - MINUTE:
        last -= 1  # seeded before today's desk opened: today can hold no visit yet
    first = last - int(years * 365.25)
    days = range(first, last + 1)
    weights = [(1.0 if (d + 3) % 7 < 5 else 0.2) * (1 + 0.15 * (d - first) / 365.25) for d in days]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    for i in rng.sample(range(len(counts)), n - sum(counts)):
        counts[i] += 1
    out: list[int] = []
    for day, count in zip(days, counts, strict=True):
        start = day * DAY + opening
        end = min(start + 10 * HOUR, now - MINUTE)
        if count and end > start:
            out.extend(sorted(rng.randrange(start, end) for _ in range(count)))
    return out


def drop_secondary_indexes(conn: psycopg.Connection) -> list[sql.Composable]:
    """Drop unique constraints (other than primary keys) and plain indexes of the seeded
    tables; return the statements that rebuild them, each in one sorted pass after the load."""
    restore = []
    for table, name, definition in conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
        [SEEDED_TABLES],
    ).fetchall():
        names = {"table": sql.Identifier(table), "name": sql.Identifier(name)}
        conn.execute(sql.SQL("ALTER TABLE {table} DROP CONSTRAINT {name}").format(**names))
        # The definition is PostgreSQL's own text (pg_get_constraintdef).
        add = sql.SQL("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        restore.append(add.format(**names, definition=sql.SQL(definition)))
    for definition, name in conn.execute(
        "SELECT i.indexdef, i.indexname FROM pg_indexes i WHERE i.schemaname = 'public'"
        " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conname = i.indexname)",
        [SEEDED_TABLES],
    ).fetchall():
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        restore.append(sql.SQL(definition))  # PostgreSQL's own text (pg_indexes.indexdef)
    return restore


class Writer:
    """Three concurrent COPY streams and the audit chain."""

    def __init__(self, url: str, ref: Reference, audit_mode: str) -> None:
        self.ref = ref
        self.audit_mode = audit_mode
        self.conns = [psycopg.connect(url) for _ in range(3)]
        for conn in self.conns:
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
        self.copies = []
        self._stack = []
        for conn, (table, columns) in zip(
            self.conns,
            [
                ("cases_case", CASE_COLUMNS),
                ("cases_caseevent", "id,kind,created_at,text,data,actor_id,case_id"),
                ("audit_auditevent", AUDIT_COLUMNS),
            ],
            strict=True,
        ):
            statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
                table=sql.Identifier(table),
                columns=sql.SQL(", ").join(map(sql.Identifier, columns.split(","))),
            )
            cm = conn.cursor().copy(statement)
            self.copies.append(cm.__enter__())
            self._stack.append(cm)
        self.case_copy, self.event_copy, self.audit_copy = self.copies
        self.event_id = itertools.count(1)
        self.audit_id = itertools.count(1)
        self.prev_hash = chain.GENESIS
        self.events = self.audits = 0

    def event(self, t: int, kind: str, actor: int | None, data: str, case_id: int) -> None:
        self.event_copy.write_row((next(self.event_id), kind, ts(t), "", data, actor, case_id))
        self.events += 1

    def audit(self, t: int, actor: int | None, action: str, otype: str, oid: str,
              before: str | None, after: str | None) -> None:  # fmt: skip
        """Append one chained row; ``before``/``after`` are already canonical JSON."""
        if self.audit_mode == "none" or (
            self.audit_mode == "register" and action != "case.register"
        ):
            return
        moment = ts(t)
        label = self.ref.username.get(actor, "system") if actor else "system"
        request_id = f"{self.ref.rng.getrandbits(128):032x}"
        # chain.canonical() of the hashed fields, composed from the canonical parts (keys in
        # sorted order); checked against chain.canonical on the first rows of every seed.
        text = (
            f'{{"action":"{action}","actor_id":{"null" if actor is None else actor},'
            f'"actor_label":"{label}","after":{after or "null"},"before":{before or "null"},'
            f'"created_at":"{moment.isoformat()}","object_id":"{oid}",'
            f'"object_type":"{otype}","request_id":"{request_id}"}}'
        )
        if self.audits < 1000:
            fields = {
                "created_at": moment.isoformat(), "actor_id": actor, "actor_label": label,
                "action": action, "object_type": otype, "object_id": oid,
                "before": None if before is None else json.loads(before),
                "after": None if after is None else json.loads(after), "request_id": request_id,
            }  # fmt: skip
            assert text == chain.canonical(fields), (text, chain.canonical(fields))
        digest = hashlib.sha256((self.prev_hash + text).encode()).hexdigest()
        self.audit_copy.write_row(
            (next(self.audit_id), moment, label, action, otype, oid, before, after, request_id,
             self.prev_hash, digest, actor)
        )  # fmt: skip
        self.prev_hash = digest
        self.audits += 1

    def close(self) -> float:
        """Finish the streams; return the CPU seconds their server processes used."""
        for cm in self._stack:
            cm.__exit__(None, None, None)
        cpu = 0.0
        for conn in self.conns:
            conn.commit()
            cpu += backend_cpu(conn)
            conn.close()
        return cpu


def backend_cpu(conn: psycopg.Connection) -> float:
    """CPU seconds of the connection's server process (the server runs on this machine)."""
    try:
        fields = Path(f"/proc/{conn.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snapshot(case: dict, status: str, version: int, deadline: int | None) -> str:
    """cases.services.case_snapshot as canonical JSON (sorted keys, no spaces)."""
    when = f'"{ts(deadline).isoformat()}"' if deadline else "null"
    return (
        f'{{"category":{case["category"]},"deadline":{when},"number":"{case["number"]}",'
        f'"outcome":"{case["outcome"]}","owner":{case["owner"]},"status":"{status}",'
        f'"version":{version}}}'
    )


def seed(
    url: str, *, cases: int, years: int, staff: int, seed_value: int, audit_mode: str, out=print
) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    django.setup()
    started = time.monotonic()
    rng = random.Random(seed_value)  # reproducible synthetic data
    now = now_us()
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM cases_case)").fetchone()[0]:
            raise SystemExit("the database already holds cases: seed a freshly migrated one")
        ref = Reference(conn, staff=staff, rng=rng)
        indexes = drop_secondary_indexes(conn)
    times = intake_times(rng, cases, years=years, now=now)
    owners = ref.pick_owners(len(times))
    n_visitors = max(1, int(len(times) * 0.4))
    recent = now - 90 * DAY
    share_recent = sum(1 for t in times if t >= recent) / max(len(times), 1)
    # 20% open overall; answered-on-the-spot cases (45%) are closed at intake, so the others
    # carry it: 90% of recent ones stall, older ones at the rate that makes up the rest.
    p_old = max(0.0, (0.2 - 0.55 * 0.9 * share_recent) / (0.55 * max(1 - share_recent, 1e-9)))
    counters: dict[int, int] = {}
    visitor_first: dict[int, int] = {}
    involved_rows: list[tuple[int, int, int]] = []
    stats = {"open": 0}
    writer = Writer(url, ref, audit_mode)
    pending: list = []  # heap of (t, seq, case_id, step, state) for steps still to be written
    seq = itertools.count()
    loaded = time.monotonic()
    for index, created in enumerate(times):
        case_id = index + 1
        while pending and pending[0][0] <= created:
            _write_step(writer, heapq.heappop(pending))
        day = stories.local_day(created)
        counters[day] = counters.get(day, 0) + 1
        owner = owners[index]
        visitor = int(n_visitors * rng.random() ** 1.6)
        visitor_first.setdefault(visitor, created)
        story = stories.story(rng, world=ref.world, created=created, owner=owner, now=now)
        stall = story.outcome != "on_the_spot" and rng.random() < (
            0.9 if created >= recent else p_old
        )
        steps = stories.cut(story.steps, now=now, stall=stall, rng=rng)
        category = rng.randrange(len(stories.CATEGORIES))
        code = stories.CATEGORIES[category][0]
        base = rng.choice(stories.SUBJECTS[code])
        course = rng.choice(stories.COURSES)
        case = {
            "number": f"SW-{stories_date(day)}-{counters[day]:04d}",
            "owner": owner,
            "category": category + 1,
            "outcome": story.outcome,
        }
        status, version = "open", 1
        extensions = sum(1 for s in steps if s.kind == "deadline_extended")
        final_deadline = next((s.extend_to for s in reversed(steps) if s.extend_to), story.deadline)
        plan_deadline = story.deadline
        for step in steps:
            state = {"case": case, "case_id": case_id, "status": status, "version": version,
                     "deadline": plan_deadline}  # fmt: skip
            if step.to:
                version += 1
                status = step.to
            if step.extend_to:
                version += 1
                plan_deadline = step.extend_to
            state.update(new_status=status, new_version=version, new_deadline=plan_deadline)
            heapq.heappush(pending, (step.t, next(seq), step, state))
        closed_at = next((s.t for s in steps if s.to == "closed"), None)
        archived_at = next((s.t for s in steps if s.to == "archived"), None)
        rework = sum(1 for s in steps if s.kind == "rework_requested")
        active = status in ("open", "referred", "coordinating")
        overdue = final_deadline is not None and final_deadline < (closed_at or now)
        flagged = final_deadline + 5 * MINUTE if overdue and (active or closed_at) else None
        if flagged is not None and flagged > now:
            flagged = None
        stats["open"] += status in stories.OPEN_STATES
        answer = "已当场解答，详见来访登记。" if story.outcome == "on_the_spot" else ""
        writer.case_copy.write_row(
            (case_id, case["number"],
             "".join(rng.choices(stories.QUERY_ALPHABET, k=8)),
             f"{rng.getrandbits(192):048x}"[:43],
             rng.choice(stories.VISITOR_TYPES), rng.choice(stories.CHANNELS),
             f"{base}（{course}）", f"关于{course}的{base}：{rng.choice(QUESTIONS)}",
             ts(created - rng.randint(1, 20) * MINUTE), story.outcome, status, ts(final_deadline),
             (1 + extensions) if final_deadline else 0, ts(flagged),
             ts(final_deadline - DAY) if flagged else None, extensions, rework, answer,
             story.satisfaction if closed_at and story.outcome != "on_the_spot" else None,
             ts(created), ts(steps[-1].t), ts(closed_at), ts(archived_at), version,
             owner, ref.dept_of[owner], category + 1, visitor + 1, "", "", "", "")
        )  # fmt: skip
        started_work = any(s.kind in ("referral_requested", "handoff_requested") for s in steps)
        for dept in story.involved if started_work else ():
            involved_rows.append((len(involved_rows) + 1, case_id, dept))
        if index and index % 100_000 == 0:
            rate = index / (time.monotonic() - loaded)
            out(f"  {index:>9,} cases  {rate:,.0f} cases/s")
    while pending:
        _write_step(writer, heapq.heappop(pending))
    cpu_server = writer.close()
    copied = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        _copy_visitors(conn, rng, visitor_first, n_visitors)
        with conn.cursor().copy(
            "COPY cases_case_involved_departments (id, case_id, department_id) FROM STDIN"
        ) as copy:
            for row in involved_rows:
                copy.write_row(row)
        with conn.cursor().copy("COPY cases_casenumbercounter (day, last) FROM STDIN") as copy:
            for day, last in sorted(counters.items()):
                copy.write_row((EPOCH.date() + dt.timedelta(days=day), last))
        conn.execute("SET maintenance_work_mem = '512MB'")
        for definition in indexes:
            conn.execute(definition)
        _reset_sequences(conn)
        indexed = time.monotonic()
        for table in (*SEEDED_TABLES, "cases_casenumbercounter", "accounts_user"):
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
        cpu_server += backend_cpu(conn)
    finished = time.monotonic()
    return {
        "cases": len(times),
        "events": writer.events,
        "audit_events": writer.audits,
        "visitors": len(visitor_first),
        "involved": len(involved_rows),
        "open": stats["open"],
        "seconds_copy": round(copied - started, 1),
        "seconds_index": round(indexed - copied, 1),
        "seconds_vacuum": round(finished - indexed, 1),
        "seconds": round(finished - started, 1),
        "cpu_seconds_seeder": round(time.process_time(), 1),
        "cpu_seconds_postgres": round(cpu_server, 1),
    }


QUESTIONS = [
    "请问具体怎么办理？需要带哪些材料？",
    "上次来问过一次，还没有结果，麻烦再帮忙看看。",
    "希望尽快给个答复，周末也可以电话联系。",
    "听说有新的规定，想确认一下是否适用于我。",
    "网上说法不一致，想当面问清楚。",
]


def stories_date(day: int) -> str:
    return (EPOCH.date() + dt.timedelta(days=day)).strftime("%Y%m%d")


def _write_step(writer: Writer, item) -> None:
    t, _seq, step, state = item
    case, case_id = state["case"], state["case_id"]
    if step.kind == "deadline_promised":
        data = f'{{"deadline": "{ts(step.data["deadline"]).isoformat()}"}}'
    elif step.kind == "deadline_extended":
        old, new = ts(state["deadline"]).isoformat(), ts(step.extend_to).isoformat()
        data = json.dumps({**step.data, "old": old, "new": new}, ensure_ascii=False)
    elif step.kind == "status_changed":
        data = f'{{"status": "{step.to}"}}'
    elif step.data:
        data = json.dumps(step.data, ensure_ascii=False)
    else:
        data = "{}"
    writer.event(t, step.kind, step.actor, data, case_id)
    if not (step.audit or step.to):
        return
    number = case["number"]
    after = snapshot(case, state["new_status"], state["new_version"], state["new_deadline"])
    if step.audit == "register":
        writer.audit(t, step.actor, "case.register", "case", number, None, after)
    elif step.audit == "extend_deadline":
        before = snapshot(case, state["status"], state["version"], state["deadline"])
        extended = chain.canonical({**json.loads(after), "reason": step.data["reason"]})
        writer.audit(t, step.actor, "case.extend_deadline", "case", number, before, extended)
    elif step.audit:
        otype = step.audit.split(".", 1)[0]
        writer.audit(t, step.actor, step.audit, otype, number, None, f'{{"case":{case_id}}}')
    if step.to:
        before = snapshot(case, state["status"], state["version"], state["deadline"])
        writer.audit(t, step.actor, "case.transition", "case", number, before, after)


def _copy_visitors(conn, rng: random.Random, first: dict[int, int], n: int) -> None:
    from cases.models import name_key  # what Visitor.save() keeps (VIS-1)
    from cases.personal import phone_key  # the keyed hash Visitor.save() keeps (PRV-1)

    with conn.cursor().copy(
        "COPY cases_visitor (id, name, name_key, phone, phone_hash, created_at, updated_at)"
        " FROM STDIN"
    ) as copy:
        for index in range(n):
            created = ts(first.get(index, now_us() - 400 * DAY))
            phone = stories.visitor_phone(index)
            name = stories.person_name(rng)
            copy.write_row(
                (index + 1, name, name_key(name), phone, phone_key(phone), created, created)
            )
    # What each case says the visitor gave at the visit (VIS-1): the person's data, as the
    # intake service writes it.
    conn.execute(
        "UPDATE cases_case c SET visitor_name = v.name, visitor_phone = v.phone,"
        " visitor_phone_hash = v.phone_hash,"
        " visitor_phone_last4 = right(regexp_replace(v.phone, '\\D', '', 'g'), 4)"
        " FROM cases_visitor v WHERE v.id = c.visitor_id"
    )


def _reset_sequences(conn) -> None:
    for table in (*SEEDED_TABLES, "accounts_user", "accounts_department", "cases_category",
                  "accounts_user_groups"):  # fmt: skip
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                " GREATEST((SELECT max(id) FROM {}), 1))"
            ).format(sql.Identifier(table)),
            [table],
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--audit", choices=["full", "register", "none"], default="full")
    args = parser.parse_args(argv)
    url = os.environ["DATABASE_URL"]
    result = seed(
        url,
        cases=args.cases,
        years=args.years,
        staff=args.staff,
        seed_value=args.seed,
        audit_mode=args.audit,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
