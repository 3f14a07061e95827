"""WSGI entry point for gunicorn: `gunicorn veche.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veche.settings")
application = get_wsgi_application()
