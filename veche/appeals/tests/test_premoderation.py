"""Pre-moderation of problems: a problem published by an account below the level the site (or
the territory) asks waits, seen by nobody but its author and the moderators, until a moderator
approves it (then it is published with every effect of publishing) or refuses it on a published
ground, which the author may contest once before a second moderator."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import make_organization, make_problem, make_resident, make_staff
from veche.appeals import queries
from veche.appeals.models import Appeal, Problem, Signature
from veche.appeals.services import sign_appeal
from veche.core.models import AuditEvent
from veche.identity.models import Level
from veche.moderation.models import Contest, Decision
from veche.moderation.services import (
    approve_content,
    contest_decision,
    decide_contest,
    refuse_content,
)
from veche.moderation.tests.test_decisions import notices_of
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
TITLE = "Сломанная скамейка у подъезда"
TEXT = "Просим заменить сломанную скамейку у подъезда дома 3."


@pytest.fixture(autouse=True)
def _premoderation_below_census(settings, client):
    settings.VECHE_PREMODERATION_BELOW_LEVEL = "census"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def newcomer():
    """A resident who confirmed a phone only: below the census level."""
    from tests.factories import make_territory

    return make_resident(make_territory(), level=Level.PHONE)


@pytest.fixture
def held(newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_problem(
            author=newcomer,
            territory=newcomer.verifications.get().territory,
            title=TITLE,
            text=TEXT,
        )


@pytest.fixture
def moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


def published(problem) -> Problem:
    problem.refresh_from_db()
    return problem


def test_a_problem_from_an_account_below_the_level_awaits_moderation(held):
    assert held.status == Problem.Status.AWAITING
    assert held.published_at is None
    assert held.current_appeal.status == Appeal.Status.DRAFT
    assert not Signature.objects.filter(appeal=held.current_appeal).exists()
    assert AuditEvent.objects.filter(action="problem.held_for_moderation").count() == 1
    assert not AuditEvent.objects.filter(action="problem.published").exists()


def test_an_account_at_the_level_publishes_at_once(newcomer):
    verified = make_resident(newcomer.verifications.get().territory)  # census
    problem = make_problem(author=verified, territory=verified.verifications.get().territory)
    assert problem.status == Problem.Status.PUBLISHED


def test_without_the_setting_nothing_is_held(settings, newcomer):
    settings.VECHE_PREMODERATION_BELOW_LEVEL = ""
    problem = make_problem(author=newcomer, territory=newcomer.verifications.get().territory)
    assert problem.status == Problem.Status.PUBLISHED


def test_an_awaiting_problem_is_invisible_on_every_public_surface(held, client):
    territory = held.territory
    assert client.get(held.get_absolute_url()).status_code == 404
    assert TITLE not in client.get(reverse("appeals:list")).content.decode()
    listed = client.get(reverse("appeals:list"), {"territory": territory.code}).content.decode()
    assert TITLE not in listed
    assert TITLE not in client.get(reverse("appeals:list"), {"q": "скамейка"}).content.decode()
    assert held.pk not in [p.pk for p in queries.problem_list(q="скамейка").items]
    assert client.get("/api/v1/problems/").json()["results"] == []
    assert client.get(f"/api/v1/problems/{held.pk}/").status_code == 404
    assert client.get("/api/v1/problems.geojson").json()["features"] == []
    assert TITLE not in client.get(territory.get_absolute_url()).content.decode()
    # Not reported, and not signed (nor its count read).
    other = make_resident(territory)
    client.force_login(other)
    assert client.get(reverse("appeals:problem", args=[held.pk])).status_code == 404
    assert client.get(reverse("moderation:report"), {"problem": held.pk}).status_code == 404
    assert client.post(reverse("appeals:sign", args=[held.pk]), {"agree": "on"}).status_code == 404
    with pytest.raises(ValidationError):
        sign_appeal(user=other, appeal=held.current_appeal)


def test_its_author_sees_it_with_the_awaiting_notice(client, held):
    client.force_login(held.author)
    page = client.get(held.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Awaiting moderation" in text
    assert "nobody but you sees this problem" in text
    assert TEXT in text


def test_the_author_is_told_on_publishing_that_it_went_to_the_moderators(client, newcomer):
    from tests.factories import make_category

    territory = newcomer.verifications.get().territory
    client.force_login(newcomer)
    response = client.post(
        reverse("appeals:new"),
        {
            "title": TITLE,
            "description": "Скамейка сломана уже месяц.",
            "category": make_category().pk,
            "territory": territory.pk,
            "organization": make_organization(jurisdiction=[territory]).pk,
            "appeal_text": TEXT,
            "confirm": "publish",
        },
        follow=True,
    )
    assert "it is published once a moderator approves it" in response.content.decode()
    assert Problem.objects.get().status == Problem.Status.AWAITING


def test_the_moderators_queue_lists_it(client, held, moderator):
    from tests.sign_in import enter

    enter(client, moderator)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert "Awaiting pre-moderation" in page
    assert TITLE in page
    assert reverse("moderation:item", args=["problem", held.pk]) in page


def test_approving_publishes_it_with_the_usual_effects(
    held, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_content(moderator=moderator, target=held)
    problem = published(held)
    assert problem.status == Problem.Status.PUBLISHED
    assert problem.published_at is not None
    assert problem.current_appeal.status == Appeal.Status.COLLECTING
    assert [p.pk for p in queries.problem_list(q="скамейка").items] == [problem.pk]
    assert Client().get(problem.get_absolute_url()).status_code == 200
    events = AuditEvent.objects.filter(action__in=["problem.published", "moderation.approved"])
    assert sorted(events.values_list("action", flat=True)) == [
        "moderation.approved",
        "problem.published",
    ]
    titles = [n.title for n in notices_of(problem.author) if n.kind == "moderation_decision"]
    assert titles == ["A moderator approved your text (problem): it is published"]


def test_the_author_signs_first_once_approved_when_eligible(held, moderator, newcomer):
    from veche.identity.models import EligibilityRule

    EligibilityRule.objects.filter(action=EligibilityRule.Action.SIGN).update(min_level=Level.PHONE)
    approve_content(moderator=moderator, target=held)
    assert Signature.objects.get(appeal=held.current_appeal).user == newcomer


def test_a_non_moderator_cannot_approve_or_refuse(held, newcomer):
    other = make_resident(held.territory)
    for person in (newcomer, other):
        with pytest.raises(PermissionDenied):
            approve_content(moderator=person, target=held)
        with pytest.raises(PermissionDenied):
            refuse_content(moderator=person, target=held, ground="spam")
    assert published(held).status == Problem.Status.AWAITING


def test_the_approve_button_refuses_non_moderators(client, held, newcomer):
    client.force_login(newcomer)
    url = reverse("moderation:act", args=["problem", held.pk])
    assert client.post(url, {"action": "approve"}).status_code == 403
    assert published(held).status == Problem.Status.AWAITING


def test_a_published_problem_is_not_approved_again(moderator):
    problem = make_problem()
    with pytest.raises(ValidationError, match="not awaiting moderation"):
        approve_content(moderator=moderator, target=problem)


def test_refusing_tells_the_author_the_ground_and_keeps_it_unpublished(
    client, held, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse_content(moderator=moderator, target=held, ground="off_topic", note="Не по теме.")
    assert published(held).status == Problem.Status.REFUSED
    assert Client().get(held.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action="moderation.refused").count() == 1
    titles = [n.title for n in notices_of(held.author) if n.kind == "moderation_decision"]
    assert titles == ["A moderator refused to publish your text (problem)"]
    client.force_login(held.author)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "A moderator refused to publish this problem. Ground: off topic." in page
    decision = Decision.objects.about(held).get()
    assert reverse("moderation:decision", args=[decision.pk]) in page


def test_a_refusal_needs_a_published_ground(held, moderator):
    with pytest.raises(ValidationError, match="published list"):
        refuse_content(moderator=moderator, target=held, ground="dislike")


def test_the_author_contests_a_refusal_once_and_a_second_moderator_publishes_it(held, moderator):
    decision = refuse_content(moderator=moderator, target=held, ground="spam")
    contest_decision(user=held.author, decision=decision, text="Это не реклама.")
    with pytest.raises(ValidationError):
        contest_decision(user=held.author, decision=decision, text="Ещё раз.")
    with pytest.raises(PermissionDenied):
        decide_contest(moderator=moderator, contest=Contest.objects.get(), uphold=False, answer="-")
    second = make_staff(make_organization(), Membership.Role.MODERATOR)
    decide_contest(moderator=second, contest=Contest.objects.get(), uphold=False, answer="Верно.")
    problem = published(held)
    assert problem.status == Problem.Status.PUBLISHED
    assert problem.current_appeal.status == Appeal.Status.COLLECTING


def test_someone_else_cannot_contest_the_refusal(held, moderator):
    decision = refuse_content(moderator=moderator, target=held, ground="spam")
    with pytest.raises(PermissionDenied):
        contest_decision(user=make_resident(held.territory), decision=decision, text="Нет.")


def test_the_pages_and_notices_are_in_russian(settings, held, moderator):
    refuse_content(moderator=moderator, target=held, ground="spam")
    author = Client()
    author.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    author.force_login(held.author)
    page = author.get(held.get_absolute_url()).content.decode()
    assert "Модератор отказал в публикации этой проблемы. Основание: спам или реклама." in page
    assert "Обжаловать отказ" in page
    with translation.override("ru"):
        other = make_problem(author=held.author, territory=held.territory, title="Вторая")
    page = author.get(other.get_absolute_url()).content.decode()
    assert "Ожидает модерации" in page
    assert "видите только вы" in page
