"""The demo's advisory votes (docs/votes.md): the intake's discussion asks four questions and
residents are voting; the concluded one's vote is closed, with its results in the protocol."""

import datetime

from django.utils import timezone

from veche.demo.appeals import _residents
from veche.discussions import services
from veche.discussions.models import VoteQuestion
from veche.identity.eligibility import person_changed
from veche.identity.models import Verification

QUESTIONS = {
    "intake": [
        ({"kind": "single", "text": "Нужен ли скверу фонтан?"}, ["Да", "Нет", "Всё равно"]),
        (
            {"kind": "multiple", "text": "Что разместить в сквере в первую очередь?"},
            ["Скамейки в тени", "Детскую площадку", "Площадку для выгула собак", "Велопарковку"],
        ),
        (
            {
                "kind": "scale",
                "text": "Как вы оцениваете проект в целом?",
                "scale_min": 1,
                "scale_max": 5,
                "scale_min_label": "плохо",
                "scale_max_label": "отлично",
            },
            [],
        ),
        (
            {"kind": "rank", "text": "Что строить сначала?"},
            ["Детский сад", "Сквер", "Проезды"],
        ),
    ],
    "concluded": [
        (
            {"kind": "single", "text": "Какое освещение набережной вам больше нравится?"},
            ["Тёплое (3000 K)", "Нейтральное (4000 K)", "Всё равно"],
        ),
        (
            {
                "kind": "scale",
                "text": "Насколько удобна набережная для маломобильных людей сейчас?",
                "scale_min": 1,
                "scale_max": 5,
                "scale_min_label": "неудобна",
                "scale_max_label": "удобна",
            },
            [],
        ),
        (
            {"kind": "rank", "text": "Что сделать на набережной сначала?"},
            ["Пандусы", "Освещение", "Туалеты"],
        ),
    ],
}
BIRTH_YEARS = (1958, 1966, 1972, 1979, 1985, 1990, 1996, 2001, 2004)


def add_questions(discussion, organizer, stage: str) -> None:
    """While the discussion is prepared, before it is published."""
    for fields, options in QUESTIONS.get(stage, []):
        services.add_question(
            user=organizer, discussion=discussion, fields=dict(fields), options=options
        )


def _answer(question: VoteQuestion, number: int) -> list:
    ids = list(question.options.values_list("pk", flat=True))
    if question.kind == VoteQuestion.Kind.SCALE:
        return [(3, 4, 5, 4, 2, 5, 4, 3)[number % 8]]
    if question.kind == VoteQuestion.Kind.RANK:
        return ids[number % 3 :] + ids[: number % 3] if number % 4 else ids[::-1]
    if question.kind == VoteQuestion.Kind.MULTIPLE:
        return [ids[0], ids[1 + number % 3]]
    return [ids[0 if number % 3 else 1]] if number % 5 else [ids[2]]


def cast_ballots(discussion, stage: str) -> None:
    """Residents vote: now while the intake runs, during the intake for a concluded one."""
    questions = list(discussion.vote_questions.prefetch_related("options"))
    if not questions:
        return
    count = 14 if stage == "intake" else 23
    people = _residents(discussion.territory, count, start=400 if stage == "intake" else 450)
    for number, person in enumerate(people):
        year = BIRTH_YEARS[number % len(BIRTH_YEARS)]
        Verification.objects.filter(user=person).update(birthdate=datetime.date(year, 3, 14))
        person_changed(person.pk)
        moment = (
            timezone.now() - datetime.timedelta(hours=number + 1)
            if stage == "intake"
            else discussion.starts(discussion.intake_start) + datetime.timedelta(hours=5 + number)
        )
        for question in questions:
            question.discussion = discussion
            if question.kind == VoteQuestion.Kind.MULTIPLE and number % 4 == 3:
                continue  # not everyone answers every question
            services.cast_vote(
                user=person, question=question, answer=_answer(question, number), moment=moment
            )
