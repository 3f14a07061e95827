"""The benchmark's tools and services: wrk, its own PostgreSQL cluster or a given server, the
database, gunicorn."""

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from surge.base import BIN, CLUSTER, CLUSTER_PORT, DATABASE, ROOT, say

LOCK_FILE = "/run/lock/veche-benchmark-surge.lock"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (apt-get install wrk) or run as root.")
    say("Installing wrk (apt-get install wrk) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False).returncode:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
    return shutil.which("wrk") or sys.exit("wrk did not install.")


class OwnCluster:
    """A PostgreSQL cluster of the benchmark's own, made and dropped with Debian's tools."""

    def __init__(self):
        if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
            sys.exit(
                "An own PostgreSQL cluster needs root and Debian's postgresql-common "
                "(pg_createcluster); or pass --database-url (and --restart-command)."
            )
        versions = sorted(
            (p.name for p in Path("/usr/lib/postgresql").iterdir() if p.name.isdigit()), key=int
        )
        self.version = versions[-1]
        self.url = f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}/{DATABASE}"
        # Another run would drop this one's cluster as one left by an interrupted run: one at a
        # time, held until this process ends.
        self._lock = Path(LOCK_FILE).open("w")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit(f"Another benchmark-surge is running with its own cluster ({LOCK_FILE}).")

    def start(self) -> None:
        self.drop()  # one left by an interrupted run
        say(f"Creating PostgreSQL {self.version} cluster {CLUSTER} on port {CLUSTER_PORT} …")
        subprocess.run(
            [
                "pg_createcluster",
                self.version,
                CLUSTER,
                "--port",
                str(CLUSTER_PORT),
                "--start",
                "-o",
                "max_connections=200",
                "--",
                "--auth-host=trust",
                "--auth-local=trust",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        create_database(self.url)

    def restart(self) -> None:
        subprocess.run(
            ["pg_ctlcluster", self.version, CLUSTER, "restart", "-m", "fast"], check=True
        )

    def drop(self) -> None:
        listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        if any(line.split()[:2] == [self.version, CLUSTER] for line in listed.splitlines()):
            subprocess.run(["pg_dropcluster", self.version, CLUSTER, "--stop"], check=False)


class GivenServer:
    """The database `veche_surge_bench` on a PostgreSQL server named by --database-url."""

    def __init__(self, url: str, restart_command: str):
        parts = urlparse(url)
        self.url = urlunparse(parts._replace(path=f"/{DATABASE}"))
        self.restart_command = restart_command

    def start(self) -> None:
        create_database(self.url)

    def restart(self) -> None:
        subprocess.run(self.restart_command, shell=True, check=True)  # noqa: S602 (the operator's)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(maintenance_url(self.url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def maintenance_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def create_database(url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def wait_for_database(url: str, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with Veche's configuration (4 threaded workers), serving `settings`."""

    def __init__(self, env: dict, settings: str, workdir: Path, name: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"gunicorn-{name}.log"
        command = [
            str(BIN / "gunicorn"), "veche.wsgi", "-c", "python:veche.core.gunicorn_config",
            "--workers", "4", "--bind", f"127.0.0.1:{self.port}",
            "--pythonpath", str(ROOT / "scripts"),
        ]  # fmt: skip
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                env={**env, "DJANGO_SETTINGS_MODULE": settings},
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(self.base + path)[0] < 500:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.3)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fetch(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (a local http URL)
        url, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def cpu_seconds(server: "Gunicorn") -> float:
    """CPU time used so far by the app server's workers and by PostgreSQL's processes of the
    benchmark's own cluster (their titles name it): on a machine shared with other work, the
    CPU a request costs says more than how many requests an oversubscribed machine served."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    pids = set(server.workers())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            if int(entry.name) in pids or f"/{CLUSTER}".encode() in title:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks
