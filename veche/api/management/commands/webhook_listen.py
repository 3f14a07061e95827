"""`veche webhook_listen PORT --secret whsec_…`: a receiver on this machine that prints each
webhook request and whether its signature verifies (for the demo and for trying an integration)."""

import contextlib
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core.management.base import BaseCommand

from veche.api.webhooks import verify


class Command(BaseCommand):
    help = "Receive webhooks on 127.0.0.1:PORT and check their signatures."

    def add_arguments(self, parser):
        parser.add_argument("port", type=int)
        parser.add_argument("--secret", required=True)

    def handle(self, *args, port: int, secret: str, **options):
        write = self.stdout.write

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                valid = verify(secret, headers, body)
                write(f"{headers.get('webhook-id')} signature {'valid' if valid else 'INVALID'}")
                write(body.decode(errors="replace"))
                self.send_response(204 if valid else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        write(f"Listening on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        with (
            HTTPServer(("127.0.0.1", port), Handler) as server,
            contextlib.suppress(KeyboardInterrupt),
        ):
            server.serve_forever()
