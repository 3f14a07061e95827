"""`veche demo_totp`: print the current one-time code of the demo staff accounts."""

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from veche.demo.city import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code shared by the demo staff accounts."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo codes do not exist in production.")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current)))
