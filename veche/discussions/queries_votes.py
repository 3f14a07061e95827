"""The read side of advisory votes: who may vote now and why not, the key of a person's ballot,
their own answer, the turnout and — only once a question is closed — its results."""

import datetime
import hashlib
import hmac
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.discussions.disclosure import hidden_groups
from veche.discussions.models import Ballot, Discussion, VoteQuestion, Voter
from veche.identity.eligibility import Decision, age_on, check_eligibility
from veche.identity.models import EligibilityRule
from veche.territories.models import Territory

RANK_METHOD = gettext_lazy(
    "Borda count: with n options, the first place gets n−1 points, the last 0; the average "
    "place is shown too."
)


def ballot_key(question_id: int, person_id: int) -> str:
    """The key of a person's ballot on a question: an HMAC under the server's vote key, so
    that the voter's ballot can be found again from the voter, and not the other way round."""
    secret = settings.VECHE_VOTE_SECRET or f"veche.votes:{settings.SECRET_KEY}"
    message = f"{question_id}:{person_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def questions_of(discussion: Discussion) -> list[VoteQuestion]:
    questions = list(discussion.vote_questions.prefetch_related("options"))
    for question in questions:
        question.discussion = discussion  # one discussion read for all
    return questions


def _moment_text(moment: datetime.datetime, discussion: Discussion) -> str:
    return date_format(moment.astimezone(discussion.zone), "j E Y, H:i")


def vote_decision(
    user, question: VoteQuestion, *, moment: datetime.datetime | None = None
) -> Decision:
    """May this person vote on this question now, with the reasons if not: while it is open,
    under the discussion's rule of taking part, with the age counted on the day of voting."""
    moment = moment or timezone.now()
    state = question.state_at(moment)
    if state != "open":
        reason = {
            "waiting": _("Voting opens on %(when)s.")
            % {"when": _moment_text(question.opens, question.discussion)},
            "closed": _("Voting closed on %(when)s.")
            % {"when": _moment_text(question.closes, question.discussion)},
            "cancelled": _("The discussion is cancelled: there is no voting."),
        }.get(state, _("The discussion is not published yet."))
        return Decision(False, (reason,))
    return check_eligibility(
        user, EligibilityRule.Action.SUBMIT, question.discussion, moment=moment
    )


def age_group(birthdate: datetime.date | None, day: datetime.date) -> str:
    """The band of `VECHE_VOTE_AGE_GROUPS` ("18-29", "60-") the age on `day` falls in, or ""."""
    if birthdate is None:
        return ""
    years = age_on(birthdate, day)
    for band in settings.VECHE_VOTE_AGE_GROUPS:
        low, _dash, high = band.partition("-")
        if low.isdigit() and int(low) <= years and (not high or years <= int(high)):
            return band
    return ""


def my_answer(user, question: VoteQuestion) -> list | None:
    """The person's own ballot (theirs to see and change), or None if they have not voted."""
    if not user.is_authenticated:
        return None
    ballot = Ballot.objects.filter(question=question, key=ballot_key(question.pk, user.pk)).first()
    return ballot.answer if ballot else None


def voters_count(question: VoteQuestion) -> int:
    return Voter.objects.filter(question=question, counted=True).count()


# --- Results ------------------------------------------------------------------------------


@dataclass
class Cell:
    label: str
    count: int
    # Not shown: a group of fewer than VECHE_VOTE_SMALL_CELL, or one hidden beside it
    # (`disclosure.hidden_groups`); every hidden group reads the same.
    hidden: bool = False


@dataclass
class OptionResult:
    text: str
    count: int = 0
    share: float = 0.0  # percent of the voters
    points: int = 0  # rank: Borda points
    mean_place: float | None = None  # rank


@dataclass
class Results:
    question: VoteQuestion
    voters: int
    options: list[OptionResult] = field(default_factory=list)
    scale: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    by_area: list[Cell] = field(default_factory=list)
    by_age: list[Cell] = field(default_factory=list)
    small_cell: int = 5


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _cells(pairs) -> list[Cell]:
    """A dimension of the turnout, its small groups hidden with the empty ones and the next
    smallest beside them (the total minus the shown groups must not give one away); none at
    all when every group would be hidden, as when fewer than VECHE_VOTE_SMALL_CELL voted."""
    pairs = list(pairs)
    hidden = hidden_groups([count for _label, count in pairs], settings.VECHE_VOTE_SMALL_CELL)
    if all(hidden):
        return []
    return [
        Cell(str(label), count, flag) for (label, count), flag in zip(pairs, hidden, strict=True)
    ]


