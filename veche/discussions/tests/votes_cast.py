"""Discussions with advisory questions for the tests of votes: the questions are set while the
discussion is announced, then the dates move to the wanted stage, as time would."""

from tests.factories import discussion_dates, make_discussion
from veche.discussions import services
from veche.discussions.models import Discussion, VoteQuestion

QUESTIONS = (
    ({"kind": "single", "text": "Нужен ли сквер?"}, ["Да", "Нет"]),
    ({"kind": "multiple", "text": "Что разместить в сквере?"}, ["Скамейки", "Фонтан", "Площадку"]),
    (
        {"kind": "scale", "text": "Как вы оцениваете проект?", "scale_min": 1, "scale_max": 5},
        [],
    ),
    ({"kind": "rank", "text": "Что строить сначала?"}, ["Школу", "Поликлинику", "Парк"]),
)


def make_voting(stage: str = "intake", questions=QUESTIONS, **discussion) -> Discussion:
    """A discussion at `stage` with the questions of `questions` (all, by default)."""
    made = make_discussion(stage="announced", **discussion)
    organizer = made.created_by
    for fields, options in questions:
        services.add_question(user=organizer, discussion=made, fields=dict(fields), options=options)
    if stage != "announced":
        Discussion.objects.filter(pk=made.pk).update(**discussion_dates(stage))
    made.refresh_from_db()
    return made


def question(discussion: Discussion, kind: str) -> VoteQuestion:
    found = discussion.vote_questions.get(kind=kind)
    found.discussion = discussion
    return found


def options(found: VoteQuestion) -> list[int]:
    return list(found.options.values_list("pk", flat=True))


def close(discussion: Discussion) -> None:
    """Time passes: the intake (and with it the voting) is over."""
    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates("review"))
    discussion.refresh_from_db()
