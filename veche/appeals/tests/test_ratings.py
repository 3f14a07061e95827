"""Organizations' public scores: Bayesian ratings and deadlines kept."""

import pytest

from tests.factories import make_organization, make_problem, make_resident, make_territory
from veche.appeals.models import Appeal, Rating
from veche.appeals.ratings import scores

pytestmark = pytest.mark.django_db


def rated(organization, values, *, on_time=True):
    district = make_territory()
    for value in values:
        appeal = make_problem(territory=district, organization=organization).current_appeal
        Appeal.objects.filter(pk=appeal.pk).update(
            status=Appeal.Status.ANSWERED,
            answered_at="2026-11-01T10:00:00Z",
            answered_on_time=on_time,
        )
        Rating.objects.create(appeal=appeal, user=make_resident(district), score=value)


def test_one_enthusiastic_vote_does_not_make_a_leader():
    lucky, steady = make_organization("lucky"), make_organization("steady")
    rated(make_organization("poor"), [1, 2, 2, 1, 3])  # the city-wide mean is about 3.5
    rated(lucky, [5])
    rated(steady, [5, 5, 4, 5, 5, 4, 5, 5])
    ranking = scores([lucky, steady])
    assert [s.organization for s in ranking] == [steady, lucky]
    assert ranking[1].average == 5.0
    assert ranking[1].bayesian < ranking[0].bayesian


def test_late_answers_lower_the_score():
    punctual, late = make_organization("punctual"), make_organization("late")
    rated(punctual, [4, 4, 4])
    rated(late, [4, 4, 4], on_time=False)
    ranking = scores([late, punctual])
    assert ranking[0].organization == punctual
    assert ranking[0].on_time_share == 1.0
    assert ranking[1].on_time_share == 0.0


def test_an_organization_without_data_gets_the_neutral_prior():
    [score] = scores([make_organization()])
    assert score.ratings == 0
    assert score.average is None
    assert score.bayesian == 3.0
