"""`veche demo`: load (or refresh) the demo city. Safe to run again: nothing is duplicated."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from veche.demo import loader
from veche.demo.api_clients import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_OPEN311_KEY,
    DEMO_WEBHOOK_SECRET,
    DEMO_WEBHOOK_URL,
)
from veche.opendata.dumps import dump_day


class Command(BaseCommand):
    help = "Load the demo city of Kazan with demo accounts for every role."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo city is not loaded in production.")
        with transaction.atomic():
            summary = loader.load_demo()
        # The open-data page has its first dump to offer (a run later the same day keeps it).
        dump = dump_day()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city loaded: {summary['territories']} territories, "
                f"{summary['organizations']} organizations, {summary['users']} accounts, "
                f"{summary['problems']} problems, {summary['discussions']} public discussions."
            )
        )
        self.stdout.write(
            f"Open data: the dump of {dump.day} is at {settings.SITE_URL}/open-data/."
        )
        self.stdout.write(
            f"Sign in with any demo account and the password {loader.DEMO_PASSWORD!r}."
        )
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(
            f"The API is at {site}/api/v1/ (reference: {site}/api/v1/docs/). The demo "
            "administration's document management system is an API client:\n"
            f"  curl -s -u {DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET} -d grant_type=client_credentials "
            f"{site}/api/v1/oauth/token/\n"
            f"  curl -s -H 'Authorization: Bearer TOKEN' '{site}/api/v1/inbox/?status=sent'\n"
            "More in the README's section 'Integration'."
        )
        self.stdout.write(
            f"The demo administration's webhook endpoint {DEMO_WEBHOOK_URL} hears of its appeals "
            f"and discussions, signed with the secret {DEMO_WEBHOOK_SECRET}. Listen there:\n"
            f"  python -m veche webhook_listen 8765 --secret {DEMO_WEBHOOK_SECRET}\n"
            "then register the appeal above through the API (or in the cabinet) and run the "
            "worker (`python -m veche db_worker`): the signed request arrives and is verified; "
            f"its delivery is in {site}/cabinet/webhooks/ (head@demo.veche.example)."
        )
        self.stdout.write(
            f"Open311 GeoReport v2 is at {site}/open311/v2/ (discovery.xml, services.json, "
            "requests.json). The demo resident (resident@demo.veche.example) gave an app the key "
            f"{DEMO_OPEN311_KEY}; an Open311 client files a problem in the resident's name:\n"
            f"  curl -s -d api_key={DEMO_OPEN311_KEY} -d jurisdiction_id=kazan-vakhitovsky "
            "-d service_code=roads -d lat=55.7887 -d long=49.1221 --data-urlencode "
            "'description=Яма на переходе у дома 5 по улице Баумана. Машины объезжают её по "
            f"встречной полосе, пешеходы обходят по проезжей части.' {site}/open311/v2/requests.json"
        )
