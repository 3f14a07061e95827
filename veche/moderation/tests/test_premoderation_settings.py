"""Where pre-moderation applies: the site's level (VECHE_PREMODERATION_BELOW_LEVEL), overridden
for a territory and those inside it by an operator's setting, which only operators with the
permission change, each change with an audit row."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import make_resident, make_territory, make_user
from tests.sign_in import TOTP_SECRET, enter
from veche.core.models import AuditEvent
from veche.identity.models import Level
from veche.moderation.models import Premoderation
from veche.moderation.premoderation import holds_for, level_in

pytestmark = pytest.mark.django_db
ADD = reverse("admin:moderation_premoderation_add")


@pytest.fixture
def city():
    return make_territory(kind="city")


@pytest.fixture
def district(city):
    return make_territory(parent=city)


def operator(*codenames: str):
    user = make_user(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="moderation", codename__in=codenames)
    )
    TOTP.activate(user, TOTP_SECRET)
    return user


def test_the_site_setting_decides_where_no_territory_has_its_own(settings, district):
    settings.VECHE_PREMODERATION_BELOW_LEVEL = "phone"
    assert level_in(district) == Level.PHONE
    assert holds_for(make_resident(district, level=Level.EMAIL), district)
    assert not holds_for(make_resident(district, level=Level.PHONE), district)


def test_a_city_setting_covers_its_districts_and_the_nearest_one_wins(settings, city, district):
    settings.VECHE_PREMODERATION_BELOW_LEVEL = ""
    Premoderation.objects.create(territory=city, below_level=Level.PROVIDER)
    assert level_in(district) == Level.PROVIDER
    Premoderation.objects.create(territory=district, below_level=None)
    assert level_in(district) is None
    assert level_in(city) == Level.PROVIDER


def test_an_operator_with_the_permission_sets_a_territory_and_it_is_audited(client, district):
    enter(client, operator("view_premoderation", "add_premoderation"))
    response = client.post(ADD, {"territory": district.pk, "below_level": Level.CENSUS})
    assert response.status_code == 302
    assert Premoderation.objects.get().below_level == Level.CENSUS
    event = AuditEvent.objects.get(action="moderation.premoderation_set")
    assert event.data["territory"] == district.code
    assert event.data["below_level"] == Level.CENSUS


def test_staff_without_the_permission_cannot_set_it(client, district):
    enter(client, operator("view_premoderation"))
    response = client.post(ADD, {"territory": district.pk, "below_level": Level.CENSUS})
    assert response.status_code == 403
    assert not Premoderation.objects.exists()


def test_removing_a_territory_setting_is_audited(client, district):
    rule = Premoderation.objects.create(territory=district, below_level=Level.PHONE)
    enter(client, operator("view_premoderation", "delete_premoderation"))
    url = reverse("admin:moderation_premoderation_delete", args=[rule.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Premoderation.objects.exists()
    assert AuditEvent.objects.filter(action="moderation.premoderation_removed").count() == 1
