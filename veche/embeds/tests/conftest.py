"""The widgets' cast: a territory with an organization answering there, a discussion taking
submissions, a problem; requests in English unless a test asks otherwise."""

import pytest

from tests.factories import (
    make_category,
    make_discussion,
    make_organization,
    make_problem,
    make_territory,
    make_user,
)
from veche.embeds.models import EmbedOrigin

PARTNER = "https://admin.example.ru"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def district(db):
    return make_territory("vakhitovsky", en="Vakhitovsky district", ru="Вахитовский район")


@pytest.fixture
def office(district):
    return make_organization("district-office", jurisdiction=[district])


@pytest.fixture
def discussion(district, office):
    return make_discussion(territory=district, organizer=office)


@pytest.fixture
def problem(district, office):
    make_category("roads")
    return make_problem(territory=district, organization=office)


@pytest.fixture
def partner(db):
    """One site an operator allowed."""
    return EmbedOrigin.objects.create(origin=PARTNER, reason="The district's site")


@pytest.fixture
def operator(db):
    from django.contrib.auth.models import Permission

    person = make_user(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_embedorigin"))
    return person
