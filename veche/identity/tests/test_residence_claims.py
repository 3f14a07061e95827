"""Residence from the address claims providers actually give, in several providers' shapes.

Each test signs a person's claims in through the verification service, as a provider sign-in
does, and looks at the territory the verification places them in.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_territory, make_user
from veche.demo.city import TERRITORIES, TERRITORY_CODES
from veche.identity.eligibility import check_eligibility
from veche.identity.models import EligibilityRule, IdentityProvider, Level
from veche.identity.residence import mentions
from veche.identity.services import verify_with_provider
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db

VAKHITOVSKY_OKTMO = TERRITORY_CODES["kazan-vakhitovsky"]["oktmo"]
SOVETSKY_OKTMO = TERRITORY_CODES["kazan-sovetsky"]["oktmo"]
KAZAN_FIAS = TERRITORY_CODES["kazan"]["fias_id"]


@pytest.fixture
def kazan() -> Territory:
    """The demo city's territories, with their register codes."""
    loaded: dict[str, Territory] = {}
    for code, parent, kind, name_ru, name_en, _population in TERRITORIES:
        loaded[code] = Territory.objects.create(
            code=code,
            parent=loaded.get(parent),
            kind=kind,
            name={"ru": name_ru, "en": name_en},
            **TERRITORY_CODES.get(code, {}),
        )
    return loaded["kazan"]


def residence(data: dict, mapping: dict | None = None, within: Territory | None = None):
    """The code of the territory a provider's claims place a new person in, or None."""
    provider, _created = IdentityProvider.objects.update_or_create(
        slug="provider",
        defaults={
            "name": {"en": "Provider"},
            "issuer": "https://id.example",
            "client_id": "veche",
            "claim_mapping": mapping or {},
            "home_territory": within,
        },
    )
    verification = verify_with_provider(user=make_user(), provider=provider, data=data)
    return verification.territory.code if verification.territory else None


# --- The standard OpenID Connect address claim -----------------------------------------------


def standard_address(formatted: str, locality: str = "Казань") -> dict:
    return {
        "sub": "1",
        "address": {
            "formatted": formatted,
            "street_address": "ул. Пушкина, 5, кв. 12",
            "locality": locality,
            "region": "Республика Татарстан",
            "postal_code": "420111",
            "country": "Россия",
        },
    }


def test_a_district_inside_the_formatted_address_is_found_although_locality_is_the_city(kazan):
    data = standard_address(
        "420111, Республика Татарстан, г. Казань, Вахитовский р-н, ул. Пушкина, 5, кв. 12"
    )
    assert residence(data, within=kazan) == "kazan-vakhitovsky"


def test_the_resident_found_in_the_formatted_address_may_sign_in_his_district(kazan):
    """The issue's refusal: an eligible resident was told he lives in the city, not the district."""
    rule = EligibilityRule.objects.create(action="sign", min_level=Level.PROVIDER)
    rule.territories.set([Territory.objects.get(code="kazan-vakhitovsky")])
    provider = IdentityProvider.objects.create(
        slug="oidc", name={"en": "OIDC"}, issuer="https://id.example", client_id="veche"
    )
    person = make_user()
    verify_with_provider(
        user=person,
        provider=provider,
        data=standard_address("Казань, Вахитовский район, ул. Пушкина, 5"),
    )
    assert check_eligibility(person, "sign").allowed


def test_without_a_district_the_locality_places_the_person_in_the_city(kazan):
    data = standard_address("420111, Республика Татарстан, г. Казань, ул. Пушкина, 5")
    assert residence(data, within=kazan) == "kazan"


def test_a_street_named_like_a_district_is_not_the_district(kazan):
    """Московский проспект is a street; only the kind word or a part of its own makes a name
    a district."""
    data = standard_address("420111, г. Казань, Московский проспект, 10")
    assert residence(data, within=kazan) == "kazan"


