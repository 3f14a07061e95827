"""Each kind of submission is named as itself wherever one is named: a question is confirmed as a
question ("Ваш вопрос зарегистрирован под номером…"), never as a proposal, on the page that
confirms it, in the receipt, on its own page, in the participant's list, in the notice of the
organizer's recommendation, to the official who registers it from paper, and in the protocol."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.factories import discussion_dates, make_discussion, make_resident, make_staff
from tests.outbox import deliver_everything
from tests.sign_in import enter
from veche.discussions import records, services
from veche.discussions.models import Discussion, Submission
from veche.discussions.wording import PHRASES, Phrases
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Kind = Submission.Kind

# The noun of each kind, as its sentences say it (stems: Russian declines them).
NOUNS = {
    "en": {Kind.PROPOSAL: "proposal", Kind.REMARK: "remark", Kind.QUESTION: "question"},
    "ru": {Kind.PROPOSAL: "предложени", Kind.REMARK: "замечани", Kind.QUESTION: "вопрос"},
}


def naming(text: str, kind: str, language: str) -> list[str]:
    """What is wrong with how `text` names a submission of `kind`: its own noun missing, or the
    noun of another kind used."""
    lowered = text.lower()
    wrong = [] if NOUNS[language][kind] in lowered else [f"no {NOUNS[language][kind]!r}"]
    wrong += [
        f"says {noun!r}"
        for other, noun in NOUNS[language].items()
        if other != kind and noun in lowered
    ]
    return wrong


def test_the_check_sees_a_question_called_a_proposal():
    assert naming("Ваше предложение зарегистрировано под номером 6-0002.", Kind.QUESTION, "ru")
    assert not naming("Ваш вопрос зарегистрирован под номером 6-0002.", Kind.QUESTION, "ru")


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("kind", Kind.values)
def test_every_phrase_names_its_kind_and_agrees_with_it(kind, language):
    phrases = PHRASES[kind]
    with translation.override(language):
        for name in Phrases.__dataclass_fields__:
            text = str(getattr(phrases, name))
            if name == "awaiting":  # a status with no noun: its verb agrees with the noun
                if language == "ru":
                    masculine = kind == Kind.QUESTION
                    assert text.startswith("зарегистрирован," if masculine else "зарегистрировано")
                continue
            assert naming(text, kind, language) == [], (name, text)


def test_every_kind_has_its_phrases():
    assert set(PHRASES) == set(Kind.values)


TEXTS = {
    Kind.PROPOSAL: "Сохранить липы вдоль улицы Баумана при реконструкции.",
    Kind.REMARK: "Проект не учитывает парковку для жителей дома 7.",
    Kind.QUESTION: "Сколько этажей будет у нового здания школы?",
}


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def between(html: str, tag: str) -> str:
    match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("kind", Kind.values)
def test_a_submission_is_named_as_its_kind_wherever_it_is_named(
    kind, language, client, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = language
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    discussion = make_discussion(stage="intake")
    organizer = discussion.created_by
    resident = make_resident(discussion.territory)
    resident.preferred_language = language
    resident.save(update_fields=["preferred_language"])
    said: dict[str, str] = {}

    enter(client, resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("discussions:submit", args=[discussion.pk]),
            {"kind": kind, "text": TEXTS[kind], "confirm": "yes"},
            follow=True,
        )
    deliver_everything()
    submission = Submission.objects.get(discussion=discussion, author=resident)
    said["the confirmation"] = " ".join(flashed(response))
    page = response.content.decode()
    said["the page's title"] = between(page, "title")
    said["the page's heading"] = between(page, "h1")
    said["the page's review"] = between(page.split('id="review-title"', 1)[1], "p")
    (receipt,) = mail.outbox
    said["the receipt's subject"] = receipt.subject
    said["the receipt's first line"] = receipt.body.strip().splitlines()[0]
    mine = client.get(reverse("discussions:mine")).content.decode()
    with translation.override(language):
        assert str(PHRASES[kind].awaiting) in mine

    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates("review"))
    with django_capture_on_commit_callbacks(execute=True):
        services.recommend(
            user=organizer,
            submission=submission,
            recommendation=Submission.Recommendation.PARTLY,
            reason="Учтено при доработке проекта.",
        )
    deliver_everything()
    notice = resident.notifications.get(kind="discussion_recommendation")
    said["the recommendation's title"] = notice.title
    said["the recommendation's text"] = notice.body.splitlines()[0]

    official = make_staff(discussion.organizer, Membership.Role.OFFICIAL)
    official.preferred_language = language
    official.save(update_fields=["preferred_language"])
    enter(client, official)
    discussion.refresh_from_db()
    response = client.post(
        reverse("discussions:register_submission", args=[discussion.pk]),
        {
            "channel": Submission.Channel.WRITING,
            "received_on": discussion.intake_end.isoformat(),
            "participant": "person",
            "full_name": "Иванова Мария Петровна",
            "birthdate": "1950-03-08",
            "address": "г. Казань, ул. Шамиля Усманова, д. 3",
            "basis": Submission.Basis.RESIDENT,
            "kind": kind,
            "text": TEXTS[kind] + " (письмом)",
        },
        follow=True,
    )
    said["the paper registration"] = " ".join(flashed(response))

    with translation.override(language):
        protocol = records.draft_protocol_pdf(discussion)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(protocol)).pages)
    said["the protocol's entry"] = text.split(submission.registration_number, 1)[1][:200]

    wrong = {where: naming(text, kind, language) for where, text in said.items()}
    assert {where: problems for where, problems in wrong.items() if problems} == {}, said
