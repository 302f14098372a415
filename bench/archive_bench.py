"""Archive benchmark figures (issue 5): the render time of one archived case PDF with 30
timeline events and two result rounds (target: median under 1 s), and the ZIP export of N
archived cases whose PDFs are already stored (target: 500 in under 3 minutes on 2 cores).

It WRITES to the configured database and MEDIA_ROOT (staff, a category, cases, archives): point
DATABASE_URL at a bench database. Used by the bench harness through ``run(...)``, or alone:

    DATABASE_URL=postgres://…/firstask_bench SECRET_KEY=x \\
        python bench/archive_bench.py --i-know-this-writes --zip-cases 500 --render-runs 7
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")


def _setup_django() -> None:
    import django

    django.setup()


def _people(tag: str):
    from django.contrib.auth.models import Group

    from accounts.models import Department, User
    from cases.models import Category

    department, _ = Department.objects.get_or_create(code="BN", defaults={"name": "基准测试部"})
    owner, created = User.objects.get_or_create(
        username=f"bench-owner-{tag}", defaults={"name": "基准员工", "department": department}
    )
    if created:
        owner.groups.set([Group.objects.get_or_create(name="staff")[0]])
    category, _ = Category.objects.get_or_create(code="BN", defaults={"name": "基准测试类"})
    return owner, category


def _register(owner, category, *, subject: str, phone: str):
    from cases import calendar, services

    return services.case_register(
        owner,
        visitor_name="基准来访人",
        phone=phone,
        visitor_type="student",
        channel="in_person",
        category=category,
        subject=subject,
        question="基准测试：请问证书什么时候可以领取？" * 3,
        outcome="self",
        deadline=calendar.deadline_in_working_days(3),
        pending_reason="needs_checking",
    )


def _signature() -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (720, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(40, 180), (140, 40), (260, 200), (380, 60), (520, 170)], fill="black", width=4
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _round(owner, case, *, rating: int, reasons: str = ""):
    from closure import services

    case.refresh_from_db()
    round_ = services.result_record(owner, case=case, result="已办理完毕。" * 5, how_given="phone")
    token = services.signing_start(owner, round_=round_)
    round_.refresh_from_db()
    services.result_sign(
        owner, round_=round_, token=token, signature=_signature(), rating=rating, reasons=reasons
    )


def _rich_case(owner, category, tag: str):
    """30 timeline events and two result rounds, all through the services."""
    from archive.services import case_archive
    from cases import calendar, services
    from closure.callbacks import callback_log

    case = _register(owner, category, subject=f"基准-渲染-{tag}", phone="13700000000")
    for _ in range(10):
        case.refresh_from_db()
        services.case_extend_deadline(
            owner,
            case=case,
            new_deadline=calendar.deadline_in_working_days(3, now=case.deadline),
            reason="等待相关部门材料",
            visitor_informed="电话告知",
            version=case.version,
        )
    _round(owner, case, rating=2, reasons="时间太晚")
    _round(owner, case, rating=5)
    for n in range(13):
        callback_log(owner, case=case, method="phone", note=f"第 {n + 1} 次回访", rating=5)
    case.refresh_from_db()
    record = case_archive(owner, case=case)
    assert case.events.count() == 30, case.events.count()
    return record


def bench_render(owner, category, tag: str, runs: int) -> dict[str, float]:
    from archive.pdf import render_record_pdf

    record = _rich_case(owner, category, tag)
    timings, cpu = [], []
    for _ in range(runs + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_record_pdf(record)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # CPU time too: on a shared machine the wall time says more about the neighbours.
    return {
        "pdf_render_first_s": round(timings[0], 3),
        "pdf_render_median_s": round(statistics.median(timings[1:]), 3),
        "pdf_render_median_cpu_s": round(statistics.median(cpu[1:]), 3),
        "pdf_render_runs": runs,
    }


def _archived_set(owner, category, tag: str, count: int, pdf: bytes) -> str:
    """``count`` archived cases through the services; each gets a stored PDF (a copy of one
    rendered document: the export measures packing stored PDFs, not rendering)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.test import override_settings

    from archive.models import ArchiveRecord
    from archive.services import case_archive

    marker = f"基准-导出-{tag}"
    digest = hashlib.sha256(pdf).hexdigest()
    with override_settings(ARCHIVE_QUIET_HOURS=1):
        for n in range(count):
            case = _register(owner, category, subject=marker, phone=f"136{n:08d}")
            _round(owner, case, rating=5)
            case.refresh_from_db()
            record = case_archive(owner, case=case)
            name = default_storage.save(f"archive/bench/{record.number}.pdf", ContentFile(pdf))
            ArchiveRecord.objects.filter(pk=record.pk).update(pdf=name, pdf_sha256=digest)
    return marker


def bench_zip(owner, category, tag: str, count: int) -> dict[str, float]:
    from archive.exports import export_build
    from archive.models import ArchiveRecord, ExportJob
    from archive.pdf import render_record_pdf

    sample = ArchiveRecord.objects.filter(case__subject__startswith="基准-渲染").first()
    if sample is None:
        raise SystemExit("no rendered sample record: run the render timing first")
    pdf, _ = render_record_pdf(sample)
    start = time.perf_counter()
    marker = _archived_set(owner, category, tag, count, pdf)
    setup = time.perf_counter() - start
    job = ExportJob.objects.create(requested_by=owner, filters={"q": marker})
    start, start_cpu = time.perf_counter(), time.process_time()
    built = export_build(job_id=job.pk)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    assert built is not None and built.state == "done" and built.total == count, built
    return {
        "zip_cases": count,
        "zip_export_s": round(elapsed, 2),
        "zip_export_cpu_s": round(elapsed_cpu, 2),
        "zip_setup_s": round(setup, 1),
    }


def run(*, zip_cases: int = 500, render_runs: int = 7) -> dict[str, Any]:
    """The figures as a dict; Django must be set up."""
    from django.conf import settings

    settings.ARCHIVE_QUIET_HOURS = 1  # the bench archives by hand
    tag = secrets.token_hex(3)
    owner, category = _people(tag)
    figures: dict[str, Any] = bench_render(owner, category, tag, render_runs)
    figures.update(bench_zip(owner, category, tag, zip_cases))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip-cases", type=int, default=500)
    parser.add_argument("--render-runs", type=int, default=7)
    parser.add_argument("--i-know-this-writes", action="store_true", required=True)
    args = parser.parse_args(argv)
    _setup_django()
    print(json.dumps(run(zip_cases=args.zip_cases, render_runs=args.render_runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
