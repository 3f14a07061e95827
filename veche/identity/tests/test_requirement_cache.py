"""An action's requirement is kept in the shared cache (every signature of a surge asks for it),
and an operator's change of a rule or of a territory applies to the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_territory, make_user
from veche.identity.eligibility import check_eligibility, requirement_for
from veche.identity.models import EligibilityRule, Level
from veche.identity.tests.test_eligibility_reasons import district, sign_rule, verified_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazan():
    city = make_territory("kazan", ru="Казань", en="Kazan")
    make_territory("kazan-vakhitovsky", parent=city, ru="Вахитовский район", en="Vakhitovsky")
    make_territory("kazan-sovetsky", parent=city, ru="Советский район", en="Sovetsky")
    return city


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def test_a_second_ask_reads_no_rule_from_the_database(kazan):
    sign_rule("kazan-vakhitovsky")
    first, requirement = queries_of(lambda: requirement_for("sign"))
    again, cached = queries_of(lambda: requirement_for("sign"))
    assert first >= 1
    assert again == 0
    assert cached == requirement


def test_a_new_territory_on_the_rule_applies_to_the_next_check(kazan):
    rule = sign_rule("kazan-vakhitovsky")
    neighbour = verified_resident("kazan-sovetsky")
    assert not check_eligibility(neighbour, "sign").allowed
    rule.territories.add(district("kazan-sovetsky"))
    assert check_eligibility(neighbour, "sign").allowed


def test_a_raised_level_applies_to_the_next_check(kazan):
    rule = EligibilityRule.objects.create(action="sign", min_level=Level.EMAIL)
    person = make_user()
    assert check_eligibility(person, "sign").allowed
    rule.min_level = Level.PROVIDER
    rule.save()
    assert not check_eligibility(person, "sign").allowed


def test_a_deleted_rule_of_an_object_falls_back_to_the_site_wide_one(kazan):
    from django.contrib.contenttypes.models import ContentType

    sign_rule("kazan-vakhitovsky")
    target = district("kazan-sovetsky")
    own = EligibilityRule.objects.create(
        action="sign",
        min_level=Level.PROVIDER,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )
    own.territories.set([target])
    person = verified_resident("kazan-sovetsky")
    assert check_eligibility(person, "sign", target).allowed
    own.delete()
    assert not check_eligibility(person, "sign", target).allowed


def test_a_renamed_territory_is_named_anew(kazan):
    sign_rule("kazan-vakhitovsky")
    before = requirement_for("sign").territories
    place = district("kazan-vakhitovsky")
    place.name = {"ru": "Вахитовский район Казани", "en": "Vakhitovsky of Kazan"}
    place.save()
    after = requirement_for("sign").territories
    assert after != before
    assert after[0][0] == before[0][0]  # the same territory, by its path


def test_each_language_reads_the_territories_named_in_its_own(kazan):
    from django.utils import translation

    from veche.identity.eligibility import describe

    sign_rule("kazan-vakhitovsky")
    with translation.override("en"):
        assert "Vakhitovsky" in describe(requirement_for("sign"))  # kept, named in English
    with translation.override("ru"):
        assert "Вахитовский район" in describe(requirement_for("sign"))
