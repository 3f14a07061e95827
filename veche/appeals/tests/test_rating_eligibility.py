"""Whose rating counts: staff of the addressee or of an organization above it may not rate the
answer (`works_for_addressee`), and their ratings, if any, are left out of every total; so are
the ratings of a signatory whose signature a moderator invalidated. Control is lifted only by a
head of the organization that took it, or above (`may_lift_control`)."""

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    make_appeal,
    make_organization,
    make_problem,
    make_resident,
    make_signature,
    make_staff,
    make_territory,
)
from tests.sign_in import enter
from veche.appeals.models import Appeal, Rating, Revision, SignatureInvalidation
from veche.appeals.queries import ratings_summary
from veche.appeals.ratings import counted_ratings, scores
from veche.appeals.services import rate_answer, send_appeal_now, set_under_control
from veche.cabinet.queries import CabinetScope, subordinate_report
from veche.opendata.datasets.appeals import ANSWERS
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


Role = Membership.Role


@pytest.fixture
def city_hall():
    return make_organization("city-hall")


@pytest.fixture
def office(city_hall):
    return make_organization("district-office", parent=city_hall)


@pytest.fixture
def district():
    return make_territory("vakhitovsky")


@pytest.fixture
def answered(office, district):
    return make_appeal(
        organization=office,
        territory=district,
        status=Appeal.Status.ANSWERED,
        answered_at=timezone.now(),
        answered_on_time=True,
        rating_until=timezone.now() + timezone.timedelta(days=14),
    )


def signed_by(appeal, person):
    make_signature(appeal, person)
    return person


def rating(appeal, person, score):
    return Rating.objects.create(appeal=appeal, user=person, score=score)


# --- Who may rate ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["addressee", "above"])
def test_staff_of_the_addressee_or_above_may_not_rate_even_as_signatories(
    answered, office, city_hall, district, where
):
    organization = office if where == "addressee" else city_hall
    staff = signed_by(answered, make_resident(district))
    Membership.objects.create(user=staff, organization=organization, role=Role.OFFICIAL)
    assert not rules.has_perm("appeals.rate_answer", staff, answered)
    with pytest.raises(PermissionDenied):
        rate_answer(user=staff, appeal=answered, score=5)
    assert not Rating.objects.exists()


def test_staff_of_another_organization_rates_as_any_signatory(answered, district):
    elsewhere = signed_by(answered, make_resident(district))
    Membership.objects.create(user=elsewhere, organization=make_organization(), role=Role.HEAD)
    assert rules.has_perm("appeals.rate_answer", elsewhere, answered)


def test_a_signature_awaiting_confirmation_does_not_rate(answered, district):
    """Given to a text the author then changed in substance, and never confirmed: it did not
    go to the addressee, so its signatory does not rate the answer to what did."""
    counted = signed_by(answered, make_resident(district))
    waiting = signed_by(answered, make_resident(district))
    later = Revision.objects.create(
        appeal=answered, number=2, text="Новый текст", author=answered.problem.author
    )
    answered.signatures.filter(user=counted).update(revision=later)
    Appeal.objects.filter(pk=answered.pk).update(signatures_from=2)
    answered.refresh_from_db()
    assert rules.has_perm("appeals.rate_answer", counted, answered)
    assert not rules.has_perm("appeals.rate_answer", waiting, answered)
    with pytest.raises(PermissionDenied):
        rate_answer(user=waiting, appeal=answered, score=1)
    assert not Rating.objects.exists()


# --- Whose ratings count ---------------------------------------------------------------------


@pytest.fixture
def ratings(answered, office, city_hall, district):
    """A neighbour's 4; a 5 by an official of the addressee and by a head of the city hall
    (given before they joined); a 5 by a signatory whose signature was invalidated."""
    neighbour = signed_by(answered, make_resident(district))
    rating(answered, neighbour, 4)
    for organization, role in ((office, Role.OFFICIAL), (city_hall, Role.HEAD)):
        insider = signed_by(answered, make_resident(district))
        rating(answered, insider, 5)
        Membership.objects.create(user=insider, organization=organization, role=role)
    fake = make_resident(district)
    invalidation = SignatureInvalidation.objects.create(
        appeal=answered, ground="Подписи ботов", count=1
    )
    make_signature(answered, fake, withdrawn=True, invalidation=invalidation)
    rating(answered, fake, 5)
    return neighbour


def test_only_the_neighbour_s_rating_counts(ratings, answered):
    assert list(counted_ratings().values_list("user", flat=True)) == [ratings.pk]
    assert ratings_summary(answered) == {"count": 1, "average": 4.0}


def test_the_league_counts_only_the_neighbour(ratings, office):
    [score] = scores([office])
    assert (score.ratings, score.average) == (1, 4.0)


def test_the_cabinet_report_counts_only_the_neighbour(ratings, office, city_hall):
    scope = CabinetScope(own=[city_hall], head_of={city_hall.pk})
    scope.overseen = [(city_hall, 0), (office, 1)]
    rows, total = subordinate_report(scope, timezone.localdate())
    row = next(row for row in rows if row.organization == office)
    assert (row.rating_count, row.rating_average) == (1, 4.0)
    assert total.rating_count == 1


def test_the_open_data_counts_only_the_neighbour(ratings, answered, office):
    from veche.appeals.models import Answer

    Answer.objects.create(
        appeal=answered,
        organization=office,
        official=make_staff(office),
        kind=Answer.Kind.FINAL,
        text="Отремонтировано.",
    )
    [row] = list(ANSWERS.rows(timezone.localdate()))
    assert (row.rating_count, row.rating_mean) == (1, 4.0)


# --- Lifting control -------------------------------------------------------------------------


@pytest.fixture
def controlled(office, city_hall):
    problem = make_problem(organization=office)
    send_appeal_now(author=problem.author, appeal=problem.current_appeal)
    appeal = Appeal.objects.get(pk=problem.current_appeal_id)
    set_under_control(head=make_staff(city_hall, Role.HEAD), appeal=appeal, under_control=True)
    return Appeal.objects.get(pk=appeal.pk)


def test_the_addressee_s_head_does_not_lift_control_its_superior_took(controlled, office):
    head = make_staff(office, Role.HEAD)
    assert not rules.has_perm("appeals.lift_control", head, controlled)
    with pytest.raises(PermissionDenied):
        set_under_control(head=head, appeal=controlled, under_control=False)
    assert Appeal.objects.get(pk=controlled.pk).under_control


def test_a_head_of_the_controlling_organization_lifts_it(controlled, city_hall):
    head = make_staff(city_hall, Role.HEAD)
    set_under_control(head=head, appeal=controlled, under_control=False)
    assert not Appeal.objects.get(pk=controlled.pk).under_control


def test_the_cabinet_does_not_offer_the_addressee_s_head_to_lift_it(client, controlled, office):
    head = make_staff(office, Role.HEAD)
    enter(client, head)
    page = client.get(reverse("cabinet:appeal", args=[controlled.pk]))
    assert "control" not in page.context["forms"]
    refused = client.post(
        reverse("cabinet:control", args=[controlled.pk]), {"control-under_control": "False"}
    )
    assert refused.status_code == 403
    assert Appeal.objects.get(pk=controlled.pk).under_control
