"""Loads the demo city into the database; every step is an upsert keyed by a stable code."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from veche.accounts.services import ensure_account
from veche.demo.city import (
    DEMO_IDP,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    ORGANIZATIONS,
    TERRITORIES,
    TERRITORY_CODES,
    USERS,
)
from veche.demo.geography import DISTRICT_OUTLINES, KAZAN_OUTLINE
from veche.identity.models import IdentityProvider
from veche.identity.services import save_identity_provider
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

__all__ = ["DEMO_PASSWORD", "load_demo", "load_people_and_places"]


def load_demo() -> dict[str, int]:
    territories, organizations, users = load_people_and_places()
    from veche.accounts.models import User
    from veche.demo.appeals import load_appeals

    problems = load_appeals(
        territories, organizations, author=User.objects.get(email="resident@demo.veche.example")
    )
    from veche.demo.discussions import load_discussions

    people = {
        user.email: user for user in User.objects.filter(email__endswith="@demo.veche.example")
    }
    discussions = load_discussions(territories, organizations, people)
    from veche.demo.league import load_histories
    from veche.demo.operators import load_operator

    load_operator()
    problems += load_histories(territories, organizations)
    from veche.demo.take_ups import load_take_ups

    load_take_ups(organizations, people)
    from veche.demo.cabinets import load_cabinets

    applications = load_cabinets(territories, organizations, people)
    from veche.demo.fraud import load_fraud

    load_fraud(territories)
    from veche.demo.moderation import load_moderation

    reports = load_moderation(people)
    from veche.demo.api_clients import load_api_client

    load_api_client(territories, organizations)
    return {
        "territories": len(territories),
        "organizations": len(organizations),
        "users": users,
        "problems": problems,
        "discussions": discussions,
        "applications for a cabinet": applications,
        "reports to moderators": reports,
    }


def load_people_and_places() -> tuple[dict[str, Territory], dict[str, Organization], int]:
    """The first part of the demo, which the rest builds on: Kazan's territories, its
    organizations, the demo's people and the identity provider Demo-ESIA (what signing in with
    it needs, and no problem, discussion or history)."""
    territories = _load_territories()
    organizations = _load_organizations(territories)
    users = _load_users(organizations)
    _load_identity_provider(territories["kazan"])
    return territories, organizations, users


def _load_territories() -> dict[str, Territory]:
    loaded: dict[str, Territory] = {}
    for code, parent_code, kind, name_ru, name_en, population in TERRITORIES:
        territory, _ = Territory.objects.update_or_create(
            code=code,
            defaults={
                "parent": loaded.get(parent_code),
                "kind": kind,
                "name": {"ru": name_ru, "en": name_en},
                "population": population,
                **TERRITORY_CODES.get(code, {}),
                "boundary": KAZAN_OUTLINE if code == "kazan" else DISTRICT_OUTLINES.get(code),
            },
        )
        loaded[code] = territory
    return loaded


def _load_organizations(territories: dict[str, Territory]) -> dict[str, Organization]:
    loaded: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"slug", "parent", "jurisdiction"}
        }
        heading = {"ru": spec["name"]["ru"], "en": spec["name"]["en"]}
        fields.setdefault("letterhead_heading", heading)
        fields.setdefault(
            "letterhead_footer", {"ru": spec["postal_address"], "en": spec["postal_address"]}
        )
        organization, _ = Organization.objects.update_or_create(
            slug=spec["slug"], defaults={**fields, "parent": loaded.get(spec["parent"])}
        )
        organization.jurisdiction.set([territories[code] for code in spec["jurisdiction"]])
        loaded[spec["slug"]] = organization
    return loaded


def _load_users(organizations: dict[str, Organization]) -> int:
    for email, last, first, patronymic, publication, superuser, roles in USERS:
        user, _ = ensure_account(
            email=email,
            password=DEMO_PASSWORD,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            name_publication=publication,
            is_staff=superuser,
            is_superuser=superuser,
            processing_consent=True,  # demo people signed up through the form, which asks it
        )
        for slug, role, position in roles:
            Membership.objects.update_or_create(
                user=user,
                organization=organizations[slug],
                role=role,
                defaults={"position": position},
            )
        if (superuser or roles) and not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
    return len(USERS)


def _load_identity_provider(kazan: Territory) -> None:
    """The demo stand-in for the national identity system (`python -m veche.demo.idp serve`)."""
    provider = IdentityProvider.objects.filter(slug=DEMO_IDP["slug"]).first() or IdentityProvider()
    for field, value in DEMO_IDP.items():
        setattr(provider, field, value)
    provider.home_territory = kazan
    provider.is_demo = True
    save_identity_provider(provider=provider)
