"""Experts who answer fast: the discussion page shows the median time to answer and the time
within which nine answers in ten came; a question left waiting twice the experts' reminder time
alerts the organizers, once."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_discussion, make_resident
from veche.discussions import queries, services
from veche.discussions.models import ExpertAnswer
from veche.notifications.tests.builders import deliver_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_median_and_the_ninetieth_percentile_of_ten_answers():
    discussion = make_discussion(stage="intake")
    asker = make_resident(discussion.territory)
    for hours in range(1, 11):
        question = services.submit(
            user=asker,
            discussion=discussion,
            kind="question",
            text=f"Вопрос номер {hours} о высоте зданий?",
        )
        ExpertAnswer.objects.create(
            submission=question,
            expert=discussion.created_by,
            text="Ответ.",
            created_at=question.created_at + datetime.timedelta(hours=hours),
        )
    speed = queries.expert_speed(discussion)
    assert (speed.median_hours, speed.p90_hours) == (5.5, 9.0)


def test_one_answer_is_its_own_percentile():
    assert queries.percentile([3.0], 90) == 3.0


def test_the_page_shows_both_times(client, settings):
    settings.LANGUAGE_CODE = "en"
    discussion = make_discussion(stage="intake")
    html = client.get(discussion.get_absolute_url()).content.decode()
    assert "hours, median time to answer" in html
    assert "nine answers in ten came within" in html


def test_the_organizer_is_alerted_once_when_a_question_waits_twice_the_reminder_time(settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 48
    discussion = make_discussion(stage="exposition")
    services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="question",
        text="Где будет парковка?",
    )
    now = timezone.now()
    assert services.send_due_notices(now + datetime.timedelta(hours=95))["organizers_alerted"] == 0
    later = now + datetime.timedelta(hours=97)
    assert services.send_due_notices(later)["organizers_alerted"] == 1
    assert services.send_due_notices(later + datetime.timedelta(days=1))["organizers_alerted"] == 0
    deliver_events()
    organizer = discussion.created_by
    (notice,) = organizer.notifications.filter(kind="discussion_expert_overdue")
    assert discussion.title in notice.title
    assert "вдвое дольше" in notice.body  # in the organizer's language, the site's Russian


def test_an_answered_question_alerts_nobody(settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 48
    discussion = make_discussion(stage="exposition")
    question = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="question",
        text="Где будет парковка?",
    )
    services.answer_question(expert=discussion.created_by, submission=question, text="Во дворе.")
    later = timezone.now() + datetime.timedelta(hours=97)
    assert services.send_due_notices(later)["organizers_alerted"] == 0