def test_a_name_is_matched_as_whole_words_not_as_a_substring(kazan):
    data = {"address": {"locality": "Казань", "district": "Кировский-2"}}
    assert residence(data, within=kazan) == "kazan"
    make_territory(
        "kazan-kirovsky-2",
        parent=kazan,
        kind=Territory.Kind.NEIGHBOURHOOD,
        ru="Кировский-2",
        en="Kirovsky-2",
    )
    assert residence(data, within=kazan) == "kazan-kirovsky-2"


def test_case_yo_and_spacing_do_not_matter(kazan):
    make_territory("kazan-zelyony", parent=kazan, kind=Territory.Kind.DISTRICT, ru="Зелёный район")
    data = standard_address("г. Казань,  ЗЕЛЕНЫЙ    район , ул. Лесная, 1")
    assert residence(data, within=kazan) == "kazan-zelyony"


def test_the_same_district_name_in_two_cities_is_told_apart_by_the_locality(kazan):
    tatarstan = kazan.parent
    chelny = make_territory(
        "chelny", parent=tatarstan, kind=Territory.Kind.CITY, ru="Набережные Челны"
    )
    make_territory("chelny-sovetsky", parent=chelny, ru="Советский район")
    in_kazan = {"address": {"locality": "Казань", "district": "Советский район"}}
    in_chelny = {"address": {"locality": "Набережные Челны", "district": "Советский район"}}
    assert residence(in_kazan, within=tatarstan) == "kazan-sovetsky"
    assert residence(in_chelny, within=tatarstan) == "chelny-sovetsky"
    # Without a locality the formatted line names the city beside the district.
    formatted = {"address": {"formatted": "Республика Татарстан, г. Казань, Советский р-н"}}
    assert residence(formatted, within=tatarstan) == "kazan-sovetsky"
    # A bare district name in two cities places nobody in either.
    assert residence({"address": {"district": "Советский район"}}, within=tatarstan) is None


# --- ESIA-like: a list of addresses with register codes ----------------------------------------

ESIA_MAPPING = {
    "address": "addresses[type=PRG]",
    "oktmo": "addresses[type=PRG].oktmo",
    "fias_id": "addresses[type=PRG].cityFiasCode",
    "formatted": "addresses[type=PRG].addressStr",
    "locality": "addresses[type=PRG].city",
}


def esia_addresses(**registration) -> dict:
    """ESIA-like: the place of stay (PLV) first, the registration (PRG) that gives residence
    second, with codes; the city written ESIA's way, the kind after the name."""
    return {
        "sub": "1000100001",
        "addresses": [
            {
                "type": "PLV",
                "addressStr": "Республика Татарстан, г. Казань, Приволжский р-н, ул. Зорге, 10",
                "oktmo": TERRITORY_CODES["kazan-privolzhsky"]["oktmo"],
                "city": "Казань г",
            },
            {
                "type": "PRG",
                "addressStr": "Татарстан Респ, Казань г, ул. Пушкина, д. 5, кв. 12",
                "city": "Казань г",
                "cityFiasCode": KAZAN_FIAS,
                **registration,
            },
        ],
    }


def test_esia_registration_address_is_placed_by_its_oktmo_code(kazan):
    data = esia_addresses(oktmo=SOVETSKY_OKTMO)
    assert residence(data, ESIA_MAPPING, within=kazan) == "kazan-sovetsky"


def test_a_code_outranks_a_district_name_that_contradicts_it(kazan):
    data = esia_addresses(
        oktmo=SOVETSKY_OKTMO,
        addressStr="Татарстан Респ, Казань г, Вахитовский р-н, ул. Пушкина, д. 5",
    )
    assert residence(data, ESIA_MAPPING, within=kazan) == "kazan-sovetsky"


def test_a_city_level_code_is_refined_by_the_district_named_in_the_address(kazan):
    """A settlement code inside the okrug (…001) places the person in Kazan; the address line
    then names the district inside it."""
    data = esia_addresses(
        oktmo="92701000001",
        addressStr="Татарстан Респ, Казань г, Вахитовский р-н, ул. Пушкина, д. 5",
    )
    assert residence(data, ESIA_MAPPING, within=kazan) == "kazan-vakhitovsky"


