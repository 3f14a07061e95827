"""Invalidation of signatures with a trail: a moderator counts out one signature, or every
signature from one source network in a time window, with a ground; the count is recomputed
exactly, the signatories are told, the appeal's page says so, an addressee that already
received the appeal is told, and all of it is audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_organization, make_problem, make_resident, make_staff, make_user
from veche.appeals.fraud import invalidate_signatures
from veche.appeals.models import Appeal, Signature
from veche.appeals.services import send_appeal_now, sign_appeal
from veche.core.models import AuditEvent
from veche.core.ratelimits import acting_from, client_for
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

GROUND = "Подписи поставлены программой с одной сети за две минуты"
BOTS = "198.51.100.17"  # the bots' network
PEOPLE = "203.0.113.5"  # real neighbours elsewhere


@pytest.fixture
def moderator():
    return make_staff(make_organization("executive-committee"), Membership.Role.MODERATOR)


def signed(appeal, territory, address, count):
    people = [make_resident(territory) for _ in range(count)]
    with acting_from(address):
        for person in people:
            sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))
    return people


@pytest.fixture
def appeal(office):
    problem = make_problem(organization=office, threshold=100)
    return problem.current_appeal


def test_every_signature_from_a_source_is_counted_out_and_the_count_is_exact(appeal, moderator):
    territory = appeal.problem.territory
    bots = signed(appeal, territory, BOTS, 6)
    neighbours = signed(appeal, territory, PEOPLE, 3)
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 10

    done = invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
    )

    appeal.refresh_from_db()
    assert done.count == 6
    assert appeal.signature_count == 4  # the author and three neighbours
    counted = set(
        appeal.signatures.filter(withdrawn_at__isnull=True).values_list("user", flat=True)
    )
    assert counted == {appeal.problem.author_id, *(person.pk for person in neighbours)}
    assert set(done.signatures.values_list("user", flat=True)) == {person.pk for person in bots}


def test_a_time_window_limits_what_is_counted_out(appeal, moderator):
    territory = appeal.problem.territory
    early = signed(appeal, territory, BOTS, 2)
    Signature.objects.filter(user__in=early).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    signed(appeal, territory, BOTS, 3)
    since = timezone.now() - datetime.timedelta(hours=1)

    done = invalidate_signatures(
        moderator=moderator,
        appeal=appeal,
        ground=GROUND,
        source=client_for(BOTS).network,
        since=since,
    )

    assert done.count == 3
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 3  # the author and the early two
    assert not Signature.objects.filter(user__in=early, invalidation__isnull=False).exists()


def test_one_signature_is_counted_out(appeal, moderator):
    person = signed(appeal, appeal.problem.territory, PEOPLE, 2)[0]
    signature = Signature.objects.get(appeal=appeal, user=person)

    done = invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, signature=signature
    )

    signature.refresh_from_db()
    assert done.count == 1 and signature.invalidation == done and signature.withdrawn_at
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 2


def test_the_page_shows_how_many_were_invalidated_when_and_why(client, appeal, moderator):
    signed(appeal, appeal.problem.territory, BOTS, 3)
    invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
    )
    page = client.get(appeal.problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    today = timezone.localdate()
    assert f"3 signatures invalidated on {today:%-d} " in page.text
    assert GROUND in page.text


def test_the_invalidation_is_audited_with_the_counts_before_and_after(appeal, moderator):
    signed(appeal, appeal.problem.territory, BOTS, 4)
    done = invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
    )
    event = AuditEvent.objects.get(action="appeal.signatures_invalidated")
    assert event.actor == moderator
    assert event.object_id == str(appeal.pk)
    assert event.data["invalidation"] == done.pk
    assert (event.data["count_before"], event.data["count_after"]) == (5, 1)
    assert event.data["ground"] == GROUND
    assert event.data["selection"]["source"] == client_for(BOTS).network


def test_the_signatories_counted_out_are_told_and_no_one_else(appeal, moderator, office):
    bots = signed(appeal, appeal.problem.territory, BOTS, 2)
    signed(appeal, appeal.problem.territory, PEOPLE, 2)
    official = make_staff(office, Membership.Role.OFFICIAL)
    invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
    )
    deliver_events()
    told = Notification.objects.filter(kind="signature_invalidated")
    assert set(told.values_list("user", flat=True)) == {person.pk for person in bots}
    assert all(GROUND in notice.body for notice in told)
    # Still collecting: the addressee has nothing to hear.
    assert not Notification.objects.filter(user=official).exists()


def test_the_addressee_is_told_when_the_appeal_had_been_sent(appeal, moderator, office):
    signed(appeal, appeal.problem.territory, BOTS, 3)
    send_appeal_now(author=appeal.problem.author, appeal=appeal)
    official = make_staff(office, Membership.Role.OFFICIAL)
    deliver_events()

    done = invalidate_signatures(
        moderator=moderator, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
    )
    deliver_events()

    assert done.after_dispatch
    notice = Notification.objects.get(user=official, kind="signatures_invalidated_addressee")
    assert GROUND in notice.body and "1" in notice.body
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 1


@pytest.mark.parametrize("who", ["resident", "official", "anonymous"])
def test_only_moderators_invalidate(appeal, office, who):
    from django.contrib.auth.models import AnonymousUser

    signed(appeal, appeal.problem.territory, BOTS, 2)
    actor = {
        "resident": lambda: make_user(),
        "official": lambda: make_staff(office, Membership.Role.HEAD),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        invalidate_signatures(
            moderator=actor, appeal=appeal, ground=GROUND, source=client_for(BOTS).network
        )
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 3
    assert not AuditEvent.objects.filter(action="appeal.signatures_invalidated").exists()


@pytest.mark.parametrize(
    "choice",
    [
        {"ground": "спам"},  # too short a ground
        {"source": ""},  # neither one signature nor a source
        {"source": "0123456789abcdef"},  # a source that signed nothing here
        {"since": timezone.now(), "until": timezone.now() - datetime.timedelta(hours=1)},
    ],
)
def test_a_bad_choice_changes_nothing(appeal, moderator, choice):
    signed(appeal, appeal.problem.territory, BOTS, 2)
    arguments = {"ground": GROUND, "source": client_for(BOTS).network} | choice
    with pytest.raises(ValidationError):
        invalidate_signatures(moderator=moderator, appeal=appeal, **arguments)
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 3
    assert not Signature.objects.filter(invalidation__isnull=False).exists()


def test_a_moderator_invalidates_from_the_page(client, appeal, moderator):
    from tests.sign_in import enter

    signed(appeal, appeal.problem.territory, BOTS, 2)
    enter(client, moderator)
    source = client_for(BOTS).network
    form = client.get(f"/signing/invalidate/?source={source}")
    assert form.status_code == 200 and source in form.text
    response = client.post(
        "/signing/invalidate/",
        {"problem": appeal.problem_id, "source": source, "ground": GROUND},
    )
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 1


@pytest.mark.parametrize("path", ["/signing/invalidate/", "/signing/sources/"])
def test_the_pages_are_closed_to_residents(client, path):
    client.force_login(make_user())
    assert client.get(path).status_code == 403


# --- While people sign (PostgreSQL: the transactions race each other) -------------------------


@ONLY_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_invalidations_while_people_sign_keep_the_count_exact(settings, office):
    """40 people sign, half from the bots' network, while a moderator invalidates the bots'
    network three times over: whatever the order, the count equals the signatures that stand,
    each invalidation counted out exactly what it names, and none of the later signatures from
    the bots' network was counted out by an invalidation that started before it was stored."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    moderator = make_staff(make_organization("executive-committee"), Membership.Role.MODERATOR)
    appeal = make_problem(organization=office, threshold=1000).current_appeal
    territory = appeal.problem.territory
    signed(appeal, territory, BOTS, 10)  # the surge already under way
    arriving = [(BOTS if n % 2 else PEOPLE, make_resident(territory)) for n in range(40)]
    source = client_for(BOTS).network

    def act(step):
        if step == "invalidate":
            invalidate_signatures(
                moderator=moderator,
                appeal=Appeal.objects.get(pk=appeal.pk),
                ground=GROUND,
                source=source,
            )
            return
        address, person = step
        with acting_from(address):
            sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))

    steps = [*arriving[:10], "invalidate", *arriving[10:25], "invalidate", *arriving[25:]]
    steps.append("invalidate")
    outcomes = at_once(act, steps, threads=12)

    appeal.refresh_from_db()
    standing = Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True)
    assert outcomes.get("done", 0) + outcomes.get("refused", 0) == len(steps)
    assert outcomes.get("refused", 0) <= 2  # only an invalidation that found nothing left
    assert appeal.signature_count == standing.count()
    invalidated = Signature.objects.filter(appeal=appeal, invalidation__isnull=False)
    assert sum(i.count for i in appeal.invalidations.all()) == invalidated.count()
    assert invalidated.exclude(source=source).count() == 0
    assert standing.filter(source=client_for(PEOPLE).network).count() == 20
    assert 1 + 10 + 40 - invalidated.count() == appeal.signature_count  # author, surge, arriving
    for invalidation in appeal.invalidations.all():
        later = Signature.objects.filter(
            appeal=appeal, invalidation=invalidation, created_at__gt=invalidation.created_at
        )
        assert not later.exists()


@pytest.mark.parametrize(
    "form",
    [
        {"problem": 999999, "source": "0123456789abcdef"},  # no such problem
        {"source": "198.51.100.0/24"},  # an address, not a source's hash
        {"signature": 999999},  # not a signature of this appeal
        {"source": "0123456789abcdef", "signature": 1},  # both at once
        {"problem": "2" * 40, "source": "0123456789abcdef"},  # a number past 64 bits
    ],
)
def test_a_bad_form_is_answered_with_a_message_and_changes_nothing(client, appeal, moderator, form):
    from tests.sign_in import enter

    signed(appeal, appeal.problem.territory, BOTS, 2)
    enter(client, moderator)
    data = {"problem": appeal.problem_id, "ground": GROUND} | form
    response = client.post("/signing/invalidate/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'class="field__errors"' in response.text or 'class="form__errors"' in response.text
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 3
    assert not Signature.objects.filter(invalidation__isnull=False).exists()