# A closed question's ballots no longer change (docs/votes.md), so its count is kept: counting
# 60,000 ballots took 0.57 s on every view of the results, the API and the open data. Kept only
# once the close is this far behind, so that a ballot cast in the last moment and committed
# just after the close is in the count that is kept.
SETTLED_AFTER = datetime.timedelta(minutes=5)
TALLY_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Tally:
    """What the results are made of, as plain numbers the same in every language: the
    ballots by answer, and the counted voters by area (a territory's id, None for none) and by
    age group."""

    voters: int
    marks: dict[int, int]  # scale: mark -> ballots
    counts: dict[int, int]  # choice: option -> ballots; rank: option -> first places
    points: dict[int, int]  # rank: Borda points
    places: dict[int, tuple[int, int]]  # rank: option -> (sum of places, times placed)
    areas: dict[int | None, int]
    ages: dict[str, int]


def _count(question: VoteQuestion) -> Tally:
    answers = Ballot.objects.filter(question=question).values_list("answer", flat=True)
    marks: dict[int, int] = {}
    counts: dict[int, int] = {}
    points: dict[int, int] = {}
    places: dict[int, tuple[int, int]] = {}
    voters = 0
    options = {option.pk for option in question.options.all()}
    rank = question.kind == VoteQuestion.Kind.RANK
    for answer in answers.iterator(chunk_size=5000):
        voters += 1
        if question.kind == VoteQuestion.Kind.SCALE:
            if answer:
                marks[answer[0]] = marks.get(answer[0], 0) + 1
            continue
        for place, option_id in enumerate(answer, start=1):
            if option_id not in options:
                continue
            if rank:
                points[option_id] = points.get(option_id, 0) + len(options) - place
                total, times = places.get(option_id, (0, 0))
                places[option_id] = (total + place, times + 1)
            if not rank or place == 1:
                counts[option_id] = counts.get(option_id, 0) + 1
    counted = Voter.objects.filter(question=question, counted=True).order_by()
    return Tally(
        voters,
        marks,
        counts,
        points,
        places,
        dict(counted.values_list("area_id").annotate(n=Count("pk"))),
        dict(counted.values_list("age_group").annotate(n=Count("pk"))),
    )


def _tally(question: VoteQuestion, moment: datetime.datetime) -> Tally:
    """The question's tally; from the cache once its close is settled (`SETTLED_AFTER`). The
    key names the close and the options, so a question whose close moved is counted anew."""
    if moment < question.closes + SETTLED_AFTER:
        return _count(question)
    options = ",".join(str(option.pk) for option in question.options.all())
    key = f"veche:vote-tally:1:{question.pk}:{question.closes.timestamp()}:{options}"
    return cache.get_or_set(key, lambda: _count(question), TALLY_SECONDS)


def turnout(question: VoteQuestion, tally: Tally | None = None) -> tuple[list[Cell], list[Cell]]:
    """The voters by part of the territory and by age group: every part and band, the empty
    ones too, so that a hidden group's empty neighbours are hidden with it."""
    tally = tally or _count(question)
    areas, ages = dict(tally.areas), dict(tally.ages)
    territory = question.discussion.territory
    parts = sorted(Territory.objects.filter(parent=territory), key=lambda t: t.title)
    by_area = [(part.title, areas.pop(part.pk, 0)) for part in parts]
    by_area.append((territory.title, areas.pop(territory.pk, 0)))
    # Owners living elsewhere, no territory rule, or a part made since the vote.
    by_area.append((_("elsewhere or not stated"), sum(areas.values())))
    by_age = [(band, ages.pop(band, 0)) for band in settings.VECHE_VOTE_AGE_GROUPS]
    by_age.append((_("age not stated"), sum(ages.values())))
    return _cells(by_area), _cells(by_age)


def results(question: VoteQuestion, *, moment: datetime.datetime | None = None) -> Results | None:
    """The results of a closed question, counted from the stored ballots; None while it is not
    closed — not even the organizer sees a choice before the close."""
    moment = moment or timezone.now()
    if question.state_at(moment) != "closed":
        return None
    tally = _tally(question, moment)
    total = tally.voters
    found = Results(question, total, small_cell=settings.VECHE_VOTE_SMALL_CELL)
    found.by_area, found.by_age = turnout(question, tally)
    if question.kind == VoteQuestion.Kind.SCALE:
        found.scale = [
            OptionResult(str(value), count, _share(count, total))
            for value in question.scale_values
            for count in [tally.marks.get(value, 0)]
        ]
        marks = [mark for mark, count in sorted(tally.marks.items()) for _n in range(count)]
        if marks:
            found.mean = round(statistics.fmean(marks), 2)
            found.median = statistics.median(marks)
        return found
    for option in question.options.all():
        row = OptionResult(option.text, tally.counts.get(option.pk, 0))
        row.share = _share(row.count, total)
        row.points = tally.points.get(option.pk, 0)
        placed, times = tally.places.get(option.pk, (0, 0))
        row.mean_place = round(placed / times, 2) if times else None
        found.options.append(row)
    if question.kind == VoteQuestion.Kind.RANK:
        found.options.sort(key=lambda row: -row.points)
    return found


