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


def vote_by_parts() -> tuple[Discussion, VoteQuestion]:
    """A closed single-answer question of a city voted on by 14 people: 6 aged 45–59 from the
    Big district, 7 aged 18–29 from the Middle one and a lone person aged 60 or over from the
    Tiny one (VECHE_VOTE_SMALL_CELL 5). The lone voter's district and age are each one group
    of one beside groups of 5 or more: the total minus the others would give them."""
    import datetime

    from tests.factories import make_resident, make_territory

    city = make_territory(kind="city", en="City")
    big, middle, tiny = (
        make_territory(parent=city, en=f"{name} district") for name in ("Big", "Middle", "Tiny")
    )
    discussion = make_voting(territory=city)
    single = question(discussion, "single")
    yes, no = options(single)
    for _ in range(6):
        services.cast_vote(user=make_resident(big), question=single, answer=[yes])
    for _ in range(7):
        young = make_resident(middle, birthdate=datetime.date(2000, 1, 1))
        services.cast_vote(user=young, question=single, answer=[yes])
    lone = make_resident(tiny, birthdate=datetime.date(1940, 1, 1))
    services.cast_vote(user=lone, question=single, answer=[no])
    close(discussion)
    return discussion, question(discussion, "single")
