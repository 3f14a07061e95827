"""Legal-entity facts: a provider's mapped claims give a name, a checked OGRN and an address."""

import datetime

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_user
from veche.demo.city import DEMO_IDP
from veche.identity.eligibility import legal_entity_of
from veche.identity.legal_entities import LegalEntity, is_valid_ogrn
from veche.identity.models import IdentityProvider, Level
from veche.identity.services import verify_with_provider

OGRN = "1161690058177"  # the demo developer's
LEGAL_MAPPING = {
    "legal_name": "organization.name",
    "ogrn": "organization.ogrn",
    "legal_address": "organization.address",
}


# --- OGRN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ogrn", [OGRN, "1027700132195", "1021602843470", "304500116000157"])
def test_real_ogrns_and_ogrnips_are_valid(ogrn):
    assert is_valid_ogrn(ogrn)


@pytest.mark.parametrize(
    "value",
    [
        "1161690058178",  # wrong check digit
        "116169005817",  # 12 digits
        "11616900581770",  # 14 digits
        "304500116000158",  # OGRNIP with a wrong check digit
        "1161690O58177",  # a letter O
        " 1161690058177",
        "１１６１６９００５８１７７",  # full-width digits
        "",
        1161690058177,  # a number, not a string: leading zeros would be lost
        None,
    ],
)
def test_anything_else_is_not_an_ogrn(value):
    assert not is_valid_ogrn(value)


def check_digit(body: str, divisor: int) -> int:
    return int(body) % divisor % 10


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_thirteen_digits_are_valid_exactly_with_their_check_digit(body):
    right = check_digit(body, 11)
    for last in range(10):
        assert is_valid_ogrn(f"{body}{last}") == (last == right)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_fifteen_digits_are_valid_exactly_with_their_check_digit(body):
    right = check_digit(body, 13)
    for last in range(10):
        assert is_valid_ogrn(f"{body}{last}") == (last == right)


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_no_other_length_is_valid(digits):
    if len(digits) not in (13, 15):
        assert not is_valid_ogrn(digits)


# --- Mapping ------------------------------------------------------------------------------


def provider(**fields) -> IdentityProvider:
    return IdentityProvider.objects.create(
        slug="national-id",
        name={"ru": "Госуслуги", "en": "Gosuslugi"},
        issuer="https://id.example.org",
        client_id="veche",
        claim_mapping=LEGAL_MAPPING,
        **fields,
    )


def representative_claims(**organization) -> dict:
    return {
        "sub": "1",
        "family_name": "Гарипов",
        "given_name": "Тимур",
        "verified_claims": {
            "verification": {"trust_framework": "esia"},
            "claims": {
                "family_name": "Гарипов",
                "organization": {
                    "name": "ООО «Казанский девелопмент»",
                    "ogrn": OGRN,
                    "address": "420107, г. Казань, ул. Островского, 38",
                    **organization,
                },
            },
        },
    }


@pytest.mark.django_db
def test_mapped_legal_entity_lands_in_verified_claims():
    person = make_user()
    verification = verify_with_provider(
        user=person, provider=provider(), data=representative_claims()
    )
    assert verification.verified_claims["claims"]["legal_entity"] == {
        "name": "ООО «Казанский девелопмент»",
        "ogrn": OGRN,
        "address": "420107, г. Казань, ул. Островского, 38",
    }
    assert legal_entity_of(person) == LegalEntity(
        name="ООО «Казанский девелопмент»",
        ogrn=OGRN,
        address="420107, г. Казань, ул. Островского, 38",
    )


@pytest.mark.django_db
def test_an_address_object_gives_its_formatted_line():
    person = make_user()
    data = representative_claims(address={"formatted": "г. Казань, ул. Островского, 38"})
    verify_with_provider(user=person, provider=provider(), data=data)
    assert legal_entity_of(person).address == "г. Казань, ул. Островского, 38"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "broken", [{"ogrn": "1161690058178"}, {"ogrn": ""}, {"name": ""}, {"ogrn": "116169005817"}]
)
def test_an_invalid_legal_entity_is_dropped_with_a_warning_and_the_person_still_verified(
    caplog, broken
):
    person = make_user()
    with caplog.at_level("WARNING", logger="veche.identity.legal_entities"):
        verification = verify_with_provider(
            user=person, provider=provider(), data=representative_claims(**broken)
        )
    assert verification.level == Level.PROVIDER
    assert "legal_entity" not in verification.verified_claims["claims"]
    assert legal_entity_of(person) is None
    assert "national-id" in caplog.text and "not recorded" in caplog.text


@pytest.mark.django_db
def test_a_person_without_a_legal_entity_has_none_and_no_warning(caplog):
    person = make_user()
    data = representative_claims()
    del data["verified_claims"]["claims"]["organization"]
    with caplog.at_level("WARNING"):
        verification = verify_with_provider(user=person, provider=provider(), data=data)
    assert "legal_entity" not in verification.verified_claims["claims"]
    assert legal_entity_of(person) is None
    assert caplog.text == ""


@pytest.mark.django_db
def test_without_a_mapping_no_legal_entity_is_read():
    person = make_user()
    bare = provider()
    bare.claim_mapping = {}
    bare.save()
    verification = verify_with_provider(user=person, provider=bare, data=representative_claims())
    assert "legal_entity" not in verification.verified_claims["claims"]


@pytest.mark.django_db
def test_a_lapsed_verification_no_longer_vouches_for_the_legal_entity():
    person = make_user()
    verify_with_provider(
        user=person, provider=provider(validity_days=30), data=representative_claims()
    )
    assert legal_entity_of(person) is not None
    later = timezone.now() + datetime.timedelta(days=31)
    assert legal_entity_of(person, later) is None


@pytest.mark.django_db
def test_the_demo_provider_maps_the_organization_claim_of_its_demo_citizens():
    from veche.demo.idp.citizens import CITIZENS

    [representative] = [c for c in CITIZENS if c.get("organization")]
    organization = representative["organization"]
    assert is_valid_ogrn(organization["ogrn"])
    demo = IdentityProvider.objects.create(
        **{key: value for key, value in DEMO_IDP.items() if key != "confirmed_claim"}
    )
    assert "organization" in demo.scopes.split()
    person = make_user()
    data = {"verified_claims": {"claims": {"organization": organization}}}
    verify_with_provider(user=person, provider=demo, data=data)
    assert legal_entity_of(person) == LegalEntity(**organization)


@pytest.mark.django_db
def test_my_verification_shows_the_legal_entity(client):
    person = make_user()
    verify_with_provider(user=person, provider=provider(), data=representative_claims())
    client.force_login(person)
    with translation.override("en"):
        page = client.get("/verification/", headers={"accept-language": "en"}).text
    assert "Legal entity you represent" in page
    assert "ООО «Казанский девелопмент»" in page
    assert f"OGRN {OGRN}" in page
