"""The README's nginx location, run: Debian's nginx in front of Veche with
VECHE_MEDIA_ACCEL_REDIRECT, so that what reaches the browser is checked, not only what Django
answers. `make test` installs nginx-light from Debian when it is missing."""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import make_discussion
from tests.servers import free_port
from veche.discussions.models import MaterialVersion

README = Path(django_settings.BASE_DIR) / "README.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.django_db(transaction=True)


def documented_location(media_root: Path) -> str:
    """The README's `location /protected-media/ { … }`, with its alias pointed at our media."""
    [location] = re.findall(
        r"location /protected-media/ \{.*?\n\s*\}", README.read_text(encoding="utf-8"), flags=re.S
    )
    return re.sub(r"alias \S+;", f"alias {media_root}/;", location)


@pytest.fixture
def nginx(live_server, settings, tmp_path):
    media = settings.MEDIA_ROOT
    media.mkdir()
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    port = free_port()
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    config = prefix / "nginx.conf"
    config.write_text(
        # As root, nginx's workers would run as "nobody" and could not read pytest's own folders.
        ("user root;" if os.geteuid() == 0 else "")
        + f"""
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {live_server.url};
            proxy_set_header Host $http_host;
        }}
        {documented_location(media)}
    }}
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603 (a fixed command)
        [NGINX, "-p", str(prefix), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)  # noqa: S310 (a local http URL)
    except urllib.error.HTTPError as error:
        return error


def test_a_material_reaches_the_browser_from_nginx_sandboxed_and_unsniffed(nginx):
    version = MaterialVersion.objects.get(material__discussion=make_discussion())
    response = fetch(nginx + version.get_absolute_url())
    assert response.status == 200
    body = response.read()
    assert body.startswith(b"%PDF")  # nginx sent the file itself …
    assert body == version.file.read()
    headers = response.headers
    assert "X-Accel-Redirect" not in headers  # … after Django's access check
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_protected_location_cannot_be_asked_for_directly(nginx):
    version = MaterialVersion.objects.get(material__discussion=make_discussion())
    response = fetch(f"{nginx}/protected-media/{version.file.name}")
    assert response.status == 404