def test_a_fias_code_alone_places_the_person_in_the_city(kazan):
    data = esia_addresses(city="", addressStr="")
    assert residence(data, ESIA_MAPPING, within=kazan) == "kazan"


def test_an_oktmo_given_as_a_number_is_still_a_code(kazan):
    data = esia_addresses(oktmo=int(VAKHITOVSKY_OKTMO))
    assert residence(data, ESIA_MAPPING, within=kazan) == "kazan-vakhitovsky"


# --- A bank ID / city sign-on: components of its own -----------------------------------------

BANK_MAPPING = {
    "address": "addresses[addressType=REGISTRATION_ADDRESS]",
    "district": [
        "addresses[addressType=REGISTRATION_ADDRESS].cityDistrict",
        "addresses[addressType=REGISTRATION_ADDRESS].area",
    ],
    "locality": "addresses[addressType=REGISTRATION_ADDRESS].city",
}


def bank_addresses(**registration) -> dict:
    return {
        "sub": "b-42",
        "addresses": [
            {"addressType": "HOME_ADDRESS", "city": "Казань", "cityDistrict": "Кировский"},
            {
                "addressType": "REGISTRATION_ADDRESS",
                "region": "Татарстан",
                "city": "г Казань",
                "street": "пр-кт Ямашева",
                "house": "45",
                **registration,
            },
        ],
    }


def test_a_bank_district_component_without_its_kind_word_is_found(kazan):
    data = bank_addresses(cityDistrict="Ново-Савиновский")
    assert residence(data, BANK_MAPPING, within=kazan) == "kazan-novo-savinovsky"


def test_the_next_mapped_component_is_tried_when_the_first_is_empty(kazan):
    data = bank_addresses(cityDistrict="", area="р-н Ново-Савиновский")
    assert residence(data, BANK_MAPPING, within=kazan) == "kazan-novo-savinovsky"


def test_the_home_address_does_not_stand_for_the_registration(kazan):
    data = bank_addresses()
    assert residence(data, BANK_MAPPING, within=kazan) == "kazan"


def test_a_district_in_english_is_found_too(kazan):
    data = bank_addresses(city="Kazan", cityDistrict="Novo-Savinovsky District")
    assert residence(data, BANK_MAPPING, within=kazan) == "kazan-novo-savinovsky"


def test_a_place_outside_the_providers_territory_is_not_a_residence(kazan):
    data = bank_addresses(city="Москва", cityDistrict="Пресненский")
    assert residence(data, BANK_MAPPING, within=kazan) is None


# --- Names as words ------------------------------------------------------------------------------

DISTRICT_NAMES = [name_ru for _c, _p, kind, name_ru, _en, _n in TERRITORIES if kind == "district"]


def district(name: str) -> Territory:
    return Territory(code="district", kind=Territory.Kind.DISTRICT, name={"ru": name})


@given(
    st.sampled_from(DISTRICT_NAMES),
    st.text(alphabet="абвгдежз0123456789", min_size=1, max_size=4),
    st.sampled_from(["{name}-{tail}", "{tail}-{name}", "{name}{tail}", "{tail}{name}"]),
)
def test_a_name_with_anything_joined_to_it_is_another_name(name, tail, shape):
    core = name.removesuffix(" район")
    text = "г. Казань, " + shape.format(name=core, tail=tail) + " р-н, ул. Пушкина, 5"
    assert not mentions(text, district(name))


@given(
    st.sampled_from(DISTRICT_NAMES),
    st.lists(st.booleans(), min_size=40, max_size=40),
    st.sampled_from([" ", "  ", "\t"]),
    st.sampled_from(["{core} район", "{core} р-н", "р-н {core}", "{core}"]),
)
def test_a_name_is_found_whatever_its_case_spacing_and_kind_word(name, upper, space, shape):
    core = name.removesuffix(" район")
    written = "".join(c.upper() if up else c for c, up in zip(core, upper, strict=False))
    written += core[len(upper) :]
    text = "420111, г. Казань, " + shape.format(core=written).replace(" ", space) + ", ул. Пушкина"
    assert mentions(text, district(name))
