"""The demo identity provider (Demo-ESIA) as a pytest fixture: a real OIDC server in a subprocess.

Import the fixture into a test module that needs it:

    from tests.idp_fixture import demo_idp  # noqa: F401
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import free_port
from veche.demo.idp.citizens import citizen_records

REPO_DIR = Path(__file__).resolve().parent.parent
CLIENT_ID = "veche-demo"
CLIENT_SECRET = "veche-demo-test-secret"
# Generous: it answers as soon as it is up, and a loaded CI machine starts Django slowly.
STARTUP_TIMEOUT = 90.0


@dataclass(frozen=True)
class DemoIdp:
    issuer: str
    client_id: str
    client_secret: str
    # Each citizen's record from veche/demo/idp/citizens.py, with "email" and "password".
    citizens: list[dict] = field(repr=False)
    log_path: Path

    @property
    def base_url(self) -> str:
        """Where the provider's own pages live (sign-in), without the issuer's path."""
        scheme, _, rest = self.issuer.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def citizen(self, username: str) -> dict:
        return next(citizen for citizen in self.citizens if citizen["username"] == username)


def _wait_for_discovery(process: subprocess.Popen, issuer: str, log_path: Path) -> None:
    url = f"{issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our URL)
                if json.load(response).get("issuer") == issuer:
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    log = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"The demo identity provider did not answer at {url}.\n{log}")


@pytest.fixture(scope="session")
def demo_idp(tmp_path_factory):
    """Start Demo-ESIA on a free port with a fresh database and key; stop it after the session."""
    data_dir = tmp_path_factory.mktemp("demo-idp")
    address = f"127.0.0.1:{free_port()}"
    issuer = f"http://{address}/o"
    env = {
        **os.environ,
        "VECHE_DEMO_IDP_DIR": str(data_dir),
        "VECHE_DEMO_IDP_ADDRESS": address,
        "VECHE_DEMO_IDP_ISSUER": issuer,
        "VECHE_DEMO_IDP_CLIENT_SECRET": CLIENT_SECRET,
        # Veche's live test server listens on a random port.
        "VECHE_DEMO_IDP_ALLOW_ANY_LOCAL_PORT": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("VECHE_DEMO_IDP_REDIRECT_URIS", None)
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        # A file, not a pipe: nobody reads the output, and a full pipe would stall the server.
        process = subprocess.Popen(  # noqa: S603 (fixed command)
            [sys.executable, "-m", "veche.demo.idp", "serve", address],
            cwd=REPO_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_discovery(process, issuer, log_path)
        yield DemoIdp(
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            citizens=citizen_records(),
            log_path=log_path,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
