from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import BadToken, checkpoint_parse, checkpoint_signature_valid
from audit.models import AuditEvent
from audit.selectors import audit_chain_breaks, audit_checkpoints_stored


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and its signed checkpoints; exit 1 naming every "
        "removed, rewritten or cut-off row."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="TOKEN",
            help="verify against this checkpoint (fa-ckpt:v1:…, e.g. pasted from an old e-mail) "
            "instead of the ones stored in the database",
        )

    def handle(self, *args, checkpoint=None, **options):
        problems: list[str] = []
        if checkpoint:
            try:
                pasted = checkpoint_parse(checkpoint)
            except BadToken as error:
                raise CommandError(str(error)) from error
            if not checkpoint_signature_valid(pasted):
                raise CommandError(
                    "checkpoint signature does not verify: the token was altered, or it was "
                    "signed with another AUDIT_CHECKPOINT_KEY"
                )
            checkpoints = [pasted]
        else:
            checkpoints, forged = audit_checkpoints_stored()
            problems += [
                f"stored checkpoint {pk}: signature does not verify (altered or forged)"
                for pk in forged
            ]
        breaks = list(audit_chain_breaks(checkpoints=checkpoints))
        for cp in checkpoints:
            if all(b.checkpoint != cp and b.event_id > cp.last_event_id for b in breaks):
                self.stdout.write(f"{cp.describe()}: verified, every event up to it intact")
        problems += [b.reason for b in breaks]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"audit chain broken: {problems[0]}"
                + (f" (and {len(problems) - 1} more findings above)" if len(problems) > 1 else "")
            )
        count = AuditEvent.objects.count()
        newest = f", newest {checkpoints[-1].describe()}" if checkpoints else ", no checkpoint yet"
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact: {count} events verified{newest}")
        )
