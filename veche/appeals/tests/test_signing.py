"""Signing an appeal: eligibility, one signature per person, threshold dispatch, withdrawal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_territory,
    make_user,
)
from veche.appeals.models import Appeal, Dispatch, Signature
from veche.appeals.services import confirm_signature, revise_appeal, sign_appeal, withdraw_signature
from veche.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def appeal(district):
    return make_problem(territory=district, threshold=3).current_appeal


def test_author_signs_first_on_publishing(appeal):
    assert appeal.signature_count == 1
    assert appeal.signatures.get().user == appeal.problem.author


def test_verified_resident_signs_and_the_signature_records_the_revision(appeal, district):
    resident = make_resident(district)
    signature = sign_appeal(user=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 2
    assert signature.revision.number == 1
    assert AuditEvent.objects.filter(action="appeal.signed", object_id=str(appeal.pk)).count() == 2


def test_second_signature_by_same_person_is_refused(appeal, district):
    resident = make_resident(district)
    sign_appeal(user=resident, appeal=appeal)
    with translation.override("en"), pytest.raises(ValidationError, match="already signed"):
        sign_appeal(user=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 2


def test_resident_of_another_district_is_refused_with_the_reason(appeal):
    outsider = make_resident(make_territory("kazan-sovetsky", en="Sovetsky District"))
    with translation.override("en"), pytest.raises(PermissionDenied) as refusal:
        sign_appeal(user=outsider, appeal=appeal)
    assert "You must live in Vakhitovsky District" in str(refusal.value)
    assert not Signature.objects.filter(user=outsider).exists()


def test_unverified_account_is_refused(appeal):
    with pytest.raises(PermissionDenied):
        sign_appeal(user=make_user(), appeal=appeal)
    assert appeal.signatures.count() == 1


def test_reaching_the_threshold_dispatches_once(appeal, district):
    for _ in range(2):
        sign_appeal(user=make_resident(district), appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    dispatch = Dispatch.objects.get(appeal=appeal)
    assert dispatch.recipient == appeal.organization.dispatch_email
    # Signing goes on after the dispatch (veche/appeals/tests/test_support_after_dispatch.py),
    # and never dispatches the appeal again.
    sign_appeal(user=make_resident(district), appeal=appeal)
    assert Dispatch.objects.count() == 1


def test_withdrawn_signature_can_be_given_again(appeal, district):
    resident = make_resident(district)
    sign_appeal(user=resident, appeal=appeal)
    withdraw_signature(user=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 1
    sign_appeal(user=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 2
    assert Signature.objects.filter(user=resident).count() == 2  # the withdrawn one is kept


def test_signature_cannot_be_withdrawn_after_dispatch(appeal, district):
    resident = make_resident(district)
    sign_appeal(user=resident, appeal=appeal)
    sign_appeal(user=make_resident(district), appeal=appeal)
    with pytest.raises(ValidationError):
        withdraw_signature(user=resident, appeal=appeal)


def test_substantive_change_asks_signatories_to_confirm(appeal, district):
    resident = make_resident(district)
    sign_appeal(user=resident, appeal=appeal)
    revise_appeal(
        author=appeal.problem.author,
        appeal=appeal,
        substantive=True,
        text=appeal.current_revision.text + " Просим также установить освещение.",
    )
    signature = Signature.objects.get(user=resident)
    assert signature.revision.number == 1
    confirm_signature(user=resident, appeal=appeal)
    signature.refresh_from_db()
    assert signature.revision.number == 2


def test_snapshot_keeps_the_co_applicant_data_for_the_addressee(appeal, district):
    resident = make_resident(district, last_name="Петров", first_name="Пётр")
    signature = sign_appeal(user=resident, appeal=appeal)
    assert signature.full_name == "Петров Пётр"
    assert signature.email == resident.email


def test_a_signature_carries_the_provider_verified_name_after_the_profile_name_is_edited(
    appeal, district
):
    from veche.accounts.services import update_profile
    from veche.identity.models import IdentityProvider
    from veche.identity.services import verify_with_provider

    provider = IdentityProvider.objects.create(
        slug="esia",
        name={"en": "Gosuslugi"},
        issuer="https://esia.example.org",
        client_id="x",
        home_territory=district,
    )
    person = make_user()
    verify_with_provider(
        user=person,
        provider=provider,
        data={
            "sub": "1000321",
            "family_name": "Сафина",
            "given_name": "Алсу",
            "address": {"district": "Vakhitovsky District"},
        },
    )
    person.refresh_from_db()
    update_profile(
        user=person,
        last_name="Иванов",
        first_name="Иван",
        patronymic="",
        name_publication=person.name_publication,
        preferred_language="",
    )
    signature = sign_appeal(user=person, appeal=appeal)
    assert signature.full_name == "Сафина Алсу"


def test_without_a_verified_name_the_signature_takes_the_profile_name(appeal, district):
    from veche.identity.models import Level, Verification
    from veche.identity.services import record_verification

    person = make_user(last_name="Петров", first_name="Пётр")
    record_verification(
        user=person,
        level=Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="census:1",
        claims={"birthdate": "1980-01-01"},  # a census list names nobody
        territory=district,
    )
    assert sign_appeal(user=person, appeal=appeal).full_name == "Петров Пётр"


def test_organization_policy_sets_the_threshold():
    organization = make_organization()
    assert (
        make_problem(organization=organization, threshold=7).current_appeal.signature_threshold == 7
    )


def test_a_signature_reads_the_persons_verifications_once(appeal, district):
    """Eligibility and the co-applicant's snapshot share one read; a revoked verification's
    name is not taken, the strongest valid one's is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from veche.identity.models import Level, Verification

    person = make_resident(district, last_name="Петров", first_name="Пётр")
    census = Verification.objects.get(user=person)
    census.verified_claims = {"claims": {"family_name": "Петров", "given_name": "Пётр Ильич"}}
    census.save(update_fields=["verified_claims"])
    Verification.objects.create(
        user=person,
        level=Level.PROVIDER,
        source=Verification.Source.CENSUS,
        source_reference="revoked",
        verified_claims={"claims": {"family_name": "Отозванный", "given_name": "Человек"}},
        territory=district,
        verified_at=timezone.now(),
        revoked_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as captured:
        signature = sign_appeal(user=person, appeal=appeal)
    reads = [q["sql"] for q in captured if 'FROM "identity_verification"' in q["sql"]]
    assert len(reads) == 1
    assert signature.full_name == "Петров Пётр Ильич"
