"""The read side of advisory votes: who may vote now and why not, the key of a person's ballot,
their own answer, the turnout and — only once a question is closed — its results."""

import datetime
import hashlib
import hmac
import statistics
from dataclasses import dataclass, field

from django.conf import settings
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


def turnout(question: VoteQuestion) -> tuple[list[Cell], list[Cell]]:
    """The voters by part of the territory and by age group: every part and band, the empty
    ones too, so that a hidden group's empty neighbours are hidden with it."""
    voters = Voter.objects.filter(question=question, counted=True).order_by()
    areas = dict(voters.values_list("area_id").annotate(n=Count("pk")))
    territory = question.discussion.territory
    parts = sorted(Territory.objects.filter(parent=territory), key=lambda t: t.title)
    by_area = [(part.title, areas.pop(part.pk, 0)) for part in parts]
    by_area.append((territory.title, areas.pop(territory.pk, 0)))
    # Owners living elsewhere, no territory rule, or a part made since the vote.
    by_area.append((_("elsewhere or not stated"), sum(areas.values())))
    ages = dict(voters.values_list("age_group").annotate(n=Count("pk")))
    by_age = [(band, ages.pop(band, 0)) for band in settings.VECHE_VOTE_AGE_GROUPS]
    by_age.append((_("age not stated"), sum(ages.values())))
    return _cells(by_area), _cells(by_age)


def results(question: VoteQuestion, *, moment: datetime.datetime | None = None) -> Results | None:
    """The results of a closed question, counted from the stored ballots; None while it is not
    closed — not even the organizer sees a choice before the close."""
    if question.state_at(moment) != "closed":
        return None
    answers = list(Ballot.objects.filter(question=question).values_list("answer", flat=True))
    total = len(answers)
    found = Results(question, total, small_cell=settings.VECHE_VOTE_SMALL_CELL)
    found.by_area, found.by_age = turnout(question)
    if question.kind == VoteQuestion.Kind.SCALE:
        marks = [answer[0] for answer in answers if answer]
        counts = {value: marks.count(value) for value in question.scale_values}
        found.scale = [
            OptionResult(str(value), count, _share(count, total)) for value, count in counts.items()
        ]
        if marks:
            found.mean = round(statistics.fmean(marks), 2)
            found.median = statistics.median(marks)
        return found
    options = list(question.options.all())
    rows = {option.pk: OptionResult(option.text) for option in options}
    places: dict[int, list[int]] = {option.pk: [] for option in options}
    for answer in answers:
        for place, option_id in enumerate(answer, start=1):
            if option_id not in rows:
                continue
            if question.kind == VoteQuestion.Kind.RANK:
                rows[option_id].points += len(options) - place
                places[option_id].append(place)
                if place == 1:
                    rows[option_id].count += 1
            else:
                rows[option_id].count += 1
    for option_id, row in rows.items():
        row.share = _share(row.count, total)
        if places[option_id]:
            row.mean_place = round(statistics.fmean(places[option_id]), 2)
    found.options = list(rows.values())
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
