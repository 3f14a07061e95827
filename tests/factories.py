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


def make_resident(
    territory: Territory, *, level: int | None = None, birthdate=None, **fields
) -> User:
    """A person verified (by default through the census) as living in `territory`."""
    import datetime

    from veche.identity.models import Level, Verification
    from veche.identity.services import record_verification

    user = make_user(**{"last_name": "Жителев", "first_name": "Иван", **fields})
    record_verification(
        user=user,
        level=level or Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="tests",
        claims={"family_name": user.last_name},
        birthdate=birthdate or datetime.date(1980, 1, 1),
        territory=territory,
    )
    return user


def make_category(slug: str = "roads"):
    from veche.appeals.models import Category

    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name": {"ru": slug.capitalize(), "en": slug.capitalize()}}
    )
    return category


APPEAL_TEXT = (
    "Просим отремонтировать дорожное покрытие во дворе дома: ямы глубиной до 20 сантиметров "
    "мешают проезду машин скорой помощи и опасны для детей."
)


def make_problem(
    *,
    author=None,
    organization=None,
    territory=None,
    threshold: int | None = None,
    title: str = "Ямы во дворе дома 5 по улице Пушкина",
    text: str = APPEAL_TEXT,
    description: str = "Проблема появилась весной и с каждым днём всё хуже.",
):
    """A published problem with its appeal collecting signatures (through the service)."""
    from veche.appeals.models import AppealPolicy
    from veche.appeals.services import publish_problem

    territory = territory or make_territory()
    organization = organization or make_organization(jurisdiction=[territory])
    if threshold is not None:
        AppealPolicy.objects.update_or_create(
            organization=organization, defaults={"signature_threshold": threshold}
        )
    author = author or make_resident(territory)
    return publish_problem(
        author=author,
        title=title,
        description=description,
        category=make_category(),
        territory=territory,
        organization=organization,
        appeal_text=text,
    )
