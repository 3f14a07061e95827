"""The floor of `make benchmark-surge`: the least a Django view can do on Veche's stack.

Settings, URLs and views in one module, loaded by gunicorn as DJANGO_SETTINGS_MODULE and
ROOT_URLCONF. It keeps Veche's database, cache, host and production switches (the same
PostgreSQL, Redis and gunicorn configuration) and drops everything else: no applications, no
middleware, no templates. Signing is `INSERT … ON CONFLICT DO NOTHING` of a signature and an
`UPDATE` of the counter in one transaction; the page is one SELECT. Veche's figures are divided
by these, measured in the same run.
"""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path

from veche.settings import (  # noqa: F401 (settings this module passes on)
    ALLOWED_HOSTS,
    CACHES,
    DATABASES,
    DEBUG,
    DEFAULT_AUTO_FIELD,
    SECRET_KEY,
    TIME_ZONE,
    USE_TZ,
)

INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = __name__
TEMPLATES: list[dict] = []
USE_I18N = False

TABLES = """
CREATE TABLE IF NOT EXISTS surge_floor_appeal (
    id bigint PRIMARY KEY, title text NOT NULL, signature_count integer NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS surge_floor_signature (
    id bigserial PRIMARY KEY,
    appeal_id bigint NOT NULL REFERENCES surge_floor_appeal (id),
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (appeal_id, user_id)
);
TRUNCATE surge_floor_signature;
INSERT INTO surge_floor_appeal (id, title) VALUES (1, 'Floor appeal')
    ON CONFLICT (id) DO UPDATE SET signature_count = 0;
"""


def _tagged(request, response):
    # wrk matches answers to requests by this header, which Veche's middleware echoes too.
    response["X-Request-ID"] = request.headers.get("X-Request-ID", "")
    return response


def sign(request):
    try:
        user = int(request.POST["user"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("user?")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surge_floor_signature (appeal_id, user_id) VALUES (1, %s) "
            "ON CONFLICT DO NOTHING RETURNING id",
            [user],
        )
        if cursor.fetchone() is None:
            return _tagged(request, HttpResponse("already signed", status=409))
        cursor.execute(
            "UPDATE surge_floor_appeal SET signature_count = signature_count + 1 WHERE id = 1 "
            "RETURNING signature_count"
        )
        (count,) = cursor.fetchone()
    return _tagged(request, HttpResponse(f'<p data-state="signed">{count}</p>'))


def page(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, signature_count FROM surge_floor_appeal WHERE id = 1")
        title, count = cursor.fetchone()
    return HttpResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{count}</p>")


urlpatterns = [path("floor/sign/", sign), path("floor/page/", page)]
