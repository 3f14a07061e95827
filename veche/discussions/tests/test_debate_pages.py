"""The debate on the pages: counts and buttons on a submission and the lists, the refusal box,
replies in Markdown, the order by support in fixed queries, the organizer's review and the
protocol."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_discussion, make_resident, make_territory
from tests.sign_in import enter
from veche.discussions import records, services
from veche.discussions.models import Mark, Submission
from veche.discussions.tests.organizer_pages_cast import discussion_at, move_to
from veche.discussions.tests.records_cast import docx_text, pdf_text

pytestmark = pytest.mark.django_db
PROPOSAL = "Сохранить деревья вдоль улицы при реконструкции квартала."


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def submission():
    discussion = make_discussion(stage="intake")
    return services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=PROPOSAL,
    )


def page(client, url, **headers) -> str:
    response = client.get(url, headers={"accept-language": "en", **headers})
    assert response.status_code == 200
    return response.content.decode()


def test_a_resident_supports_without_javascript_and_the_page_counts_it(client, submission):
    enter(client, make_resident(submission.discussion.territory))
    url = reverse("discussions:mark", args=[submission.pk])
    response = client.post(url, {"kind": "support"}, headers={"accept-language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith(submission.get_absolute_url())
    html = page(client, submission.get_absolute_url())
    assert "Support: <strong>1</strong>" in html
    assert "✓ I support" in html


def test_the_htmx_button_gets_the_counts_and_buttons_back(client, submission):
    enter(client, make_resident(submission.discussion.territory))
    response = client.post(
        reverse("discussions:mark", args=[submission.pk]),
        {"kind": "object", "next": "/elsewhere/"},
        headers={"hx-request": "true", "accept-language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Objections: <strong>1</strong>" in html
    assert 'aria-pressed="true"' in html
    assert "You object to this submission." in html


def test_a_mark_never_sends_the_browser_off_the_site(client, submission):
    enter(client, make_resident(submission.discussion.territory))
    response = client.post(
        reverse("discussions:mark", args=[submission.pk]),
        {"kind": "support", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(submission.get_absolute_url())


def test_an_ineligible_resident_sees_why_and_no_buttons_or_reply_form(client, submission):
    elsewhere = make_territory(code="kazan-sovetsky", ru="Советский район", en="Sovetsky District")
    enter(client, make_resident(elsewhere))
    html = page(client, submission.get_absolute_url())
    assert "You cannot reply or mark yet" in html
    assert "Sovetsky District" in html
    assert reverse("discussions:mark", args=[submission.pk]) not in html
    assert 'id="reply-form"' not in html


def test_the_author_sees_the_counts_but_no_buttons_of_their_own(client, submission):
    enter(client, submission.author)
    html = page(client, submission.get_absolute_url())
    assert "Support: <strong>0</strong>" in html
    assert reverse("discussions:mark", args=[submission.pk]) not in html
    assert 'id="reply-form"' in html


def test_a_reply_is_published_as_sanitised_markdown_under_a_participant_number(client, submission):
    enter(client, make_resident(submission.discussion.territory))
    response = client.post(
        reverse("discussions:reply", args=[submission.pk]),
        {"text": "**Согласен**, но <script>alert(1)</script> и [ссылка](javascript:alert(1))"},
    )
    assert response.status_code == 302
    html = page(client, submission.get_absolute_url())
    assert "<strong>Согласен</strong>" in html
    assert "<script>alert(1)" not in html and 'href="javascript' not in html
    assert f"Participant No. {submission.participant_number + 1}" in html
    assert "Replies: <strong>1</strong>" in html


def test_the_reply_link_opens_the_form_for_that_thread(client, submission):
    resident = make_resident(submission.discussion.territory)
    top = services.reply_to_submission(author=resident, submission=submission, text="Первый.")
    enter(client, resident)
    html = page(client, f"{submission.get_absolute_url()}?reply={top.pk}")
    assert "Replying to Participant No." in html
    assert f'name="parent" value="{top.pk}"' in html


@pytest.mark.parametrize("reply", ["9" * 5000, "²", "-1", "abc"])
def test_a_reply_that_names_no_thread_opens_the_page_without_the_form(client, submission, reply):
    enter(client, make_resident(submission.discussion.territory))
    html = page(client, f"{submission.get_absolute_url()}?reply={reply}")
    assert "Replying to" not in html


def test_the_page_speaks_russian_too(client, submission):
    enter(client, make_resident(submission.discussion.territory))
    html = page(client, submission.get_absolute_url(), **{"accept-language": "ru"})
    assert "Поддержать" in html and "Возразить" in html and "Ответы" in html


def _bulk(discussion, count: int) -> list[Submission]:
    author = make_resident(discussion.territory)
    return Submission.objects.bulk_create(
        Submission(
            discussion=discussion,
            number=number,
            registration_number=f"{discussion.pk}-{number:05d}",
            kind="proposal",
            text=f"Предложение номер {number} по проекту.",
            author=author,
            participant_number=1,
            basis="resident",
        )
        for number in range(1, count + 1)
    )


def test_the_list_sorted_by_support_pages_in_fixed_queries(client):
    discussion = make_discussion(stage="intake")
    made = _bulk(discussion, 120)
    people = [make_resident(discussion.territory) for _ in range(3)]
    enter(client, people[0])
    url = reverse("discussions:proposals", args=[discussion.pk]) + "?sort=support"

    def measured(address) -> tuple[int, str]:
        page(client, address)  # the first request fills caches
        with CaptureQueriesContext(connection) as captured:
            html = page(client, address)
        return len(captured), html

    few, _html = measured(url)
    # Number 77 gets three supports, number 5 two, every submission of the page one objection.
    Mark.objects.bulk_create(
        [Mark(submission=made[76], person=person, kind="support") for person in people]
        + [Mark(submission=made[4], person=person, kind="support") for person in people[1:]]
        + [Mark(submission=s, person=people[2], kind="object") for s in made[5:60]]
    )
    many, html = measured(url)
    assert many == few
    assert html.index(f"{discussion.pk}-00077") < html.index(f"{discussion.pk}-00005")
    assert html.index(f"{discussion.pk}-00005") < html.index(f"{discussion.pk}-00001")
    assert "✓ I support" in html  # the reader's own mark on number 77
    assert "page=2&amp;sort=support" in html
    newest = page(client, url.replace("support", "newest"))
    assert newest.index(f"{discussion.pk}-00120") < newest.index(f"{discussion.pk}-00071")


def test_the_organizer_sees_support_objections_and_replies_in_the_review(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    proposal = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=PROPOSAL,
    )
    for kind in ("support", "support", "object"):
        services.mark_submission(
            user=make_resident(discussion.territory), submission=proposal, kind=kind
        )
    services.reply_to_submission(
        author=make_resident(discussion.territory), submission=proposal, text="Согласен."
    )
    move_to(discussion, "review")
    enter(client, organizer)
    html = page(client, reverse("discussions:review", args=[discussion.pk]))
    assert "support <strong>2</strong>" in html
    assert "objections <strong>1</strong>" in html
    assert "replies <strong>1</strong>" in html


def test_the_protocol_gives_the_counts_as_information_in_pdf_and_docx(settings, submission):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://veche.example.org"
    for kind in ("support", "object", "object"):
        services.mark_submission(
            user=make_resident(submission.discussion.territory), submission=submission, kind=kind
        )
    discussion = move_to(submission.discussion, "review")
    said = "For information: supported by 1, objected to by 2."
    # The PDF's narrow column hyphenates the words.
    assert said in pdf_text(records.draft_protocol_pdf(discussion)).replace("\u2010 ", "")
    assert said in docx_text(records.protocol_docx(discussion))
