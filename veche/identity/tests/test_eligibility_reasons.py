"""Refusals give a reason a resident understands, in their language; facts come from the DB."""

import datetime

import pytest
from django.utils import timezone, translation

from tests.factories import make_territory, make_user
from veche.identity.eligibility import check_eligibility
from veche.identity.models import EligibilityRule, Level, PropertyClaim, Verification
from veche.identity.services import record_verification
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazan():
    city = make_territory("kazan", kind=Territory.Kind.CITY, ru="Казань", en="Kazan")
    make_territory(
        "kazan-vakhitovsky", parent=city, ru="Вахитовский район", en="Vakhitovsky District"
    )
    make_territory("kazan-sovetsky", parent=city, ru="Советский район", en="Sovetsky District")
    return city


def district(code):
    return Territory.objects.get(code=code)


def verified_resident(code, *, birthdate=datetime.date(1990, 4, 12), expires_in=None, **fields):
    user = make_user(**fields)
    record_verification(
        user=user,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="demo-esia",
        claims={"family_name": "Сафина"},
        birthdate=birthdate,
        territory=district(code),
        valid_for=expires_in,
    )
    return user


def sign_rule(*codes, min_age=None, owners_qualify=False):
    rule = EligibilityRule.objects.create(
        action="sign", min_level=Level.PROVIDER, min_age=min_age, owners_qualify=owners_qualify
    )
    rule.territories.set([district(code) for code in codes])
    return rule


def test_resident_of_the_right_district_may_act(kazan):
    sign_rule("kazan-vakhitovsky")
    decision = check_eligibility(verified_resident("kazan-vakhitovsky"), "sign")
    assert decision.allowed
    assert decision.basis == "resident"


def test_resident_of_another_district_is_told_where_both_live(kazan):
    sign_rule("kazan-vakhitovsky")
    user = verified_resident("kazan-sovetsky")
    with translation.override("en"):
        decision = check_eligibility(user, "sign")
    assert not decision.allowed
    assert decision.reasons[0] == (
        "You must live in Vakhitovsky District; your verified address is in Sovetsky District."
    )


def test_reason_is_given_in_russian_to_a_russian_speaker(kazan):
    sign_rule("kazan-vakhitovsky")
    with translation.override("ru"):
        decision = check_eligibility(verified_resident("kazan-sovetsky"), "sign")
    assert "Вахитовский район" in decision.reasons[0]
    assert "Советский район" in decision.reasons[0]
    assert "You must" not in decision.reasons[0]


def test_a_city_wide_rule_admits_residents_of_every_district(kazan):
    sign_rule("kazan")
    assert check_eligibility(verified_resident("kazan-sovetsky"), "sign").allowed


def test_age_is_computed_on_the_day_of_the_action(kazan):
    sign_rule("kazan", min_age=18)
    user = verified_resident("kazan-sovetsky", birthdate=datetime.date(2008, 11, 24))
    eve = timezone.make_aware(datetime.datetime(2026, 11, 23, 23, 30))
    birthday = timezone.make_aware(datetime.datetime(2026, 11, 24, 0, 30))
    assert not check_eligibility(user, "sign", moment=eve).allowed
    assert check_eligibility(user, "sign", moment=birthday).allowed


def test_expired_verification_no_longer_counts_and_says_so(kazan):
    sign_rule("kazan")
    user = verified_resident("kazan-sovetsky", expires_in=datetime.timedelta(days=30))
    later = timezone.now() + datetime.timedelta(days=31)
    with translation.override("en"):
        decision = check_eligibility(user, "sign", moment=later)
    assert not decision.allowed
    assert decision.reasons[0].startswith("Your identity verification expired on")


def test_a_newer_verification_supersedes_the_old_one(kazan):
    sign_rule("kazan-vakhitovsky")
    user = verified_resident("kazan-sovetsky")
    record_verification(
        user=user,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="demo-esia",
        claims={},
        territory=district("kazan-vakhitovsky"),
    )
    assert check_eligibility(user, "sign").allowed
    assert user.verifications.filter(revoked_at__isnull=True).count() == 1


def test_email_only_account_is_asked_for_identity_verification(kazan):
    sign_rule("kazan")
    with translation.override("en"):
        decision = check_eligibility(make_user(), "sign")
    assert decision.reasons[0] == (
        "This requires: verified by an identity provider. Your account: e-mail confirmed."
    )


def test_anonymous_visitor_is_asked_to_sign_in(kazan):
    from django.contrib.auth.models import AnonymousUser

    with translation.override("en"):
        decision = check_eligibility(AnonymousUser(), "sign")
    assert decision.reasons == ("Sign in to do this.",)


def test_owner_with_an_accepted_claim_qualifies_when_owners_may(kazan):
    sign_rule("kazan-vakhitovsky", owners_qualify=True)
    user = verified_resident("kazan-sovetsky")
    claim = PropertyClaim.objects.create(
        user=user,
        territory=district("kazan-vakhitovsky"),
        kind="premises",
        cadastral_number="16:50:011101:123",
        document="property-claims/x.pdf",
    )
    with translation.override("en"):
        pending = check_eligibility(user, "sign")
    assert not pending.allowed
    assert "awaiting review" in pending.reasons[0]
    claim.status = PropertyClaim.Status.ACCEPTED
    claim.save()
    decision = check_eligibility(user, "sign")
    assert decision.allowed
    assert decision.basis == "owner"


def test_rule_of_an_object_overrides_the_site_wide_rule(kazan):
    sign_rule("kazan-vakhitovsky")
    target = district("kazan-sovetsky")  # any model instance can carry its own rule
    from django.contrib.contenttypes.models import ContentType

    own = EligibilityRule.objects.create(
        action="sign",
        min_level=Level.PROVIDER,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )
    own.territories.set([target])
    user = verified_resident("kazan-sovetsky")
    assert not check_eligibility(user, "sign").allowed
    assert check_eligibility(user, "sign", target).allowed
