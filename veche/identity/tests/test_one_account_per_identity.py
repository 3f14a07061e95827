"""A census entry and an account at an identity provider each verify one Veche account: a second
claim is refused, and only an operator with the permission moves one, giving a reason."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tests.factories import make_territory, make_user
from tests.sign_in import enter, with_second_factor
from veche.core.models import AuditEvent
from veche.identity.eligibility import person_facts
from veche.identity.models import IdentityProvider, Level, Verification
from veche.identity.services import (
    import_census,
    rebind_verification,
    verify_by_census,
    verify_with_provider,
)

pytestmark = pytest.mark.django_db

CENSUS = "identifier,birthdate,address\n9204 123456,1990-04-12,ул. Пушкина 5\n"


def staff_with(*codenames: str, **fields):
    person = make_user(is_staff=True, **fields)
    person.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return with_second_factor(person)  # the admin asks staff for a second factor


@pytest.fixture
def census():
    return import_census(
        territory=make_territory("kazan"),
        file_name="census.csv",
        content=CENSUS.encode(),
        uploaded_by=staff_with("add_censusimport"),
    )


@pytest.fixture
def provider():
    return IdentityProvider.objects.create(
        slug="esia", name={"en": "Gosuslugi"}, issuer="https://esia.example.org", client_id="x"
    )


def userinfo(sub: str = "1000321") -> dict:
    return {
        "sub": sub,
        "family_name": "Сафина",
        "given_name": "Алсу",
        "middle_name": "Ринатовна",
        "birthdate": "1990-04-12",
    }


def refusal(call, **kwargs) -> str:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            call(**kwargs)
        return " ".join(caught.value.messages)


# --- Census ---------------------------------------------------------------------------------


def test_a_second_account_with_the_same_census_entry_is_refused(census):
    first, second = make_user(), make_user()
    verify_by_census(user=first, identifier="9204 123456", birthdate="12.04.1990")
    message = refusal(
        verify_by_census, user=second, identifier="9204123456", birthdate="1990-04-12"
    )
    assert "already confirms another account" in message
    assert "operator" in message
    assert not second.verifications.exists()
    assert person_facts(second).level < Level.CENSUS


def test_the_holder_confirms_the_same_entry_again_from_a_newer_list(census):
    person = make_user()
    first = verify_by_census(user=person, identifier="9204 123456", birthdate="12.04.1990")
    import_census(
        territory=census.territory,
        file_name="census-2.csv",
        content=CENSUS.encode(),
        uploaded_by=census.uploaded_by,
    )
    again = verify_by_census(user=person, identifier="9204 123456", birthdate="12.04.1990")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert again.source_reference != first.source_reference
    assert person.verifications.filter(revoked_at__isnull=True).get() == again


def test_the_page_tells_the_second_account_whom_to_ask(client, census):
    verify_by_census(user=make_user(), identifier="9204 123456", birthdate="12.04.1990")
    second = make_user()
    enter(client, second)
    page = client.post(
        "/verification/census/",
        {"identifier": "9204 123456", "birthdate": "12.04.1990"},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    assert "already confirms another account" in page.text
    assert not second.verifications.exists()


def test_a_revoked_verification_frees_the_entry(census):
    first, second = make_user(), make_user()
    held = verify_by_census(user=first, identifier="9204 123456", birthdate="12.04.1990")
    Verification.objects.filter(pk=held.pk).update(revoked_at=timezone.now())
    verify_by_census(user=second, identifier="9204 123456", birthdate="12.04.1990")
    assert person_facts(second).level == Level.CENSUS


def test_the_database_holds_one_account_per_census_entry(census):
    held = verify_by_census(user=make_user(), identifier="9204 123456", birthdate="12.04.1990")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verification.objects.create(
            user=make_user(),
            level=Level.CENSUS,
            source=Verification.Source.CENSUS,
            source_reference=held.source_reference,
            subject=held.subject,
            verified_at=timezone.now(),
        )


# --- Identity provider ----------------------------------------------------------------------


def test_the_same_provider_account_on_a_second_account_is_refused(provider):
    first, second = make_user(), make_user()
    verify_with_provider(user=first, provider=provider, data=userinfo())
    message = refusal(verify_with_provider, user=second, provider=provider, data=userinfo())
    assert "already confirms another Veche account" in message
    assert not second.verifications.exists()
    second.refresh_from_db()
    assert second.last_name == ""  # nothing of the refused answer is kept


def test_signing_in_again_renews_the_holders_verification(provider):
    person = make_user()
    first = verify_with_provider(user=person, provider=provider, data=userinfo())
    again = verify_with_provider(user=person, provider=provider, data=userinfo())
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert again.subject == "esia:1000321"


def test_another_provider_account_verifies_another_person(provider):
    verify_with_provider(user=make_user(), provider=provider, data=userinfo("1"))
    second = make_user()
    verify_with_provider(user=second, provider=provider, data=userinfo("2"))
    assert person_facts(second).level == Level.PROVIDER


# --- The operator moves an entry to its owner -----------------------------------------------


def test_an_operator_moves_the_entry_to_its_owner_and_it_is_audited(census):
    squatter, owner = make_user(), make_user()
    taken = verify_by_census(user=squatter, identifier="9204 123456", birthdate="12.04.1990")
    operator = staff_with("rebind_verification")
    moved = rebind_verification(
        verification=taken,
        to_user=owner,
        operator=operator,
        reason="Паспорт владельца проверен в МФЦ, заявление № 17.",
    )
    taken.refresh_from_db()
    assert taken.revoked_at is not None
    assert moved.user == owner and moved.subject == taken.subject
    assert person_facts(owner).level == Level.CENSUS
    assert person_facts(squatter).level < Level.CENSUS
    event = AuditEvent.objects.get(action="identity.verification_rebound")
    assert event.actor_id == operator.pk
    assert event.data["reason"] == "Паспорт владельца проверен в МФЦ, заявление № 17."
    assert (event.data["from_user"], event.data["to_user"]) == (squatter.pk, owner.pk)
    # The one who lost it cannot take it back.
    assert "already confirms" in refusal(
        verify_by_census, user=squatter, identifier="9204 123456", birthdate="12.04.1990"
    )


def test_moving_needs_a_reason(census):
    taken = verify_by_census(user=make_user(), identifier="9204 123456", birthdate="12.04.1990")
    operator = staff_with("rebind_verification")
    with pytest.raises(ValidationError):
        rebind_verification(verification=taken, to_user=make_user(), operator=operator, reason=" ")
    taken.refresh_from_db()
    assert taken.revoked_at is None
    assert not AuditEvent.objects.filter(action="identity.verification_rebound").exists()


def test_staff_without_the_permission_cannot_move_an_entry(census):
    taken = verify_by_census(user=make_user(), identifier="9204 123456", birthdate="12.04.1990")
    with pytest.raises(PermissionDenied):
        rebind_verification(
            verification=taken,
            to_user=make_user(),
            operator=staff_with("change_verification", "view_verification"),
            reason="Просто так.",
        )
    taken.refresh_from_db()
    assert taken.revoked_at is None


def test_the_operator_moves_a_provider_account_on_the_admin_page(client, provider):
    squatter, owner = make_user(), make_user("owner@example.org")
    taken = verify_with_provider(user=squatter, provider=provider, data=userinfo())
    enter(client, staff_with("rebind_verification", "view_verification"))
    page = client.get(f"/admin/identity/verification/{taken.pk}/rebind/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/identity/verification/{taken.pk}/rebind/",
        {"email": "owner@example.org", "reason": "Владелец показал паспорт, № 17."},
    )
    assert response.status_code == 302
    assert owner.verifications.get(revoked_at__isnull=True).subject == "esia:1000321"
    assert not squatter.verifications.filter(revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="identity.verification_rebound").exists()


def test_linking_a_provider_account_that_verifies_someone_else_says_why(rf, provider):
    """The provider account was unlinked from its first Veche account and linked to a second:
    the link is allauth's business, the verification stays with the first account."""
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from allauth.socialaccount.signals import social_account_added
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    first, second = make_user(), make_user()
    verify_with_provider(user=first, provider=provider, data=userinfo())
    request = rf.get("/verification/")
    request.session = {}
    request._messages = FallbackStorage(request)
    account = SocialAccount.objects.create(
        user=second, provider="esia", uid="1000321", extra_data={"userinfo": userinfo()}
    )
    with translation.override("en"):
        social_account_added.send(
            sender=SocialLogin,
            request=request,
            sociallogin=SocialLogin(user=second, account=account),
        )
        shown = [str(message) for message in get_messages(request)]
    assert any("already confirms another Veche account" in message for message in shown)
    assert not second.verifications.exists()
    assert first.verifications.get().revoked_at is None
