"""Signals and alerts: where the last hour's signatures come from (network, new accounts,
census import, an appeal against its usual pace); above a threshold an alert is stored once an
hour and every moderator hears of it (a notice and an e-mail)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import (
    make_appeal,
    make_organization,
    make_signature,
    make_staff,
    make_user,
    set_fields,
)
from tests.sign_in import enter
from veche.appeals.fraud import signing_sources, watch
from veche.appeals.models import FraudAlert, Signature
from veche.core.models import AuditEvent
from veche.core.ratelimits import client_for
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
BOTS = client_for("198.51.100.17").network


@pytest.fixture
def moderator():
    return make_staff(make_organization("executive-committee"), Membership.Role.MODERATOR)


def signatures(appeal, count, *, source=BOTS, ago=datetime.timedelta(minutes=5), **user):
    made = []
    for _ in range(count):
        signature = make_signature(appeal, make_user(**user), source=source)
        made.append(set_fields(signature, created_at=timezone.now() - ago))
    return made


def test_a_network_above_the_threshold_raises_one_alert_an_hour(settings, moderator):
    settings.VECHE_FRAUD_NETWORK_HOURLY = 5
    appeal = make_appeal(threshold=1000)
    signatures(appeal, 5)
    signatures(appeal, 4, source=client_for("203.0.113.5").network)

    assert watch() >= 1
    assert watch() == 0  # the same hour: nothing new

    alert = FraudAlert.objects.get(kind=FraudAlert.Kind.NETWORK)
    assert (alert.key, alert.count, alert.threshold) == (BOTS, 5, 5)
    assert AuditEvent.objects.filter(action="fraud.alert", object_id=str(alert.pk)).exists()
    deliver_events()
    notice = Notification.objects.get(user=moderator, kind="fraud_alert")
    assert "5" in notice.body


def test_signatures_older_than_an_hour_or_invalidated_are_not_counted(settings):
    settings.VECHE_FRAUD_NETWORK_HOURLY = 3
    appeal = make_appeal(threshold=1000)
    signatures(appeal, 3, ago=datetime.timedelta(hours=2))
    signatures(appeal, 2)
    assert signing_sources()["networks"][0]["signatures"] == 2
    watch()
    assert not FraudAlert.objects.filter(kind=FraudAlert.Kind.NETWORK).exists()


def test_an_appeal_signed_far_faster_than_its_usual_pace_raises_an_alert(settings):
    settings.VECHE_FRAUD_PACE_MINIMUM = 10
    settings.VECHE_FRAUD_PACE_FACTOR = 10
    settings.VECHE_FRAUD_NETWORK_HOURLY = 1000
    calm, viral = make_appeal(threshold=1000), make_appeal(threshold=1000)
    # Both have had a signature an hour for the past day.
    for appeal in (calm, viral):
        for hour in range(2, 26):
            signatures(appeal, 1, source="", ago=datetime.timedelta(hours=hour))
    signatures(calm, 3, source="")
    signatures(viral, 15, source="")

    rows = {row["appeal"].pk: row for row in signing_sources()["appeals"]}
    assert rows[viral.pk]["alert"] and not rows[calm.pk]["alert"]
    assert 0.5 < rows[viral.pk]["usual"] < 1.5
    watch()
    assert set(FraudAlert.objects.values_list("kind", "appeal")) == {("pace", viral.pk)}


def test_new_accounts_and_census_imports_are_counted(settings):
    settings.VECHE_FRAUD_NEW_ACCOUNT_HOURLY = 4
    settings.VECHE_FRAUD_CENSUS_HOURLY = 3
    appeal = make_appeal(threshold=1000)
    made = signatures(appeal, 4, source="")
    for signature in made[:3]:
        record_verification(
            user=signature.user,
            level=Level.CENSUS,
            source=Verification.Source.CENSUS,
            source_reference="census:42",
            claims={},
        )
    old = signatures(appeal, 2, source="")
    for signature in old:
        set_fields(signature.user, date_joined=timezone.now() - datetime.timedelta(days=30))

    found = signing_sources()
    assert found["new_accounts"] == 4
    assert found["census"] == [{"census": "census:42", "signatures": 3, "alert": True}]
    watch()
    assert set(FraudAlert.objects.values_list("kind", "key")) == {
        ("new_accounts", ""),
        ("census", "census:42"),
    }


def test_the_watch_forgets_old_sources(settings):
    settings.VECHE_SOURCE_DAYS = 90
    appeal = make_appeal(threshold=1000)
    old = signatures(appeal, 1, ago=datetime.timedelta(days=91))[0]
    recent = signatures(appeal, 1, ago=datetime.timedelta(days=89))[0]
    call_command("fraud_watch")
    assert Signature.objects.get(pk=old.pk).source == ""
    assert Signature.objects.get(pk=recent.pk).source == BOTS


def test_the_moderators_page_shows_the_sources_and_their_alerts(client, settings, moderator):
    settings.VECHE_FRAUD_NETWORK_HOURLY = 3
    appeal = make_appeal(threshold=1000, title="Вырубка сквера на Баумана")
    signatures(appeal, 3)
    watch()
    enter(client, moderator)
    page = client.get("/signing/sources/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert BOTS in page.text
    assert "Вырубка сквера на Баумана" in page.text
    assert "above the threshold" in page.text
    assert "198.51.100" not in page.text  # the network by its hash, never its address
