"""Participants are numbered within each problem, never by their account (issue: one person's
signatures could be linked across every appeal by "Participant No. <account id>")."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.documents import appeal_pdf
from veche.appeals.models import Participant, ParticipantCounter
from veche.appeals.participants import number_of
from veche.appeals.services import add_comment, propose_edit, sign_appeal
from veche.documents.tests.reading import pdf_text

pytestmark = pytest.mark.django_db

NUMBERED = re.compile(r"Participant No\. (\d+)")


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky")


def _page(client, problem) -> str:
    """The problem page with its list of signatories (loaded when opened)."""
    return "".join(
        client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for url in (problem.get_absolute_url(), reverse("appeals:signatories", args=[problem.pk]))
    )


def test_one_person_has_unrelated_numbers_on_two_problems_and_never_the_account_id(
    client, district
):
    first, second = make_problem(territory=district), make_problem(territory=district)
    neighbours = [make_resident(district) for _ in range(2)]
    sign_appeal(user=neighbours[0], appeal=second.current_appeal)
    person = make_resident(district)
    sign_appeal(user=person, appeal=first.current_appeal)  # No. 2 on the first problem
    sign_appeal(user=neighbours[1], appeal=second.current_appeal)
    sign_appeal(user=person, appeal=second.current_appeal)  # No. 4 on the second
    assert number_of(first.pk, person.pk) == 2
    assert number_of(second.pk, person.pk) == 4

    for problem in (first, second):
        page = _page(client, problem)
        shown = set(map(int, NUMBERED.findall(page)))
        assert shown == set(
            Participant.objects.filter(problem=problem).values_list("number", flat=True)
        )
    # The public copy is in the site's language, Russian.
    public_copy = pdf_text(appeal_pdf(second.current_appeal, for_addressee=False))
    assert set(map(int, re.findall(r"Участник № (\d+)", public_copy))) == {1, 2, 3, 4}


def test_the_author_is_number_one_and_keeps_one_number_for_every_kind_of_taking_part(district):
    problem = make_problem(territory=district)
    person = make_resident(district)
    sign_appeal(user=person, appeal=problem.current_appeal)
    add_comment(author=person, problem=problem, text="Поддерживаю, яма растёт.")
    propose_edit(user=person, appeal=problem.current_appeal, text="Новый текст обращения.")
    add_comment(author=problem.author, problem=problem, text="Спасибо за поддержку.")
    numbers = dict(Participant.objects.filter(problem=problem).values_list("user_id", "number"))
    assert numbers == {problem.author_id: 1, person.pk: 2}
    assert ParticipantCounter.objects.get(problem=problem).last == 2


def test_a_commenter_who_did_not_sign_is_numbered_on_the_page(client, district):
    problem = make_problem(territory=district)
    commenter = make_resident(district)
    add_comment(author=commenter, problem=problem, text="Там ещё и фонарь не горит.")
    page = _page(client, problem)
    assert "Participant No. 2" in page
    assert "Participant</strong>" not in page  # no one left without a number


def test_a_published_name_is_shown_instead_of_a_number(client, district):
    problem = make_problem(territory=district)
    named = make_resident(district, last_name="Сафина", first_name="Алсу", name_publication="full")
    sign_appeal(user=named, appeal=problem.current_appeal)
    page = _page(client, problem)
    assert "Сафина Алсу" in page
    assert "Participant No. 2" not in page


def _backfill():
    module = __import__(
        "veche.appeals.migrations.0011_participant_numbers", fromlist=["number_the_participants"]
    )
    return module.number_the_participants


def test_the_backfill_numbers_people_in_the_order_they_first_took_part(district):
    problem = make_problem(territory=district)
    people = [make_resident(district) for _ in range(3)]
    add_comment(author=people[2], problem=problem, text="Первый комментарий.")
    for person in people[:2]:
        sign_appeal(user=person, appeal=problem.current_appeal)
    expected = dict(Participant.objects.filter(problem=problem).values_list("user_id", "number"))
    Participant.objects.all().delete()
    ParticipantCounter.objects.all().delete()

    _backfill()(apps, None)

    assert (
        dict(Participant.objects.filter(problem=problem).values_list("user_id", "number"))
        == expected
        == {problem.author_id: 1, people[2].pk: 2, people[0].pk: 3, people[1].pk: 4}
    )
    assert ParticipantCounter.objects.get(problem=problem).last == 4
    person = make_resident(district)
    sign_appeal(user=person, appeal=problem.current_appeal)
    assert number_of(problem.pk, person.pk) == 5  # the counter goes on after the backfill
