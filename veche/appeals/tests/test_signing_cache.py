"""Signing reads its problem, appeal and current revision from the shared cache (every signature
of a surge asks for them): a second signature reads none of them from the database, and every
change that matters to a signature applies to the very next one: a new revision of the text,
the dispatch at the threshold (made by a queryset update, which sends no signal), a moderator
hiding the problem, the final answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import make_organization, make_problem, make_resident, make_staff
from veche.appeals.models import Appeal, Signature
from veche.appeals.services import revise_appeal
from veche.moderation.services import hide_content
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem():
    return make_problem(threshold=10, title="Вернуть трамвай")


def sign(client, problem, person):
    client.force_login(person)
    response = client.post(
        f"/problems/{problem.pk}/sign/", {"agree": "on"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


def reads_of_the_problem(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().startswith("SELECT") and "appeals_problem" in q["sql"]
    ]


def test_a_second_signature_reads_no_problem_appeal_or_revision(client, problem):
    sign(client, problem, make_resident(problem.territory))
    person = make_resident(problem.territory)
    assert reads_of_the_problem(lambda: sign(client, problem, person)) == []
    assert Signature.objects.filter(user=person, appeal=problem.current_appeal).exists()


def test_a_new_revision_applies_to_the_next_signature(client, problem):
    appeal = problem.current_appeal
    sign(client, problem, make_resident(problem.territory))
    revise_appeal(
        author=problem.author,
        appeal=appeal,
        text="Просим восстановить трамвайную линию и остановку у рынка.",
        substantive=True,
    )
    person = make_resident(problem.territory)
    sign(client, problem, person)
    signature = Signature.objects.get(user=person)
    assert signature.revision.number == 2
    assert signature.revision == Appeal.objects.get(pk=appeal.pk).current_revision


def test_signing_past_the_threshold_goes_on_after_the_dispatch(client):
    """The dispatch changes the appeal by a queryset update: the next signature knows it."""
    problem = make_problem(threshold=3)
    for _ in range(2):  # with the author's, the threshold of 3
        sign(client, problem, make_resident(problem.territory))
    assert Appeal.objects.get(pk=problem.current_appeal_id).status == Appeal.Status.SENT
    late = make_resident(problem.territory)
    html = sign(client, problem, late)
    assert Signature.objects.get(user=late).after_dispatch
    assert 'data-count="4"' in html
    # The panel says when it was sent: the appeal as the dispatch left it, not as kept before.
    sent_at = timezone.localtime(Appeal.objects.get(pk=problem.current_appeal_id).sent_at)
    assert f"Обращение направлено адресату {date_format(sent_at, 'j E Y')}." in html


def test_a_problem_a_moderator_hid_is_not_signed_the_moment_it_is_hidden(client, problem):
    sign(client, problem, make_resident(problem.territory))
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    hide_content(moderator=moderator, target=problem, ground="obscene")
    person = make_resident(problem.territory)
    with translation.override("ru"):
        html = sign(client, problem, person)
    assert 'data-state="unsigned"' in html
    assert "Модератор скрыл эту проблему" in html
    assert not Signature.objects.filter(user=person).exists()


def test_an_appeal_whose_status_changed_unseen_refuses_and_shows_why(client, problem):
    """Even a change the cache is not told of is caught by the signing's UPDATE, and the panel
    then shows the appeal as it stands."""
    sign(client, problem, make_resident(problem.territory))
    Appeal.objects.filter(pk=problem.current_appeal_id).update(status=Appeal.Status.ANSWERED)
    person = make_resident(problem.territory)
    with translation.override("ru"):
        html = sign(client, problem, person)
    assert not Signature.objects.filter(user=person).exists()
    assert "Сбор подписей завершён" in html
    appeal = Appeal.objects.get(pk=problem.current_appeal_id)
    assert appeal.signature_count == Signature.objects.filter(appeal=appeal).count()


def test_a_raised_rule_of_the_appeal_applies_to_the_very_next_signature(client, problem):
    """The requirement of signing is kept with the problem for signing: the appeal's rule raised
    after a signature was kept is still read by the next one, and lowered again, too."""
    from django.contrib.contenttypes.models import ContentType

    from veche.identity.models import EligibilityRule, Level

    sign(client, problem, make_resident(problem.territory))
    appeal = problem.current_appeal
    rule = EligibilityRule.objects.get(
        action="sign",
        content_type=ContentType.objects.get_for_model(appeal),
        object_id=appeal.pk,
    )
    level = rule.min_level
    rule.min_level = Level.PROVIDER  # above the census residents are verified through
    rule.save()
    person = make_resident(problem.territory)
    sign(client, problem, person)
    assert not Signature.objects.filter(user=person).exists()
    rule.min_level = level
    rule.save()
    sign(client, problem, person)
    assert Signature.objects.filter(user=person).exists()
