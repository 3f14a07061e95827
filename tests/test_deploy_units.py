"""The systemd units in deploy/systemd, which the README's "Running on more than one machine"
installs, run commands Veche has with options those commands take; every background command
has its unit; the example environment file loads as production settings."""

import importlib
import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from gunicorn.config import Config

from veche.core.tests.test_settings import load_settings

UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"
README = Path(settings.BASE_DIR) / "README.md"
FINISHED = {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}
SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))
BIN = "/srv/veche/.venv/bin/"
# What a machine of Veche runs besides its app servers (README, "Running in production").
BACKGROUND = {
    "db_worker",
    "seal_audit",
    "outbox_sweep",
    "discussion_tick",
    "fraud_watch",
    "notify_daily",
    "open_data_dump",
    "prune_db_task_results",
    "cleartokens",
    "clearsessions",
}


def unit(path: Path) -> dict[str, dict[str, str]]:
    """A unit file's sections and settings (each key once in Veche's units)."""
    sections: dict[str, dict[str, str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            assert key not in section, f"{path.name}: {key} twice"
            section[key] = value
    return sections


def command_of(path: Path) -> list[str]:
    """ExecStart as the program sees it, systemd's specifiers (%i, %H) filled in."""
    line = unit(path)["Service"]["ExecStart"].replace("%H", "web1").replace("%i", "1")
    return shlex.split(line)


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.name)
def test_every_unit_runs_a_command_veche_has_with_options_it_takes(path):
    program, *arguments = command_of(path)
    assert program.startswith(BIN), program
    if program == BIN + "gunicorn":
        assert "veche.wsgi" in arguments
        options = Config().parser().parse_args(arguments)  # SystemExit on an unknown option
        if options.config:  # python:module — a module Veche has, which gunicorn can load
            assert importlib.import_module(options.config.removeprefix("python:"))
        return
    assert program == BIN + "veche"
    name, *options = arguments
    commands = get_commands()
    assert name in commands, f"{path.name}: veche has no command {name!r}"
    load_command_class(commands[name], name).create_parser("veche", name).parse_args(options)


def test_every_background_command_and_the_app_server_have_a_unit():
    programs = {tuple(command_of(path)[:2]) for path in SERVICES}
    assert {(BIN + "veche", command) for command in BACKGROUND} <= programs
    assert (BIN + "gunicorn", "veche.wsgi") in programs


@pytest.mark.parametrize("path", TIMERS, ids=lambda path: path.name)
def test_every_timer_starts_a_one_shot_service(path):
    service = path.with_suffix(".service")
    assert service.exists()
    assert unit(service)["Service"]["Type"] == "oneshot"
    assert "Install" not in unit(service)  # the timer starts it, not the boot


def test_every_unit_reads_the_one_environment_file():
    files = {unit(path)["Service"]["EnvironmentFile"] for path in SERVICES}
    assert files == {"/etc/veche/veche.env"}


def test_the_example_environment_file_loads_as_production_settings():
    env = {}
    for line in (UNITS / "veche.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value.strip('"')
    assert env["VECHE_ENV"] == "production"
    result = load_settings(env)
    assert result.returncode == 0, result.stderr


def test_the_readme_names_every_unit():
    [section] = re.findall(
        r"^## Running on more than one machine\n(.*?)^## ", README.read_text(), flags=re.S | re.M
    )
    for path in [*SERVICES, *TIMERS, UNITS / "veche.target", UNITS / "veche.env.example"]:
        assert path.name in section, path.name


def test_the_nightly_pruning_removes_old_finished_tasks_and_nothing_else(db):
    """The pruning unit's own command line, run on Veche's task table: finished tasks older than
    its ages go; recent ones, failed ones younger than theirs, and waiting or running ones of
    any age (a killed worker's) stay."""
    _, name, *options = command_of(UNITS / "veche-prune-tasks.service")
    now = timezone.now()

    def task(status, days):
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="veche.core.outbox.sweep_outbox",
            backend_name="default",
            run_after=now - timedelta(days=days),
            finished_at=now - timedelta(days=days) if status in FINISHED else None,
        )

    gone = [task(TaskResultStatus.SUCCESSFUL, 15), task(TaskResultStatus.FAILED, 91)]
    kept = [
        task(TaskResultStatus.SUCCESSFUL, 13),
        task(TaskResultStatus.FAILED, 30),
        task(TaskResultStatus.READY, 400),
        task(TaskResultStatus.RUNNING, 400),
    ]
    call_command(name, *options, verbosity=0)
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {each.pk for each in kept}
    assert not left & {each.pk for each in gone}


def test_the_nightly_token_removal_removes_expired_api_tokens_only(db):
    """The unit's own command line, on the API's tokens: those past their expiry go, a token a
    client holds now stays."""
    from oauth2_provider.models import AccessToken

    from tests.factories import make_organization
    from veche.api.tests.conftest import issue

    _, name, *options = command_of(UNITS / "veche-clear-tokens.service")
    client, _secret = issue(make_organization("district-office"))
    now = timezone.now()

    def token(expires):
        return AccessToken.objects.create(
            application=client.application,
            token=f"token-{expires.timestamp()}",
            expires=expires,
            scope="inbox:read",
        )

    expired = token(now - timedelta(hours=2))
    valid = token(now + timedelta(minutes=30))
    call_command(name, *options, verbosity=0)
    left = set(AccessToken.objects.values_list("pk", flat=True))
    assert left == {valid.pk}
    assert expired.pk not in left


def test_the_nightly_session_removal_removes_expired_sessions_only(db):
    """The unit's own command line, on the session table: expired sessions go, live ones stay."""
    from django.contrib.sessions.models import Session

    _, name, *options = command_of(UNITS / "veche-clear-sessions.service")
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + timedelta(1))
    call_command(name, *options, verbosity=0)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
