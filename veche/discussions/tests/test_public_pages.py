"""The pages the public and participants use: what they show, and to whom."""

import pytest
from django.urls import reverse

from tests.factories import make_discussion, make_resident, make_territory
from tests.sign_in import enter
from veche.discussions.models import MaterialVersion, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_running_discussion_shows_its_stage_dates_and_materials(client):
    discussion = make_discussion(stage="intake")
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert discussion.title in page
    assert 'aria-current="step"' in page
    assert "Чертёж планировки" in page
    assert client.get(reverse("discussions:list")).content.decode().count(discussion.title) == 1


def test_a_scheduled_discussion_is_hidden_until_its_notice_except_from_its_organizer(client):
    discussion = make_discussion(stage="scheduled")
    assert client.get(discussion.get_absolute_url()).status_code == 404
    version = MaterialVersion.objects.get(material__discussion=discussion)
    assert client.get(version.get_absolute_url()).status_code == 404
    enter(client, discussion.created_by)  # staff sign in with a second factor
    assert client.get(discussion.get_absolute_url()).status_code == 200


def test_a_material_is_served_as_its_checked_type_and_never_runs_in_the_site(client):
    discussion = make_discussion()
    version = MaterialVersion.objects.get(material__discussion=discussion)
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_sending_takes_two_posts_and_the_second_shows_the_receipt(client):
    discussion = make_discussion()
    resident = make_resident(discussion.territory, last_name="Галиев")
    client.force_login(resident)
    data = {
        "kind": "proposal",
        "text": "Сохранить деревья вдоль улицы.",
        "material": "",
        "page": "",
    }
    url = reverse("discussions:submit", args=[discussion.pk])
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Identification data" in confirm.content.decode()
    assert not Submission.objects.exists()
    response = client.post(url, data | {"confirm": "yes"}, follow=True)
    submission = Submission.objects.get()
    page = response.content.decode()
    assert submission.registration_number in page and "Receipt" in page
    assert "Registered, awaiting review" in page


def test_a_get_never_sends_anything(client):
    discussion = make_discussion()
    client.force_login(make_resident(discussion.territory))
    response = client.get(reverse("discussions:submit", args=[discussion.pk]))
    assert response.status_code == 405
    assert not Submission.objects.exists()


def test_a_refused_participant_sees_why_and_no_form(client):
    discussion = make_discussion()
    client.force_login(make_resident(make_territory(ru="Советский район", en="Sovetsky District")))
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "Sovetsky District" in page
    assert f'action="{reverse("discussions:submit", args=[discussion.pk])}"' not in page


def test_a_forged_post_from_an_ineligible_person_stores_nothing(client):
    discussion = make_discussion()
    client.force_login(make_resident(make_territory()))
    client.post(
        reverse("discussions:submit", args=[discussion.pk]),
        {"kind": "proposal", "text": "Подделанное предложение.", "confirm": "yes"},
    )
    assert not Submission.objects.exists()


def test_the_public_sees_no_identification_data_but_the_author_sees_the_receipt(client):
    discussion = make_discussion()
    from veche.discussions import services

    resident = make_resident(discussion.territory, last_name="Галиев")
    submission = services.submit(
        user=resident, discussion=discussion, kind="proposal", text="Сохранить деревья."
    )
    public = client.get(submission.get_absolute_url()).content.decode()
    assert "Галиев" not in public and "1980" not in public and "Receipt" not in public
    assert "Participant No. 1" in public
    assert resident.pk != 1 and f"Participant No. {resident.pk}" not in public
    client.force_login(resident)
    assert "Receipt" in client.get(submission.get_absolute_url()).content.decode()
    assert (
        submission.registration_number in client.get(reverse("discussions:mine")).content.decode()
    )


def test_following_a_discussion_is_a_post(client):
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    client.force_login(resident)
    url = reverse("discussions:follow", args=[discussion.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"follow": "1"})
    assert discussion.follows.filter(user=resident).exists()
    client.post(url, {"follow": "0"})
    assert not discussion.follows.filter(user=resident).exists()


