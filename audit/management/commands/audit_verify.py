from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.selectors import audit_chain_breaks


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 naming the first broken row."

    def handle(self, *args, **options):
        first = next(audit_chain_breaks(), None)
        if first is not None:
            raise CommandError(f"audit chain broken at event {first.event_id}: {first.reason}")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} events verified"))
