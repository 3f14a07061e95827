"""List-valued settings with a closed set of values refuse a typo; proxies must be readable."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from veche.core.tests.test_settings import load_settings
from veche.discussions.models import Discussion
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
