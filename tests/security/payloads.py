"""Stored-XSS payloads put into every free-text field by the attack tests."""

from __future__ import annotations

from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Department, User
from cases import services
from cases.models import Case, Category
from tests.factories import case_kwargs

SCRIPT = "<script>alert('xss-script')</script>"
IMG = "\"><img src=x onerror=alert('xss-img')>"
JS_LINK = "javascript:alert('xss-link')"
SVG = "<svg/onload=alert('xss-svg')>"
ATTR = "' autofocus onfocus=alert('xss-attr') x='"

PAYLOADS = (SCRIPT, IMG, JS_LINK, SVG, ATTR)
ALL = " ".join(PAYLOADS)
# Raw forms that must never appear in a page (escaped text is fine).
LIVE_MARKUP = ("<script>alert", "<img src=x", "<svg/onload", 'href="javascript:')


class _Inspector(HTMLParser):
    """Collects markup that would run script or break our CSP rule (no inline script/style)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...> (inline style)")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script" and not values.get("src"):
            self.problems.append("inline <script>")
        classes = (values.get("class") or "").split()
        if tag == "svg" and not {"segno", "firstask-icon"} & set(classes):
            self.problems.append("<svg> that is not our QR code")
        if tag == "img" and values.get("src") == "x":
            self.problems.append("<img src=x>")


def markup_problems(body: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(body)
    inspector.close()
    problems = [marker for marker in LIVE_MARKUP if marker in body]
    return problems + inspector.problems


def hostile_world(*, category: Category, department: Department, owner: User) -> Case:
    """A department, a category, an owner and a case whose every text field is hostile."""
    Department.objects.filter(pk=department.pk).update(
        name=f"部{SVG}"[:60],
        responsibilities=ALL,
        contact_person=IMG[:40],
        location=SCRIPT,
        phone=SVG[:30],
    )
    Category.objects.filter(pk=category.pk).update(name=f"类{SCRIPT}"[:60])
    User.objects.filter(pk=owner.pk).update(name=IMG[:40], work_phone=ATTR[:30])
    owner.refresh_from_db()
    owner.groups.add(Group.objects.get_or_create(name="staff")[0])
    department.refresh_from_db()
    category.refresh_from_db()
    case = services.case_register(
        owner,
        **case_kwargs(
            category=category,
            visitor_name=SVG[:40],
            subject=f"{SCRIPT}{IMG}"[:120],
            question=ALL,
            outcome="referral",
            department=department,
        ),
    )
    with transaction.atomic():
        services.case_extend_deadline(
            owner,
            case=case,
            new_deadline=case_kwargs(category=category)["deadline"].replace(year=2027),
            reason=ALL,
            visitor_informed=IMG,
            version=case.version,
        )
    on_the_spot = services.case_register(
        owner,
        **case_kwargs(
            category=category,
            phone="13700000000",
            visitor_name=IMG[:40],
            subject=JS_LINK,
            question=SVG,
            outcome="on_the_spot",
            answer=ALL,
            confirmation_note=ATTR,
        ),
    )
    assert on_the_spot.status == Case.Status.CLOSED
    return Case.objects.get(pk=case.pk)
