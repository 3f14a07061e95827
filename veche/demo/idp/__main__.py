"""Run a management command of the demo identity provider, always with its own settings.

    python -m veche.demo.idp serve                  # migrate, set up, serve on 127.0.0.1:8001
    python -m veche.demo.idp serve 127.0.0.1:9001   # another address
    python -m veche.demo.idp shell                  # any other Django command

Environment: VECHE_DEMO_IDP_DIR (data: database, keys; default var/demo-idp/),
VECHE_DEMO_IDP_ADDRESS, VECHE_DEMO_IDP_ISSUER (default http://<address>/o),
VECHE_DEMO_IDP_CLIENT_SECRET, VECHE_DEMO_IDP_REDIRECT_URIS (space-separated),
VECHE_DEMO_IDP_ALLOW_ANY_LOCAL_PORT, VECHE_DEMO_IDP_DEBUG.
"""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    # Forced, not defaulted: a shell that exported veche.settings must not make this process
    # serve Veche's database.
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.demo.idp.settings"
    execute_from_command_line(["python -m veche.demo.idp", *sys.argv[1:]])


if __name__ == "__main__":
    main()