def test_following_a_territory_never_redirects_off_site(client):
    discussion = make_discussion()
    client.force_login(make_resident(discussion.territory))
    response = client.post(
        reverse("discussions:follow_territory"),
        {"territory": discussion.territory.code, "follow": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("discussions:list")


def test_the_discussion_page_makes_as_many_queries_for_six_submissions_as_for_one(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from veche.discussions import services

    discussion = make_discussion()

    def add(count: int) -> None:
        for number in range(count):
            services.submit(
                user=make_resident(discussion.territory),
                discussion=discussion,
                kind="proposal",
                text=f"Предложение номер {number} по проекту.",
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(discussion.get_absolute_url()).status_code == 200
        return len(captured)

    add(1)
    queries()  # the first request fills caches (content types, translations)
    one = queries()
    add(5)
    assert queries() == one


# --- A hearing with many submissions -----------------------------------------------------------


def _bulk_submissions(discussion, count: int, *, questions: int = 0) -> None:
    """`count` public submissions straight into the table (the first `questions` of them
    questions), as a big hearing leaves them; every one by a participant of their own."""
    from veche.discussions.models import ExpertAnswer

    authors = [make_resident(discussion.territory) for _ in range(3)]
    made = Submission.objects.bulk_create(
        Submission(
            discussion=discussion,
            number=number,
            registration_number=f"{discussion.pk}-{number:05d}",
            kind="question" if number <= questions else "proposal",
            text=f"Предложение номер {number} по проекту.",
            author=authors[number % 3],
            participant_number=number,
            participant={"full_name": "Секретные Данные Участника"},
            basis="resident",
        )
        for number in range(1, count + 1)
    )
    ExpertAnswer.objects.bulk_create(
        ExpertAnswer(submission=submission, expert=authors[0], text="Ответ экспертов.")
        for submission in made
        if submission.kind == "question"
    )


def _queries(client, url: str) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request fills caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _shown(html: str) -> int:
    return html.count('class="submission"')


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_page_of_a_big_hearing_shows_a_few_of_each_section_in_fixed_queries(client, signed_in):
    from veche.discussions.queries import SUBMISSIONS_PREVIEW

    discussion = make_discussion()
    if signed_in:
        enter(client, make_resident(discussion.territory))
    _bulk_submissions(discussion, 13, questions=2)
    few, html = _queries(client, discussion.get_absolute_url())
    assert _shown(html) == 2 + SUBMISSIONS_PREVIEW
    assert reverse("discussions:proposals", args=[discussion.pk]) in html
    assert reverse("discussions:questions", args=[discussion.pk]) not in html

    Submission.objects.filter(discussion=discussion).delete()
    _bulk_submissions(discussion, 300, questions=40)
    many, html = _queries(client, discussion.get_absolute_url())
    assert _shown(html) == 2 * SUBMISSIONS_PREVIEW
    assert "(260)" in html and "(40)" in html
    assert reverse("discussions:questions", args=[discussion.pk]) in html
    assert many == few
    if not signed_in:
        # The 15 of the brief; a signed-in reader adds the session, their eligibility, whether
        # they follow or organize it, and the header's own.
        assert many <= 15


def test_the_list_of_proposals_pages_through_them_in_fixed_queries(client):
    from veche.discussions.queries import SUBMISSIONS_PAGE

    discussion = make_discussion()
    _bulk_submissions(discussion, 2 * SUBMISSIONS_PAGE + 7, questions=3)
    url = reverse("discussions:proposals", args=[discussion.pk])
    first_count, first = _queries(client, url)
    last_count, last = _queries(client, url + "?page=3")
    assert _shown(first) == SUBMISSIONS_PAGE
    assert f"{discussion.pk}-00004" in first  # the first proposal, after three questions
    assert _shown(last) == 4
    assert f"{discussion.pk}-{2 * SUBMISSIONS_PAGE + 7:05d}" in last
    assert "Секретные" not in first + last
    assert first_count == last_count <= 15
    assert client.get(url + "?page=4").status_code == 404
    assert client.get(url + "?page=x").status_code == 200


def test_the_list_of_questions_shows_their_answers(client):
    discussion = make_discussion()
    _bulk_submissions(discussion, 5, questions=2)
    _count, html = _queries(client, reverse("discussions:questions", args=[discussion.pk]))
    assert _shown(html) == 2
    assert html.count("Ответ экспертов.") == 2


def test_the_lists_of_a_hidden_discussion_are_not_found(client):
    discussion = make_discussion(stage="scheduled")
    assert client.get(reverse("discussions:proposals", args=[discussion.pk])).status_code == 404
