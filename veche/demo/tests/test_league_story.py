"""The demo city's organizations have histories that make the rating of organizations tell a
story, and its operator has a dispatch that failed for good waiting, with the alert."""

import pytest
from django.core.management import call_command

from veche.accounts.models import User
from veche.appeals.models import Dispatch
from veche.appeals.ratings import league
from veche.core.models import AuditEvent
from veche.demo.operators import OPERATOR_EMAIL
from veche.notifications.models import Event, Notification
from veche.notifications.tests.builders import deliver_events
from veche.territories.models import Territory

# One demo for the module (conftest.py, `demo_city`), loaded with tasks queued, not run.
DEMO_SETTINGS = {"TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}}
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_city"),
    pytest.mark.xdist_group("demo-league"),
]


def test_the_citys_rating_has_leaders_laggards_overdue_appeals_and_newcomers():
    result = league(Territory.objects.get(code="kazan"))
    ranked = [row.organization.slug for row in result.ranked]
    assert ranked[0] == "kazan-improvement-committee"  # fast and well rated
    assert ranked[-1] == "kazan-vodokanal"  # late, badly rated, an appeal overdue
    rows = {row.organization.slug: row for row in result.ranked}
    assert rows["kazan-improvement-committee"].answer_days < rows["kazan-vodokanal"].answer_days
    assert rows["kazan-vodokanal"].bayesian < 3 < rows["kazan-improvement-committee"].bayesian
    assert rows["kazan-admin-kirovsky-moskovsky"].overdue_now >= 2
    unjudged = {row.organization.slug for row in result.unjudged}
    assert {"kazan-architecture", "kazan-metroelectrotrans"} <= unjudged
    # A district's table is its own administration's and the city-wide organizations'.
    sovetsky = league(Territory.objects.get(code="kazan-sovetsky"))
    slugs = {row.organization.slug for row in [*sovetsky.ranked, *sovetsky.unjudged]}
    assert "kazan-admin-sovetsky" in slugs
    assert "kazan-admin-kirovsky-moskovsky" not in slugs


def test_the_operator_is_told_of_the_dispatch_that_failed_for_good_once():
    call_command("demo")  # a second load alerts nobody again
    operator = User.objects.get(email=OPERATOR_EMAIL)
    assert operator.is_staff and not operator.is_superuser
    assert operator.has_perm("appeals.change_dispatch")
    assert operator.has_perm("appeals.add_responsibility")
    [given_up] = [d for d in Dispatch.objects.all() if d.status == Dispatch.Status.GAVE_UP]
    assert given_up.message.last_error.startswith("SMTPRecipientsRefused")
    assert AuditEvent.objects.filter(action="dispatch.gave_up").count() == 1
    assert Event.objects.filter(name="gave_up").count() == 1
    deliver_events()
    alert = Notification.objects.get(user=operator, kind="dispatch_gave_up")
    assert alert.url == f"/admin/appeals/dispatch/{given_up.pk}/change/"
