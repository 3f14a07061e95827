"""Settings with a closed set of values refuse a typo: the environment's when the settings load,
any value (one set in code too) in the system checks, which name the setting and its choices.
Proxies must be readable."""

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from veche.core.tests.test_settings import load_settings
from veche.discussions.models import Discussion
from veche.identity import sms
from veche.organizations.models import Membership
from veche.settings import env_list, env_proxies


def test_a_list_item_outside_the_choices_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("VECHE_SOME_LIST", "head, oficial")
    with pytest.raises(ImproperlyConfigured, match=r"VECHE_SOME_LIST .*unknown: oficial"):
        env_list("VECHE_SOME_LIST", [], choices=("head", "official"))


def test_a_list_within_the_choices_is_read(monkeypatch):
    monkeypatch.setenv("VECHE_SOME_LIST", "head, official,")
    assert env_list("VECHE_SOME_LIST", [], choices=("head", "official")) == ["head", "official"]


def test_a_misspelt_role_stops_the_process():
    result = load_settings({"VECHE_MFA_REQUIRED_ROLES": "head,oficial"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: VECHE_MFA_REQUIRED_ROLES" in result.stderr
    assert "unknown: oficial" in result.stderr


def test_a_misspelt_discussion_subject_stops_the_process():
    result = load_settings({"VECHE_DISCUSSION_LIMITED_SUBJECTS": "general_plan,genplan"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: VECHE_DISCUSSION_LIMITED_SUBJECTS" in result.stderr


def test_the_settings_choices_are_the_models_choices():
    assert set(settings.STAFF_ROLES) == set(Membership.Role.values)
    assert set(settings.DISCUSSION_SUBJECTS) == set(Discussion.Subject.values)


def test_trusted_proxies_are_a_count_or_addresses(monkeypatch):
    monkeypatch.setenv("VECHE_TRUSTED_PROXIES", "2")
    assert env_proxies("VECHE_TRUSTED_PROXIES") == 2
    monkeypatch.setenv("VECHE_TRUSTED_PROXIES", "10.0.0.5, fd00::/8")
    assert env_proxies("VECHE_TRUSTED_PROXIES") == ["10.0.0.5/32", "fd00::/8"]
    monkeypatch.setenv("VECHE_TRUSTED_PROXIES", "nginx")
    with pytest.raises(ImproperlyConfigured, match="VECHE_TRUSTED_PROXIES must be a number"):
        env_proxies("VECHE_TRUSTED_PROXIES")


# --- System checks ----------------------------------------------------------------------------

LEVELS = ["email", "phone", "census", "provider"]
# setting, a wrong value, the unknown part of it, the check's id, the choices it must name.
WRONG = [
    (
        "VECHE_MFA_REQUIRED_ROLES",
        ["head", "oficial"],
        "'oficial'",
        "accounts.E001",
        Membership.Role.values,
    ),
    (
        "VECHE_DISCUSSION_LIMITED_SUBJECTS",
        ("general_plan", "genplan"),
        "'genplan'",
        "discussions.E001",
        Discussion.Subject.values,
    ),
    ("VECHE_SIGN_MIN_LEVEL", "pasport", "'pasport'", "identity.E001", LEVELS),
    ("VECHE_DISCUSSION_MIN_LEVEL", "none", "'none'", "identity.E002", LEVELS),
    ("VECHE_SMS_BACKEND", "smpp", "'smpp'", "identity.E003", list(sms.BACKENDS)),
]
IDS = [case[3] for case in WRONG]


def reported(*ids: str) -> list[checks.CheckMessage]:
    return [message for message in checks.run_checks() if message.id in ids]


@pytest.mark.parametrize(("name", "value", "unknown", "id", "choices"), WRONG, ids=IDS)
def test_a_value_outside_the_choices_is_reported_naming_the_setting_and_its_choices(
    settings, name, value, unknown, id, choices
):
    setattr(settings, name, value)
    [error] = reported(id)
    assert error.level == checks.ERROR
    assert error.msg == f"{name} holds an unknown value: {unknown}."
    assert error.hint.startswith(f"{name} may hold only: ")
    assert set(error.hint.removeprefix(f"{name} may hold only: ").rstrip(".").split(", ")) == set(
        choices
    )


def test_every_unknown_value_of_a_list_is_named(settings):
    settings.VECHE_MFA_REQUIRED_ROLES = ["head", "oficial", "heda"]
    [error] = reported("accounts.E001")
    assert error.msg == "VECHE_MFA_REQUIRED_ROLES holds unknown values: 'oficial', 'heda'."


def test_the_default_settings_pass_every_check():
    assert reported(*IDS) == []


def test_the_level_choices_are_the_levels_a_rule_can_ask_for():
    from veche.discussions.services import LEVELS as DISCUSSION_LEVELS
    from veche.identity.checks import LEVEL_NAMES

    assert LEVEL_NAMES == LEVELS == list(DISCUSSION_LEVELS)


def test_a_site_language_outside_the_languages_is_reported(settings):
    # Django's own check covers LANGUAGE_CODE, the one language setting read from the
    # environment without a reader that knows its choices.
    settings.LANGUAGE_CODE = "de"
    [error] = reported("translation.E004")
    assert "LANGUAGE_CODE" in error.msg
