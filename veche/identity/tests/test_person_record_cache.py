"""What eligibility reads of a person (verifications, a confirmed e-mail address, property claims,
moderation blocks) is kept in the shared cache, since every action and every page offering one
asks for it: and every change of it applies to the very next check, whichever way it was made,
while what lapses with time (a verification, a block) lapses without any change."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_organization, make_problem, make_staff, make_user
from veche.core.release import keyed
from veche.identity.eligibility import (
    check_eligibility,
    keep_records,
    person_changed,
    requirement_for,
)
from veche.identity.models import Level, PropertyClaim, Verification
from veche.identity.services import record_verification
from veche.identity.tests.test_eligibility_reasons import (
    district,
    kazan,  # noqa: F401 (fixture)
    sign_rule,
    verified_resident,
)
from veche.moderation.blocks import keep_blocks
from veche.moderation.models import Decision
from veche.moderation.services import block_author, lift_block
from veche.organizations.models import Membership
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def verify_as_resident(person, code: str) -> None:
    """The person verified anew by the same provider, as living in the district `code`."""
    record_verification(
        user=person,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="demo-esia",
        claims={"family_name": "Сафина"},
        birthdate=datetime.date(1990, 1, 1),
        territory=district(code),
    )


def test_a_second_check_reads_nothing_of_the_person_from_the_database(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky")
    first, decision = queries_of(lambda: check_eligibility(person, "sign"))
    again, cached = queries_of(lambda: check_eligibility(person, "sign"))
    assert first >= 4  # verifications, e-mail, claims, blocks (and the rule)
    assert again == 0
    assert cached == decision


def test_records_kept_at_once_decide_as_records_read_one_by_one(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky")
    people = [verified_resident("kazan-vakhitovsky"), verified_resident("kazan-sovetsky")]
    people.append(make_user())
    expected = [check_eligibility(person, "sign") for person in people]
    from django.core.cache import cache

    cache.clear()
    requirement_for("sign")
    keep_records([person.pk for person in people])
    keep_blocks([person.pk for person in people])
    count, decisions = queries_of(lambda: [check_eligibility(p, "sign") for p in people])
    assert count == 0
    assert decisions == expected
    assert [d.allowed for d in decisions] == [True, False, False]


def test_a_new_verification_applies_to_the_next_check(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky")
    person = make_user()
    assert not check_eligibility(person, "sign").allowed
    verify_as_resident(person, "kazan-vakhitovsky")
    assert check_eligibility(person, "sign").allowed


def test_a_revoked_verification_stops_counting_at_the_next_check(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky")
    assert check_eligibility(person, "sign").allowed
    verification = Verification.objects.get(user=person)
    verification.revoked_at = timezone.now()
    verification.save()
    assert not check_eligibility(person, "sign").allowed


def test_a_change_made_by_a_queryset_update_applies_once_announced(kazan):  # noqa: F811
    """`update` sends no signal: the services that use it say so (`person_changed`)."""
    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky")
    assert check_eligibility(person, "sign").allowed
    Verification.objects.filter(user=person).update(revoked_at=timezone.now())
    assert check_eligibility(person, "sign").allowed  # what the cache still says
    person_changed(person.pk)
    assert not check_eligibility(person, "sign").allowed


def test_moving_to_another_district_applies_to_the_next_check(kazan):  # noqa: F811
    """A new verification from the same source supersedes the old one by a queryset update."""
    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky")
    assert check_eligibility(person, "sign").allowed
    verify_as_resident(person, "kazan-sovetsky")
    decision = check_eligibility(person, "sign")
    assert not decision.allowed
    assert decision.facts.residence_path == district("kazan-sovetsky").path


def test_a_verification_lapses_with_time_without_any_change(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky", expires_in=datetime.timedelta(days=30))
    assert check_eligibility(person, "sign").allowed
    later = timezone.now() + datetime.timedelta(days=31)
    count, decision = queries_of(lambda: check_eligibility(person, "sign", moment=later))
    assert count == 0
    assert not decision.allowed
    assert decision.facts.expired_on is not None


def test_a_confirmed_and_a_removed_email_address_apply_to_the_next_check():
    person = make_user()
    EmailAddress.objects.filter(user=person).delete()
    assert check_eligibility(person, "rate").facts.level == Level.NONE
    address = EmailAddress.objects.create(user=person, email=person.email, verified=False)
    assert check_eligibility(person, "rate").facts.level == Level.NONE
    address.verified = True
    address.save()
    assert check_eligibility(person, "rate").facts.level == Level.EMAIL
    address.delete()
    assert check_eligibility(person, "rate").facts.level == Level.NONE


def test_an_accepted_property_claim_applies_to_the_next_check(kazan):  # noqa: F811
    sign_rule("kazan-vakhitovsky", owners_qualify=True)
    owner = verified_resident("kazan-sovetsky")
    assert not check_eligibility(owner, "sign").allowed
    claim = PropertyClaim.objects.create(
        user=owner,
        territory=district("kazan-vakhitovsky"),
        kind=PropertyClaim.Kind.PREMISES,
        cadastral_number="16:50:011101:123",
        document="property-claims/x.pdf",
    )
    assert not check_eligibility(owner, "sign").allowed
    claim.status = PropertyClaim.Status.ACCEPTED
    claim.save()
    decision = check_eligibility(owner, "sign")
    assert decision.allowed
    assert decision.basis == "owner"


def test_a_territory_moved_under_another_city_applies_to_the_next_check(kazan):  # noqa: F811
    sign_rule("kazan")
    person = verified_resident("kazan-sovetsky")
    assert check_eligibility(person, "sign").allowed
    elsewhere = Territory.objects.create(
        code="innopolis", kind=Territory.Kind.CITY, name={"ru": "Иннополис", "en": "Innopolis"}
    )
    moved = district("kazan-sovetsky")
    moved.parent = elsewhere
    moved.save()
    assert not check_eligibility(person, "sign").allowed


def test_a_block_and_its_lifting_apply_to_the_next_check():
    problem = make_problem()
    author = problem.author
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    assert check_eligibility(author, "rate").allowed
    block = block_author(moderator=moderator, target=problem, ground="obscene", days=3)
    refused = check_eligibility(author, "rate")
    assert not refused.allowed
    assert "заблокировал" in " ".join(refused.reasons)
    # The block ends by itself on its day, with nothing changed.
    later = timezone.now() + datetime.timedelta(days=4)
    count, decision = queries_of(lambda: check_eligibility(author, "rate", moment=later))
    assert count == 0
    assert decision.allowed
    lift_block(moderator=moderator, block=block, reason="Ошибка модератора.")
    assert Decision.objects.get(pk=block.pk).lifted_at is not None
    assert check_eligibility(author, "rate").allowed


def test_a_new_rule_leaves_the_peoples_records_as_they_are(kazan):  # noqa: F811
    """Every new appeal gets a rule of its own: that must not make every record stale."""
    from veche.identity.models import EligibilityRule

    sign_rule("kazan-vakhitovsky")
    person = verified_resident("kazan-vakhitovsky")
    check_eligibility(person, "sign")
    EligibilityRule.objects.create(action="rate", min_level=Level.EMAIL)
    with CaptureQueriesContext(connection) as captured:
        assert check_eligibility(person, "sign").allowed
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert "identity_verification" not in read and "moderation_decision" not in read


def test_an_address_given_to_another_account_leaves_the_first_one(kazan):  # noqa: F811
    first, second = make_user(), make_user()
    address = EmailAddress.objects.get(user=first)
    EmailAddress.objects.filter(user=second).delete()
    assert check_eligibility(first, "rate").facts.level == Level.EMAIL
    address.user = second
    address.save()
    assert check_eligibility(first, "rate").facts.level == Level.NONE
    assert check_eligibility(second, "rate").facts.level == Level.EMAIL


def test_a_block_is_not_forgotten_when_the_cache_loses_its_version():
    from django.core.cache import cache

    problem = make_problem()
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    check_eligibility(problem.author, "rate")  # no block, kept
    key = keyed(f"moderation:blocks:{problem.author.pk}")  # this release's copy
    kept = cache.get(key)
    assert kept is not None
    block_author(moderator=moderator, target=problem, ground="obscene", days=3)
    # The version lost (evicted, a failover), the "no block" of before still in the cache.
    cache.delete(f"moderation:blocks-version:{problem.author.pk}")
    cache.set(key, kept)
    assert not check_eligibility(problem.author, "rate").allowed
