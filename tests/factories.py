"""Test data builders shared by every app's tests (one cast, healthchecks' `hc/test.py` way)."""

import itertools

from veche.accounts.models import User
from veche.accounts.services import ensure_account
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

_sequence = itertools.count(1)

PASSWORD = "correct-horse-battery-9"


def make_territory(
    code: str | None = None,
    *,
    parent: Territory | None = None,
    kind: str = Territory.Kind.DISTRICT,
    ru: str | None = None,
    en: str | None = None,
) -> Territory:
    number = next(_sequence)
    code = code or f"territory-{number}"
    return Territory.objects.create(
        code=code,
        parent=parent,
        kind=kind,
        name={"ru": ru or f"Территория {number}", "en": en or f"Territory {number}"},
    )


def make_organization(
    slug: str | None = None,
    *,
    parent: Organization | None = None,
    jurisdiction: list[Territory] = (),
    kind: str = Organization.Kind.AUTHORITY,
    ru: str | None = None,
    en: str | None = None,
) -> Organization:
    number = next(_sequence)
    organization = Organization.objects.create(
        slug=slug or f"organization-{number}",
        parent=parent,
        kind=kind,
        name={"ru": ru or f"Организация {number}", "en": en or f"Organization {number}"},
        dispatch_email=f"org{number}@example.org",
        postal_address=f"ул. Тестовая, {number}",
    )
    organization.jurisdiction.set(jurisdiction)
    return organization


def make_user(email: str | None = None, *, password: str = PASSWORD, **fields) -> User:
    user, _ = ensure_account(
        email=email or f"person{next(_sequence)}@example.org", password=password, **fields
    )
    return user


def make_staff(organization: Organization, role: str = Membership.Role.OFFICIAL, **fields) -> User:
    user = make_user(**fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user
