"""`make run` must show a busy coordination desk: the demo holds referrals and handoffs in every
state, made through the services (so the audit chain verifies)."""

import pytest
from django.core.management import call_command

from audit.selectors import audit_chain_breaks
from handoffs.models import Answer, Assignment, Dispute, HandoffForm, Referral

pytestmark = pytest.mark.django_db


def test_demo_has_every_state(settings, work_calendar):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)

    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert set(HandoffForm.objects.values_list("status", flat=True)) == set(
        HandoffForm.Status.values
    )
    assert set(Assignment.objects.values_list("status", flat=True)) >= {
        "assigned",
        "answered",
        "returned",
        "accepted",
    }
    assert set(Dispute.objects.values_list("status", flat=True)) == {"open", "ruled"}
    assert Answer.objects.exclude(attachment="").exists()
    assert Answer.objects.exclude(upheld_by=None).exists()
    assert list(audit_chain_breaks()) == []