@dataclass
class QuestionView:
    question: VoteQuestion
    decision: Decision
    mine: list | None
    results: Results | None
    voters: int | None = None  # the turnout so far, for the organizer

    @property
    def rank_rows(self) -> list:
        """Each option with the place the person gave it (0: none yet), for the rank form."""
        places = {option_id: place for place, option_id in enumerate(self.mine or [], start=1)}
        return [(option, places.get(option.pk, 0)) for option in self.question.options.all()]


def panel(user, discussion: Discussion, *, organizer: bool = False) -> list[QuestionView]:
    """The discussion's questions as this person sees them."""
    shown = []
    for question in questions_of(discussion):
        state = question.state
        shown.append(
            QuestionView(
                question,
                vote_decision(user, question) if user.is_authenticated else _signed_out(question),
                my_answer(user, question) if state in ("open", "closed") else None,
                results(question) if state == "closed" else None,
                voters_count(question) if organizer and state == "open" else None,
            )
        )
    return shown


def _signed_out(question: VoteQuestion) -> Decision:
    if question.state != "open":
        return vote_decision(None, question)
    return Decision(False, (_("Sign in to vote."),))


def results_data(found: Results) -> dict:
    """The results as plain data, for the API and the open data: a hidden group of the turnout
    has no number (`count` null); a dimension too small to break down has no group."""

    def cells(rows: list[Cell]) -> list[dict]:
        return [
            {"label": cell.label, "count": None if cell.hidden else cell.count} for cell in rows
        ]

    def option(row: OptionResult) -> dict:
        return {
            "text": row.text,
            "count": row.count,
            "share": row.share,
            "points": row.points if found.question.kind == VoteQuestion.Kind.RANK else None,
            "mean_place": row.mean_place,
        }

    return {
        "voters": found.voters,
        "options": [option(row) for row in found.options],
        "scale": [
            {"value": int(row.text), "count": row.count, "share": row.share} for row in found.scale
        ],
        "mean": found.mean,
        "median": found.median,
        "method": str(RANK_METHOD) if found.question.kind == VoteQuestion.Kind.RANK else "",
        "by_area": cells(found.by_area),
        "by_age": cells(found.by_age),
    }


def question_data(question: VoteQuestion) -> dict:
    """A question as the API and the open data give it, with its results once it is closed."""
    counted = results(question)
    return {
        "id": question.pk,
        "position": question.position,
        "kind": question.kind,
        "text": question.text,
        "note": question.note,
        "options": [option.text for option in question.options.all()],
        "scale_min": question.scale_min if question.kind == VoteQuestion.Kind.SCALE else None,
        "scale_max": question.scale_max if question.kind == VoteQuestion.Kind.SCALE else None,
        "opens_at": question.opens,
        "closes_at": question.closes,
        "state": question.state,
        "advisory": True,
        "results": results_data(counted) if counted else None,
    }


# --- A person's own data (for the personal-data export) ---------------------------------------


def personal_data(user) -> dict:
    """The questions the person voted on, with the facts of the turnout recorded about them
    (`Voter`), and their own answer. A ballot carries no person, but by design the server can
    find a voter's own ballot from the voter (the same keyed hash that shows it back to them on
    the vote page, docs/votes.md), so the person gets their answer as they get it there; when
    the key changed since, the ballot cannot be found and the answer is null. Nothing here
    tells anyone else's ballot. Erasure withdraws both rows of a question not yet closed, and
    leaves those of a closed one: its published turnout and results, and the protocol that
    prints them, rest on them, and the ballot never named the person."""
    voters = list(
        Voter.objects.filter(person=user)
        .select_related("question", "area")
        .order_by("voted_at", "id")
    )
    keys = {voter.question_id: ballot_key(voter.question_id, user.pk) for voter in voters}
    answers = {
        (question_id, key): answer
        for question_id, key, answer in Ballot.objects.filter(
            question_id__in=keys, key__in=keys.values()
        ).values_list("question_id", "key", "answer")
    }
    return {
        "discussion_votes": [
            {
                "discussion": voter.question.discussion_id,
                "question": voter.question_id,
                "kind": voter.question.kind,
                "voted_at": voter.voted_at.isoformat(),
                "counted": voter.counted,
                "basis": voter.basis,
                "area": voter.area.code if voter.area_id else None,
                "age_group": voter.age_group,
                # The chosen option ids (for a ranking, from the first place down), or [the
                # mark] on a scale.
                "answer": answers.get((voter.question_id, keys[voter.question_id])),
            }
            for voter in voters
        ]
    }
