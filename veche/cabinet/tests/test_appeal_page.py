"""The appeal as its addressee sees it: the text, the applicants' private data, the deadlines and
the history, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_signature, make_staff
from tests.sign_in import enter
from veche.appeals.models import Answer, Appeal, Message, Revision
from veche.cabinet.tests.builders import received_appeal
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Status = Appeal.Status


@pytest.fixture
def office():
    return make_organization("district-office")


@pytest.fixture
def official(office):
    return make_staff(office)


def page(client, appeal):
    return client.get(reverse("cabinet:appeal", args=[appeal.pk]))


def test_the_addressee_sees_the_current_text_and_every_applicants_private_data(
    client, office, official
):
    appeal = received_appeal(office, status=Status.REGISTERED, due_in=10)
    Revision.objects.create(
        appeal=appeal, number=2, text="Второй, исправленный текст.", author=appeal.problem.author
    )
    make_signature(appeal, full_name="Сидорова Анна Ивановна")
    enter(client, official)
    content = page(client, appeal).content.decode()
    assert "Второй, исправленный текст." in content
    assert "Просим починить." not in content  # the first revision is not the one in force
    assert "Петров Пётр Петрович" in content
    assert "Сидорова Анна Ивановна" in content
    assert "420111, Казань, ул. Пушкина, д. 5, кв. 7" in content
    assert appeal.problem.author.email in content


def test_withdrawn_signatures_are_not_listed(client, office, official):
    appeal = received_appeal(office)
    signature = make_signature(appeal, full_name="Отозвавший Подпись")
    signature.withdrawn_at = timezone.now()
    signature.save()
    enter(client, official)
    assert "Отозвавший Подпись" not in page(client, appeal).content.decode()


def test_an_overdue_appeal_says_so(client, office, official):
    appeal = received_appeal(office, status=Status.REGISTERED, due_in=-3)
    enter(client, official)
    response = page(client, appeal)
    assert response.context["deadline"] == "overdue"
    assert response.context["days_over"] == 3
    assert "alert alert--danger" in response.content.decode()


def test_the_history_lists_answers_and_messages_in_order(client, office, official):
    appeal = received_appeal(office, status=Status.REGISTERED, due_in=10)
    now = timezone.now()
    Answer.objects.create(
        appeal=appeal,
        organization=office,
        official=official,
        kind=Answer.Kind.INTERIM,
        text="Interim words.",
        created_at=now - datetime.timedelta(hours=2),
    )
    Message.objects.create(
        appeal=appeal,
        sender=appeal.problem.author,
        text="Author's question.",
        created_at=now - datetime.timedelta(hours=1),
    )
    enter(client, official)
    history = page(client, appeal).context["file"].history
    assert [entry.kind for entry in history] == ["sent", "registered", "interim", "message_in"]


def test_collecting_appeals_are_not_shown_even_to_the_addressee(client, office, official):
    appeal = received_appeal(office)
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.COLLECTING)
    enter(client, official)
    assert page(client, appeal).status_code == 404


def _queries(client, appeal) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert page(client, appeal).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_signatures_answers_and_messages(
    client, office, official, django_assert_max_num_queries
):
    appeal = received_appeal(office, status=Status.REGISTERED, due_in=10)
    Answer.objects.create(
        appeal=appeal, organization=office, official=official, kind="interim", text="first"
    )
    enter(client, official)
    page(client, appeal)  # the first request of a session checks the second factor once
    few = _queries(client, appeal)
    for number in range(15):
        make_signature(appeal, full_name=f"Подписант {number}")
        Answer.objects.create(
            appeal=appeal, organization=office, official=official, kind="interim", text="x"
        )
        Message.objects.create(appeal=appeal, sender=official, from_organization=True, text="y")
    assert _queries(client, appeal) == few
    with django_assert_max_num_queries(20):
        page(client, appeal)


def test_a_head_of_an_unrelated_organization_gets_not_found(client, office):
    appeal = received_appeal(office)
    enter(client, make_staff(make_organization(), Membership.Role.HEAD))
    assert page(client, appeal).status_code == 404
