"""A person's staff roles are read from the shared cache on every request but the first, and
a role given or taken away counts from the next request on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_organization, make_user
from veche.accounts.models import User
from veche.organizations.models import Membership
from veche.organizations.rules import holds_role

pytestmark = pytest.mark.django_db


def as_on_a_new_request(user) -> User:
    return User.objects.get(pk=user.pk)


def test_the_roles_of_a_new_request_come_from_the_cache():
    organization = make_organization()
    person = make_user()
    Membership.objects.create(user=person, organization=organization, role="official")
    assert holds_role(as_on_a_new_request(person), organization, roles="official")
    later = as_on_a_new_request(person)
    with CaptureQueriesContext(connection) as captured:
        assert holds_role(later, organization, roles="official")
    assert len(captured) == 0


def test_a_role_given_counts_from_the_next_request():
    organization = make_organization()
    person = make_user()
    assert not holds_role(as_on_a_new_request(person), roles="head")
    Membership.objects.create(user=person, organization=organization, role="head")
    assert holds_role(as_on_a_new_request(person), organization, roles="head")


def test_a_role_taken_away_counts_from_the_next_request():
    organization = make_organization()
    person = make_user()
    Membership.objects.create(user=person, organization=organization, role="official")
    assert holds_role(as_on_a_new_request(person), roles="official")
    Membership.objects.filter(user=person).delete()  # as a queryset: no model delete() runs
    assert not holds_role(as_on_a_new_request(person), roles="official")


def test_the_roles_of_one_person_are_not_another_persons():
    organization = make_organization()
    official, resident = make_user(), make_user()
    Membership.objects.create(user=official, organization=organization, role="official")
    assert holds_role(as_on_a_new_request(official), roles="official")
    assert not holds_role(as_on_a_new_request(resident), roles="official")


def test_a_resident_with_no_role_costs_no_query_even_on_a_first_request():
    """A surge's signers are new people: none is asked about from the database, while the set
    of members is in the shared cache."""
    Membership.objects.create(user=make_user(), organization=make_organization(), role="official")
    assert not holds_role(as_on_a_new_request(make_user()), roles="official")  # fills the set
    newcomers = [as_on_a_new_request(make_user()) for _ in range(3)]
    with CaptureQueriesContext(connection) as captured:
        assert not any(holds_role(person, roles="official") for person in newcomers)
    assert len(captured) == 0


def test_a_first_role_of_a_resident_counts_from_the_next_request():
    resident = make_user()
    assert not holds_role(as_on_a_new_request(resident), roles="head")  # not a member
    organization = make_organization()
    Membership.objects.create(user=resident, organization=organization, role="head")
    assert holds_role(as_on_a_new_request(resident), organization, roles="head")
    Membership.objects.filter(user=resident).delete()
    assert not holds_role(as_on_a_new_request(resident), roles="head")
