"""The moderators' workspace: the queue shows each reported text with the reporters' reasons and
its author's history; a moderator acts from an item's page, each act through the services; the
author reads the decision and contests it on its page; a second moderator decides. Nobody else
opens these pages; a wrong input changes nothing and says why."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_organization, make_resident, make_staff
from tests.sign_in import enter
from veche.moderation.models import Complaint, Contest, Decision
from veche.moderation.services import contest_decision, hide_content, report_content, warn_author
from veche.organizations.models import Membership

from .conftest import SUBMISSION_TEXT

pytestmark = pytest.mark.django_db
QUEUE = "/moderation/"


def item_url(kind: str, pk: int) -> str:
    return reverse("moderation:item", args=[kind, pk])


def act_url(kind: str, pk: int) -> str:
    return reverse("moderation:act", args=[kind, pk])


@pytest.fixture
def moderator_client(client, moderator):
    return enter(client, moderator)


def test_the_queue_shows_the_text_the_reasons_and_the_authors_history(
    moderator_client, moderator, comment, submission, resident
):
    warn_author(moderator=moderator, target=comment, ground="spam")
    report_content(reporter=resident, target=comment, reason="abuse", details="Там мат.")
    report_content(reporter=make_resident(comment.problem.territory), target=comment, reason="spam")
    report_content(reporter=resident, target=submission, reason="off_topic")
    page = moderator_client.get(QUEUE).content.decode()
    assert "Яма на **Баумана**" in page
    assert SUBMISSION_TEXT in page
    assert "2 reports" in page and "insults or obscene language" in page and "«Там мат.»" in page
    assert "1 warning" in page
    assert f'href="{item_url("comment", comment.pk)}"' in page
    assert f'href="{item_url("submission", submission.pk)}"' in page


@pytest.mark.parametrize("who", ["resident", "official"])
def test_only_moderators_open_the_workspace(client, comment, resident, who):
    person = resident if who == "resident" else make_staff(make_organization())
    enter(client, person)
    complaint = report_content(reporter=resident, target=comment, reason="spam")
    assert client.get(QUEUE).status_code == 403
    assert client.get(item_url("comment", comment.pk)).status_code == 403
    response = client.post(act_url("comment", comment.pk), {"action": "hide", "ground": "spam"})
    assert response.status_code == 403
    comment.refresh_from_db()
    complaint.refresh_from_db()
    assert comment.hidden_at is None and complaint.status == Complaint.Status.OPEN


def test_a_visitor_is_sent_to_sign_in(client):
    assert client.get(QUEUE)["Location"].startswith("/accounts/login/")


def test_a_moderator_hides_from_the_item_page_on_a_ground(moderator_client, comment, resident):
    complaint = report_content(reporter=resident, target=comment, reason="abuse")
    page = moderator_client.get(item_url("comment", comment.pk)).content.decode()
    assert "Баумана" in page and "Obscene or offensive language" in page
    response = moderator_client.post(
        act_url("comment", comment.pk), {"action": "hide", "ground": "obscene", "note": "Мат."}
    )
    assert response["Location"] == QUEUE
    comment.refresh_from_db()
    complaint.refresh_from_db()
    assert comment.hidden_reason == "obscene"
    assert complaint.status == Complaint.Status.UPHELD
    decision = Decision.objects.get()
    assert (decision.note, decision.complaint) == ("Мат.", complaint)
    assert "Яма" not in moderator_client.get(QUEUE).content.decode()  # the queue is empty again


@pytest.mark.parametrize(
    "data, error",
    [
        ({"action": "hide"}, "Choose a ground from the published list."),
        ({"action": "hide", "ground": "rude"}, "Select a valid choice."),
        ({"action": "block", "ground": "spam"}, "Say for how many days, or block for good."),
        ({"action": "block", "ground": "spam", "days": "9999"}, "less than or equal to 365"),
        ({"action": "delete", "ground": "spam"}, "Select a valid choice."),
        ({"action": "restore"}, "Not hidden"),
        ({"action": "dismiss"}, "There are no open reports about this."),
    ],
)
def test_a_wrong_act_is_refused_with_a_message_and_changes_nothing(
    moderator_client, comment, data, error
):
    response = moderator_client.post(act_url("comment", comment.pk), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not Decision.objects.exists()


@pytest.mark.parametrize("address", ["/moderation/items/comment/abc/", "/moderation/items/x/1/"])
def test_a_forged_item_address_is_not_found(moderator_client, address):
    assert moderator_client.get(address).status_code == 404


def test_a_moderator_blocks_for_days_or_for_good(moderator_client, comment, submission):
    moderator_client.post(
        act_url("comment", comment.pk), {"action": "block", "ground": "spam", "days": "7"}
    )
    moderator_client.post(
        act_url("submission", submission.pk),
        {"action": "block", "ground": "threats", "for_good": "on"},
    )
    by_author = {d.author: d for d in Decision.objects.filter(action="block")}
    assert (
        by_author[comment.author].blocked_until - by_author[comment.author].created_at
    ).days == 7
    assert by_author[submission.author].blocked_until is None


def test_a_moderator_dismisses_the_reports(moderator_client, comment, resident):
    report_content(reporter=resident, target=comment, reason="spam")
    moderator_client.post(act_url("comment", comment.pk), {"action": "dismiss"})
    assert set(Complaint.objects.values_list("status", flat=True)) == {"dismissed"}
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_the_author_reads_the_decision_and_contests_it_on_its_page(client, comment, moderator):
    moderator.last_name = "Модераторов"
    moderator.save()
    hide_content(moderator=moderator, target=comment, ground="personal_data", note="Телефон.")
    decision = Decision.objects.get()
    url = reverse("moderation:decision", args=[decision.pk])
    enter(client, comment.author)
    page = client.get(url).content.decode()
    assert "Other people&#x27;s personal data" in page
    assert "a moderator of the platform" in page and "Модераторов" not in page
    assert "Телефон." in page and "Баумана" in page  # what was hidden, shown to its author
    response = client.post(url, {"text": "Это мой собственный телефон."})
    assert response["Location"] == url
    assert Contest.objects.get().text == "Это мой собственный телефон."
    page = client.get(url).content.decode()
    assert "Another moderator will decide" in page and "Contest the decision" not in page


def test_a_second_objection_through_the_page_is_refused(client, comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="spam")
    decision = Decision.objects.get()
    contest_decision(user=comment.author, decision=decision, text="Первое.")
    enter(client, comment.author)
    response = client.post(reverse("moderation:decision", args=[decision.pk]), {"text": "Второе."})
    assert response.status_code == 400
    assert Contest.objects.get().text == "Первое."


def test_nobody_else_reads_a_decision_about_someone(client, comment, moderator, resident):
    hide_content(moderator=moderator, target=comment, ground="spam")
    enter(client, resident)
    assert (
        client.get(reverse("moderation:decision", args=[Decision.objects.get().pk])).status_code
        == 404
    )


def test_the_contest_is_decided_by_a_second_moderator_not_the_first(
    client, comment, moderator, settings
):
    hide_content(moderator=moderator, target=comment, ground="spam")
    contest = contest_decision(user=comment.author, decision=Decision.objects.get(), text="Нет.")
    url = reverse("moderation:contest", args=[contest.pk])
    enter(client, moderator)
    assert "You took this decision" in client.get(url).content.decode()
    assert client.post(url, {"outcome": "reversed", "answer": "Да."}).status_code == 403
    contest.refresh_from_db()
    assert contest.outcome == ""
    second = make_staff(make_organization(), Membership.Role.MODERATOR)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enter(client, second)
    assert "Decide the contest" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "reversed", "answer": "Это не спам."})
    assert response["Location"] == QUEUE
    contest.refresh_from_db()
    comment.refresh_from_db()
    assert (contest.outcome, comment.hidden_at) == ("reversed", None)


def test_the_queue_lists_contests_waiting_for_a_decision(moderator_client, comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="spam")
    contest = contest_decision(user=comment.author, decision=Decision.objects.get(), text="Нет!")
    page = moderator_client.get(QUEUE).content.decode()
    assert reverse("moderation:contest", args=[contest.pk]) in page and "Нет!" in page


def test_the_workspace_reads_in_russian(moderator_client, comment, resident, settings):
    report_content(reporter=resident, target=comment, reason="abuse")
    moderator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    with translation.override("ru"):
        page = moderator_client.get(item_url("comment", comment.pk)).content.decode()
    assert "Нецензурная брань или оскорбления" in page
    assert "Заблокировать автора" in page
