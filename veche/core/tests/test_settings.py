"""Production settings refuse what is unsafe; the environment readers reject bad values."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from veche.settings import email_settings_from_url, env_bool, env_int

SAFE_PRODUCTION_ENV = {
    "VECHE_ENV": "production",
    "SECRET_KEY": "k3y-" + "".join(chr(ord("a") + i % 26) for i in range(60)),
    "ALLOWED_HOSTS": "veche.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587?tls=1",
    "DATABASE_URL": "postgres://veche@db.example.org/veche",
    "VECHE_SMS_BACKEND": "http",
    "VECHE_SMS_GATEWAY_URL": "https://sms.example.org/v1/messages",
    "VECHE_SMS_GATEWAY_TOKEN": "gateway-token",
}


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly this configuration."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "VECHE_ENV",
            "ALLOWED_HOSTS",
            "EMAIL_URL",
            "EMAIL_HOST",
            "DATABASE_URL",
            "VECHE_SMS_BACKEND",
            "VECHE_SMS_GATEWAY_URL",
            "VECHE_SMS_GATEWAY_TOKEN",
        }
    }
    code = "import veche.settings as s; print('DEBUG', s.DEBUG, 'SECURE', s.SESSION_COOKIE_SECURE)"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_load_when_configured_safely():
    result = load_settings(SAFE_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False SECURE True" in result.stdout


def test_production_refuses_debug():
    result = load_settings({**SAFE_PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off when VECHE_ENV=production" in result.stderr


def test_production_refuses_unset_secret_key():
    env = {key: value for key, value in SAFE_PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = load_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_short_secret_key():
    result = load_settings({**SAFE_PRODUCTION_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_missing_allowed_hosts():
    env = {key: value for key, value in SAFE_PRODUCTION_ENV.items() if key != "ALLOWED_HOSTS"}
    result = load_settings(env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_sms_codes_that_only_reach_the_log():
    result = load_settings({**SAFE_PRODUCTION_ENV, "VECHE_SMS_BACKEND": "console"})
    assert result.returncode != 0
    assert "VECHE_SMS_BACKEND must be http in production, not 'console'" in result.stderr


def test_production_refuses_an_sms_gateway_without_tls_or_token():
    plain = load_settings(
        {**SAFE_PRODUCTION_ENV, "VECHE_SMS_GATEWAY_URL": "http://sms.example.org"}
    )
    assert plain.returncode != 0
    assert "VECHE_SMS_GATEWAY_URL must be an https:// address in production" in plain.stderr
    env = {k: v for k, v in SAFE_PRODUCTION_ENV.items() if k != "VECHE_SMS_GATEWAY_TOKEN"}
    tokenless = load_settings(env)
    assert tokenless.returncode != 0
    assert "VECHE_SMS_GATEWAY_TOKEN must be set in production" in tokenless.stderr


def test_the_http_sms_backend_needs_a_gateway_address():
    result = load_settings({"VECHE_SMS_BACKEND": "http", "VECHE_SMS_GATEWAY_URL": "sms.local"})
    assert result.returncode != 0
    assert "VECHE_SMS_GATEWAY_URL must be the gateway's http(s):// address" in result.stderr


def test_unknown_environment_name_is_refused():
    result = load_settings({**SAFE_PRODUCTION_ENV, "VECHE_ENV": "prod"})
    assert result.returncode != 0
    assert "VECHE_ENV must be one of development, production" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    env = {"VECHE_VAR_DIR": str(tmp_path)}
    first = load_settings(env)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert load_settings(env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    clean = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env = {
        **clean,
        **SAFE_PRODUCTION_ENV,
        "VECHE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "veche", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_boolean_reader_rejects_unclear_values(monkeypatch, raw):
    monkeypatch.setenv("VECHE_SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="VECHE_SOME_FLAG must be true or false"):
        env_bool("VECHE_SOME_FLAG", False)


def test_integer_reader_rejects_words_and_negative_numbers(monkeypatch):
    monkeypatch.setenv("VECHE_SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("VECHE_SOME_NUMBER", 1)
    monkeypatch.setenv("VECHE_SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("VECHE_SOME_NUMBER", 1)


def test_email_url_gives_smtp_settings():
    config = email_settings_from_url("smtp://user%40x:p%2Fw@mail.example.org:587?tls=1")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "user@x"
    assert config["EMAIL_HOST_PASSWORD"] == "p/w"
    assert config["EMAIL_USE_TLS"] is True
    assert config["EMAIL_USE_SSL"] is False


def test_email_url_with_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        email_settings_from_url("pigeon://loft")


def test_a_template_folder_that_does_not_exist_is_refused(tmp_path):
    result = load_settings({"VECHE_TEMPLATE_DIRS": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert "VECHE_TEMPLATE_DIRS" in result.stderr


def test_a_municipality_s_template_folder_comes_before_the_built_in_templates(tmp_path):
    (tmp_path / "discussions" / "notices").mkdir(parents=True)
    (tmp_path / "discussions" / "notices" / "cancelled.txt").write_text("Своё оповещение.")
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'veche.settings'; "
        "django.setup(); from django.template.loader import render_to_string; "
        "print(render_to_string('discussions/notices/cancelled.txt', {}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**os.environ, "VECHE_TEMPLATE_DIRS": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Своё оповещение."
