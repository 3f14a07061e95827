"""`veche verify_audit`: check that no audit event was changed or removed, and that the chain
still leads to every head published on `/audit/`. Seals the pending events first."""

from django.core.management.base import BaseCommand, CommandError

from veche.core.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Seal the pending audit events, then verify the hash chain and the published heads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Only check: leave the pending events pending (for a read-only database user).",
        )

    def handle(self, *args, no_seal: bool, **options):
        if not no_seal:
            seal_pending()
        check = verify_chain()
        if check.broken_at is not None:
            raise CommandError(
                f"The audit log is broken at event #{check.broken_at}: it or an event before it "
                "was changed or removed."
            )
        if check.head_lost is not None:
            raise CommandError(
                f"The audit log no longer leads to the head published on {check.head_lost}: "
                "its history was rewritten."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit log is intact: {check.events} events, {check.pending} pending seal."
            )
        )
