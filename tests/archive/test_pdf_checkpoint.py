"""The day's audit checkpoint is printed in each archive PDF rendered that day (issue 14): a copy
of the chain's signed head the database owner cannot reach, which `audit_verify --checkpoint`
reads back."""

import re

import pytest
from django.core.management import call_command

from archive.pdf import render_record_pdf
from audit.services import audit_checkpoint_write
from tests.archive.factories import archived_case
from tests.archive.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_pdf_rendered_before_the_day_s_first_checkpoint_says_so(make_case):
    _case, record = archived_case(make_case)
    text = pdf_text(render_record_pdf(record)[0])
    assert "今日尚未写入" in text


def test_the_pdf_prints_the_day_s_checkpoint_and_it_verifies(make_case, capsys):
    _case, record = archived_case(make_case)
    checkpoint = audit_checkpoint_write()
    assert checkpoint is not None
    token = checkpoint.as_checkpoint().token
    printed = _squeezed(pdf_text(render_record_pdf(record)[0]))
    start = printed.index("fa-ckpt:v1:")
    copied = printed[start : start + len(token)]  # what an auditor copies off the paper
    assert copied == token
    call_command("audit_verify", "--checkpoint", copied)
    assert "intact" in capsys.readouterr().out.lower()
