"""`veche verify_audit`: check that no audit event was changed or removed."""

from django.core.management.base import BaseCommand, CommandError

from veche.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log."

    def handle(self, *args, **options):
        check = verify_chain()
        if not check.intact:
            raise CommandError(
                f"The audit log is broken at event #{check.broken_at}: it or an event before it "
                "was changed or removed."
            )
        self.stdout.write(self.style.SUCCESS(f"The audit log is intact: {check.events} events."))
