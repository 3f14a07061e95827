"""The cast of registering a cabinet: a verified person who applies, a platform administrator
who reviews, and valid application details, made through the services."""

import itertools

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from tests.factories import make_resident, make_territory, make_user
from veche.cabinet import services
from veche.organizations.ogrn import check_digit

_sequence = itertools.count(1)


@pytest.fixture
def letters_at_once_in_english(settings):
    """Tasks run as they are queued, so the outbox's letters and notices go when the change
    commits; the services' messages are read in English (the Russian texts have their tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with translation.override("en"):
        yield


def valid_ogrn(number: int | None = None) -> str:
    """A 13-digit OGRN whose check digit holds (a legal entity registered in Tatarstan)."""
    body = f"1161690{number or next(_sequence):05d}"
    return body + str(check_digit(body))


def make_reviewer(**fields):
    """A platform administrator granted the review of applications (staff, not superuser)."""
    reviewer = make_user(is_staff=True, **fields)
    reviewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="organizations", codename="change_cabinetapplication"
        )
    )
    return reviewer


def application_details(**changes) -> dict:
    number = next(_sequence)
    return {
        "name": {
            "ru": f"МУП «Водоканал-{number}»",
            "en": f"Vodokanal {number} municipal company",
        },
        "short_name": {},
        "kind": "municipal_company",
        "ogrn": valid_ogrn(),
        "appeals_email": f"priemnaya{number}@vodokanal.example",
        "head_name": "Гарипов Тимур Рустемович",
        "head_position": "Директор",
        "postal_address": "420111, г. Казань, ул. Примерная, д. 1",
        "phone": "+7 843 000-00-00",
        "website": "",
    } | changes


def file_application(applicant=None, *, territory=None, **changes):
    """An application filed through the service by a verified resident."""
    territory = territory or make_territory()
    applicant = applicant or make_resident(territory)
    return services.apply_for_cabinet(
        user=applicant, details=application_details(**changes), jurisdiction=[territory]
    )


def form_data(territory, **changes) -> dict:
    """What the application form posts."""
    details = application_details()
    return {
        "name_ru": details["name"]["ru"],
        "name_en": details["name"]["en"],
        "short_name": "",
        "kind": details["kind"],
        "ogrn": details["ogrn"],
        "jurisdiction": [str(territory.pk)],
        "appeals_email": details["appeals_email"],
        "head_name": details["head_name"],
        "head_position": details["head_position"],
        "postal_address": details["postal_address"],
        "phone": details["phone"],
        "website": "",
    } | changes
