"""The people around an organizer's discussion, for the organizer's page tests: its organizer,
an official of the same authority, an expert, a resident, a stranger, an organizer elsewhere,
and a representative of a legal entity, who may apply for a discussion."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_organization, make_resident, make_staff, make_user, tiny_pdf
from veche.discussions import services
from veche.discussions.models import Application
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification
from veche.organizations.models import Membership

_sequence = itertools.count(1)


def make_legal_entity_representative(**fields):
    """A person whose identity provider vouched that they represent a legal entity."""
    number = next(_sequence)
    user = make_user(last_name="Застройщиков", first_name="Пётр", **fields)
    record_verification(
        user=user,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference=f"tests-esia-{number}",
        claims={
            "family_name": "Застройщиков",
            "given_name": "Пётр",
            "legal_entity": {
                "name": f"ООО «Стройинвест-{number}»",
                "ogrn": "1027700132195",
                "address": "420111, Казань, ул. Баумана, 1",
            },
        },
        birthdate=datetime.date(1975, 5, 5),
    )
    return user


def file_application(developer, authority, territory) -> Application:
    """The representative's application to `authority` for a discussion, with its document."""
    return services.apply_for_discussion(
        user=developer,
        organization=authority,
        subject="conditional_use",
        title="Склад на участке 16:50:000000:123",
        description="Просим провести общественные обсуждения.",
        territory=territory,
        document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    )


def people_around(discussion) -> dict:
    """Everyone who might try the organizer's pages of `discussion`, by role."""
    elsewhere = make_organization(jurisdiction=[discussion.territory])
    expert = make_staff(discussion.organizer, Membership.Role.EXPERT)
    discussion.experts.add(expert)
    return {
        "stranger": make_user(),
        "resident": make_resident(discussion.territory),
        "organizer elsewhere": make_staff(elsewhere, Membership.Role.ORGANIZER),
        "official elsewhere": make_staff(elsewhere, Membership.Role.OFFICIAL),
        "expert": expert,
        "official of the organizer": make_staff(discussion.organizer, Membership.Role.OFFICIAL),
    }
