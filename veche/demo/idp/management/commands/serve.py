"""Start the demo identity provider: migrate, set up citizens and Veche's client, serve."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from veche.demo.idp.services import ensure_demo_citizens, ensure_veche_client


class Command(BaseCommand):
    help = "Migrate the demo IdP database, set up the demo citizens and Veche's client, then serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            default=os.environ.get("VECHE_DEMO_IDP_ADDRESS", "127.0.0.1:8001"),
            help="host:port to listen on (default: VECHE_DEMO_IDP_ADDRESS or 127.0.0.1:8001)",
        )

    def handle(self, *args, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        ensure_demo_citizens()
        ensure_veche_client()
        # runserver is threaded: Veche's server calls token and userinfo while the browser
        # loads pages. No reloader: the process the caller started is the one that serves.
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
