"""`veche.core.audited` records an operator's change of a row; a row that holds a person's data
names the fields the log may keep (`recorded`), and no other field reaches it."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from veche.core import audited
from veche.core.models import AuditEvent
from veche.identity.models import Level, Verification

pytestmark = pytest.mark.django_db

RECORDED = ("user", "level", "expires_at")


@pytest.fixture
def verification():
    return Verification.objects.create(
        user=make_user(),
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="city-sso",
        subject="city-sso:sub-2718",
        verified_claims={"claims": {"family_name": "Иванова"}},
        birthdate=datetime.date(1990, 4, 12),
        verified_at=timezone.now(),
    )


def test_values_keep_only_the_recorded_fields(verification):
    assert audited.values(verification, recorded=RECORDED) == {
        "user_id": verification.user_id,
        "level": Level.PROVIDER,
        "expires_at": None,
    }
    assert "verified_claims" in audited.values(verification)  # every field, unless told


def test_a_deletion_records_the_recorded_fields_and_what_went_with_it(verification):
    operator = make_user(is_staff=True)
    audited.delete(operator, verification, noun="verification", recorded=RECORDED, note="x")
    event = AuditEvent.objects.get(action="verification.deleted")
    assert event.data == {
        "user_id": verification.user_id,
        "level": Level.PROVIDER,
        "expires_at": None,
        "note": "x",
    }


def test_a_change_records_what_changed_of_the_recorded_fields_only(verification):
    operator = make_user(is_staff=True)
    verification.level = Level.CENSUS
    verification.birthdate = datetime.date(1991, 5, 13)
    verification.verified_claims = {"claims": {"family_name": "Петрова"}}
    audited.save(operator, verification, noun="verification", recorded=RECORDED)
    event = AuditEvent.objects.get(action="verification.changed")
    assert event.data == {"level": [Level.PROVIDER, Level.CENSUS]}


def test_a_misspelt_recorded_field_is_an_error_not_a_quieter_log(verification):
    with pytest.raises(ValueError, match="user_id"):
        audited.values(verification, recorded=("user_id", "level"))
