"""A problem, with its appeal's current text, is moderated content: residents report it from its
page, moderators see it in the queue and hide it on a published ground or restore it. A hidden
problem's page is a placeholder with the ground, lists, search and the API leave it out, the
cached copy of its page is dropped, and it takes no new signatures (those given stay)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.sign_in import enter
from veche.appeals import queries
from veche.appeals.models import Signature
from veche.appeals.services import sign_appeal
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint, Contest, Decision
from veche.moderation.services import (
    contest_decision,
    decide_contest,
    hide_content,
    report_content,
    restore_content,
)
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
TITLE = "Вернуть трамвай на Баумана"
NEW_TEXT = "Просим вернуть трамвайный маршрут номер 2."


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def problem():
    return make_problem(title=TITLE, threshold=1000, text=NEW_TEXT)


@pytest.fixture
def moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


@pytest.fixture
def resident(problem):
    return make_resident(problem.territory)


def test_the_problem_page_has_a_report_link_and_the_form_shows_title_and_appeal_text(
    client, problem, resident
):
    page = client.get(problem.get_absolute_url()).content.decode()
    assert f'href="{reverse("moderation:report")}?problem={problem.pk}"' in page
    client.force_login(resident)
    form = client.get(reverse("moderation:report"), {"problem": problem.pk}).content.decode()
    assert TITLE in form
    assert NEW_TEXT in form


def test_a_report_on_a_problem_is_stored_with_an_audit_row(client, problem, resident):
    client.force_login(resident)
    response = client.post(
        reverse("moderation:report"), {"problem": problem.pk, "reason": "abuse"}, follow=True
    )
    assert response.redirect_chain[0][0] == problem.get_absolute_url()
    assert Complaint.objects.about(problem).get().reporter == resident
    assert AuditEvent.objects.filter(action="moderation.reported").count() == 1


def test_the_queue_lists_a_reported_problem_with_a_link_to_its_page(client, problem, resident):
    from veche.moderation.tests.test_complaint_queue import QUEUE, staff_with_the_queue

    report_content(reporter=resident, target=problem, reason="abuse")
    enter(client, staff_with_the_queue(Membership.Role.MODERATOR))
    page = client.get(QUEUE, {"kind": "problem"}).content.decode()
    assert f'href="{problem.get_absolute_url()}"' in page
    assert TITLE in page


def test_the_queue_reads_reported_problems_and_their_texts_in_queries_per_kind(client, problem):
    from veche.moderation.tests.test_complaint_queue import QUEUE, staff_with_the_queue

    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    enter(client, staff_with_the_queue(Membership.Role.MODERATOR))
    report_content(reporter=make_resident(problem.territory), target=problem, reason="spam")
    queries_for_the_page()  # the first request of a session does its own bookkeeping
    one = queries_for_the_page()
    for n in range(3):
        other = make_problem(title=f"Ещё проблема {n}", territory=problem.territory)
        report_content(reporter=make_resident(problem.territory), target=other, reason="spam")
    assert queries_for_the_page() == one


def test_hiding_shows_the_ground_in_place_of_the_problem_and_leaves_it_out_of_lists(
    client, problem, moderator, resident, django_capture_on_commit_callbacks
):
    report_content(reporter=resident, target=problem, reason="abuse")
    assert [p.pk for p in queries.problem_list(q="трамвай").items] == [problem.pk]
    with django_capture_on_commit_callbacks(execute=True):
        hide_content(moderator=moderator, target=problem, ground="obscene")
    problem.refresh_from_db()
    assert (problem.hidden_at is not None, problem.hidden_reason) == (True, "obscene")
    page = client.get(problem.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "This problem was hidden by a moderator. Ground: obscene or offensive language." in text
    assert TITLE not in text
    assert NEW_TEXT not in text
    assert problem.pk not in [p.pk for p in queries.problem_list().items]
    assert problem.pk not in [p.pk for p in queries.problem_list(q="трамвай").items]
    assert client.get(reverse("appeals:list")).content.decode().count(TITLE) == 0
    assert Complaint.objects.about(problem).get().status == Complaint.Status.UPHELD
    assert AuditEvent.objects.filter(action="moderation.hidden").count() == 1
    assert Decision.objects.about(problem).get().author == problem.author


def test_a_hidden_problem_is_not_in_the_api(client, problem, moderator):
    hide_content(moderator=moderator, target=problem, ground="spam")
    assert client.get(f"/api/v1/problems/{problem.pk}/").status_code == 404


def test_hiding_drops_the_cached_page_visitors_were_served(
    settings, problem, moderator, django_capture_on_commit_callbacks
):
    settings.VECHE_PAGE_CACHE_SECONDS = 60
    assert TITLE in Client().get(problem.get_absolute_url()).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        hide_content(moderator=moderator, target=problem, ground="obscene")
    for _visit in range(2):  # the placeholder is not kept in the cache either
        page = Client().get(problem.get_absolute_url()).content.decode()
        assert TITLE not in page
        assert "Модератор скрыл эту проблему" in page  # a new visitor reads Russian
    with django_capture_on_commit_callbacks(execute=True):
        restore_content(moderator=moderator, target=problem)
    assert TITLE in Client().get(problem.get_absolute_url()).content.decode()


def test_a_hidden_problem_is_not_signed_and_the_signatures_given_stay(
    client, problem, moderator, resident
):
    before = make_resident(problem.territory)
    sign_appeal(user=before, appeal=problem.current_appeal)
    hide_content(moderator=moderator, target=problem, ground="spam")
    with pytest.raises(
        ValidationError, match="A moderator hid this problem \\(ground: spam or advertising"
    ):
        sign_appeal(user=resident, appeal=problem.current_appeal)
    client.force_login(resident)
    response = client.post(reverse("appeals:sign", args=[problem.pk]), {"agree": "on"}, follow=True)
    assert "A moderator hid this problem (ground: spam or advertising" in response.content.decode()
    signed = Signature.objects.filter(appeal=problem.current_appeal, withdrawn_at__isnull=True)
    assert set(signed.values_list("user", flat=True)) == {problem.author_id, before.pk}
    problem.current_appeal.refresh_from_db()
    assert problem.current_appeal.signature_count == 2


def test_restoring_shows_the_problem_again_and_it_takes_signatures(
    client, problem, moderator, resident
):
    hide_content(moderator=moderator, target=problem, ground="spam")
    restore_content(moderator=moderator, target=problem, note="Проверено")
    assert TITLE in client.get(problem.get_absolute_url()).content.decode()
    assert problem.pk in [p.pk for p in queries.problem_list().items]
    sign_appeal(user=resident, appeal=problem.current_appeal)
    assert AuditEvent.objects.filter(action="moderation.restored").count() == 1


def test_the_author_contests_the_hiding_once_and_a_second_moderator_reverses_it(problem, moderator):
    hide_content(moderator=moderator, target=problem, ground="spam")
    decision = Decision.objects.about(problem).get()
    contest_decision(user=problem.author, decision=decision, text="Это не спам.")
    with pytest.raises(ValidationError):
        contest_decision(user=problem.author, decision=decision, text="Ещё раз.")
    second = make_staff(make_organization(), Membership.Role.MODERATOR)
    decide_contest(
        moderator=second, contest=Contest.objects.get(), uphold=False, answer="Вы правы."
    )
    problem.refresh_from_db()
    assert problem.hidden_at is None


def test_a_draft_is_not_reported_and_a_hidden_one_not_twice(client, problem, moderator, resident):
    hide_content(moderator=moderator, target=problem, ground="spam")
    client.force_login(resident)
    assert client.get(reverse("moderation:report"), {"problem": problem.pk}).status_code == 404
    with pytest.raises(ValidationError, match="Already hidden"):
        hide_content(moderator=moderator, target=problem, ground="spam")


def test_the_placeholder_and_the_refusal_are_in_russian(settings, problem, moderator, resident):
    hide_content(moderator=moderator, target=problem, ground="spam")
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = visitor.get(problem.get_absolute_url()).content.decode()
    assert "Модератор скрыл эту проблему. Основание:" in page
    with translation.override("ru"), pytest.raises(ValidationError, match="нельзя подписать"):
        sign_appeal(user=resident, appeal=problem.current_appeal)


def test_a_signatory_withdraws_and_confirms_while_the_problem_is_hidden(
    client, problem, moderator, resident
):
    sign_appeal(user=resident, appeal=problem.current_appeal)
    hide_content(moderator=moderator, target=problem, ground="spam")
    client.force_login(resident)
    response = client.post(reverse("appeals:withdraw", args=[problem.pk]))
    assert response.status_code == 302
    signature = Signature.objects.get(appeal=problem.current_appeal, user=resident)
    assert signature.withdrawn_at is not None
    assert client.post(reverse("appeals:confirm", args=[problem.pk])).status_code == 302


def test_a_comment_of_a_hidden_problem_is_not_reported(client, problem, moderator, resident):
    from veche.appeals.services import add_comment

    comment = add_comment(author=resident, problem=problem, text="Поддерживаю.")
    hide_content(moderator=moderator, target=problem, ground="spam")
    client.force_login(make_resident(problem.territory))
    response = client.get(reverse("moderation:report"), {"comment": comment.pk})
    assert response.status_code == 404
    assert "Поддерживаю." not in response.content.decode()
