"""The health check, and the security headers every page carries."""

import re

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthz_reports_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_fails(client, monkeypatch):
    def unreachable():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, settings):
    settings.VECHE_MAP_TILE_URL = ""  # map tiles, the one foreign source, are tested on their own
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # nothing from another origin


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/territories/",
        "/organizations/",
        "/about/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/signup/",
    ],
)
def test_pages_have_no_inline_scripts_or_foreign_assets(client, path):
    html = client.get(path).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the layout loads its scripts"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), f"inline script on {path}"
    assert "style=" not in html
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        assert url.startswith("http://testserver"), f"{path} loads {url}"


@pytest.mark.django_db
def test_request_id_is_echoed_and_sanitised(client):
    assert client.get("/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    forged = client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
