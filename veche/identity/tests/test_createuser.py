"""`veche createuser` makes accounts with a verification and roles, and refuses bad input."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_organization, make_territory
from veche.accounts.models import User
from veche.identity.eligibility import person_facts
from veche.identity.models import Level

pytestmark = pytest.mark.django_db


def test_creates_a_verified_resident_with_birth_date_and_district():
    make_territory("kazan-sovetsky")
    call_command(
        "createuser",
        "p1@example.org",
        "--password",
        "pass-word-123",
        "--level",
        "provider",
        "--birthdate",
        "2010-06-15",
        "--territory",
        "kazan-sovetsky",
        "--name",
        "Галиева Диляра Ильдаровна",
    )
    user = User.objects.get(email="p1@example.org")
    facts = person_facts(user)
    assert facts.level == Level.PROVIDER
    assert facts.birthdate == datetime.date(2010, 6, 15)
    assert facts.residence_path.endswith("/kazan-sovetsky/")
    assert (user.last_name, user.first_name, user.patronymic) == ("Галиева", "Диляра", "Ильдаровна")
    assert user.check_password("pass-word-123")


def test_gives_roles_and_can_run_twice():
    office = make_organization("kazan-admin-sovetsky")
    for _ in range(2):
        call_command(
            "createuser",
            "off@example.org",
            "--role",
            "kazan-admin-sovetsky:official",
            "--role",
            "kazan-admin-sovetsky:head",
        )
    user = User.objects.get(email="off@example.org")
    assert set(user.memberships.values_list("role", flat=True)) == {"official", "head"}
    assert user.memberships.get(role="head").organization == office


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--territory", "atlantis", "--level", "census"], "No territory"),
        (["--role", "nowhere:official"], "No organization"),
        (["--role", "x:tsar"], "Role must be one of"),
        (["--birthdate", "2000-01-01"], "needs --level"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "bad@example.org", *arguments)
    assert not User.objects.filter(email="bad@example.org").exists()
