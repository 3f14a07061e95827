"""Advisory votes of a discussion: the organizer's questions, and casting or changing a ballot
(docs/votes.md). One ballot per person and question, exact under concurrency: the voter's row is
inserted once (ON CONFLICT DO NOTHING on its unique constraint) and locked, so that one person's
ballot is decided one at a time whatever the tabs; the results are counted from the rows."""

import datetime

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core import ratelimits
from veche.core.audit import record_event
from veche.discussions.models import Ballot, Discussion, Stage, VoteOption, VoteQuestion, Voter
from veche.discussions.queries_votes import age_group, ballot_key, vote_decision
from veche.territories.models import Territory

from ._common import _lock, _require

MAX_OPTIONS = 20
FIELDS = {
    "kind",
    "text",
    "note",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "opens_at",
    "closes_at",
}
# Questions are set while the discussion is prepared, never once people could vote.
EDITABLE_STAGES = (Stage.DRAFT, Stage.SCHEDULED, Stage.ANNOUNCED, Stage.EXPOSITION)


def _editable(question_or_discussion, moment) -> None:
    discussion = getattr(question_or_discussion, "discussion", question_or_discussion)
    if discussion.stage_at(moment) not in EDITABLE_STAGES:
        raise ValidationError(_("Questions are set before the voting starts; it has started."))
    if isinstance(question_or_discussion, VoteQuestion) and question_or_discussion.state_at(
        moment
    ) not in ("draft", "waiting"):
        raise ValidationError(_("Voting on this question has started: it cannot be changed."))


def _clean(fields: dict, options: list[str], discussion: Discussion, moment) -> list[str]:
    if fields.get("kind") not in VoteQuestion.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of question.")})
    if not str(fields.get("text", "")).strip():
        raise ValidationError({"text": _("Write the question.")})
    options = [text.strip() for text in options if text.strip()]
    if fields["kind"] == VoteQuestion.Kind.SCALE:
        low, high = fields.get("scale_min", 1), fields.get("scale_max", 5)
        if not (-10 <= low < high <= 10):
            raise ValidationError(
                {"scale_max": _("The scale runs from a lower to a higher mark, within ±10.")}
            )
        options = []
    else:
        # Not a scale: its bounds mean nothing (and must not break the order of the bounds).
        fields.update(scale_min=1, scale_max=5, scale_min_label="", scale_max_label="")
    if fields["kind"] != VoteQuestion.Kind.SCALE and not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(
            {"options": _("Give from 2 to %(most)s answers, one a line.") % {"most": MAX_OPTIONS}}
        )
    if len(set(options)) != len(options):
        raise ValidationError({"options": _("The answers repeat.")})
    longest = VoteOption._meta.get_field("text").max_length
    if any(len(text) > longest for text in options):
        raise ValidationError(
            {"options": _("An answer is at most %(most)s characters long.") % {"most": longest}}
        )
    opens = fields.get("opens_at") or discussion.starts(discussion.intake_start)
    closes = fields.get("closes_at") or discussion.ends(discussion.intake_end)
    if opens >= closes:
        raise ValidationError({"closes_at": _("Voting must close after it opens.")})
    if closes > discussion.ends(discussion.protocol_due):
        # Its results go into the protocol, which is signed by then.
        raise ValidationError(
            {
                "closes_at": _("Voting closes by the day the protocol is due, %(day)s.")
                % {"day": discussion.protocol_due.isoformat()}
            }
        )
    if fields.get("opens_at") and opens <= moment:
        raise ValidationError({"opens_at": _("Voting cannot open in the past.")})
    return options


@transaction.atomic
def add_question(
    *,
    user,
    discussion: Discussion,
    fields: dict,
    options: list[str],
    moment: datetime.datetime | None = None,
) -> VoteQuestion:
    """A question the organizer attaches to the discussion, with its answers."""
    moment = moment or timezone.now()
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _editable(discussion, moment)
    options = _clean(fields, options, discussion, moment)
    question = VoteQuestion.objects.create(
        discussion=discussion,
        position=discussion.vote_questions.count() + 1,
        created_by=user,
        created_at=moment,
        **{name: value for name, value in fields.items() if name in FIELDS},
    )
    _put_options(question, options)
    record_event(
        actor=user,
        action="discussion.vote_question_added",
        target=question,
        data={"discussion": discussion.pk, "kind": question.kind},
    )
    return question


def _put_options(question: VoteQuestion, options: list[str]) -> None:
    # No one has voted before a question opens: its answers can be replaced whole.
    question.options.all().delete()
    VoteOption.objects.bulk_create(
        VoteOption(question=question, position=number, text=text)
        for number, text in enumerate(options, start=1)
    )


@transaction.atomic
def change_question(
    *,
    user,
    question: VoteQuestion,
    fields: dict,
    options: list[str],
    moment: datetime.datetime | None = None,
) -> VoteQuestion:
    """The organizer's correction of a question before voting on it starts."""
    moment = moment or timezone.now()
    discussion = _lock(question.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    question = VoteQuestion.objects.get(pk=question.pk)
    question.discussion = discussion
    _editable(question, moment)
    options = _clean(fields, options, discussion, moment)
    for name, value in fields.items():
        if name in FIELDS:
            setattr(question, name, value)
    question.save()
    _put_options(question, options)
    record_event(
        actor=user,
        action="discussion.vote_question_changed",
        target=question,
        data={"discussion": discussion.pk, "kind": question.kind},
    )
    return question


@transaction.atomic
def remove_question(
    *, user, question: VoteQuestion, moment: datetime.datetime | None = None
) -> None:
    moment = moment or timezone.now()
    discussion = _lock(question.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    question = VoteQuestion.objects.get(pk=question.pk)
    question.discussion = discussion
    _editable(question, moment)
    record_event(
        actor=user,
        action="discussion.vote_question_removed",
        target=discussion,
        data={"question": question.pk, "text": question.text},
    )
    question.delete()


def _checked_answer(question: VoteQuestion, answer: list) -> list[int]:
    """The answer as stored, or a ValidationError that says what is wrong with it."""
    try:
        values = [int(value) for value in answer]
    except (TypeError, ValueError):
        raise ValidationError(_("Choose an answer.")) from None
    kind = question.kind
    if kind == VoteQuestion.Kind.SCALE:
        if len(values) != 1 or values[0] not in question.scale_values:
            raise ValidationError(
                _("Choose a mark from %(low)s to %(high)s.")
                % {"low": question.scale_min, "high": question.scale_max}
            )
        return values
    known = [option.pk for option in question.options.all()]
    if not values or len(set(values)) != len(values) or not set(values) <= set(known):
        raise ValidationError(
            _("Give each option its own place.")
            if kind == VoteQuestion.Kind.RANK
            else _("Choose an answer.")
        )
    if kind == VoteQuestion.Kind.SINGLE and len(values) != 1:
        raise ValidationError(_("Choose one answer."))
    if kind == VoteQuestion.Kind.RANK and len(values) != len(known):
        raise ValidationError(_("Give each option its own place."))
    return values


def _area(discussion: Discussion, residence_path: str | None) -> Territory | None:
    """The part of the discussion's territory one level down where the person lives (or the
    territory itself when they live in it and no deeper is known)."""
    top = discussion.territory.path
    if not residence_path or not residence_path.startswith(top):
        return None
    rest = [code for code in residence_path[len(top) :].split("/") if code]
    if not rest:
        return discussion.territory
    return Territory.objects.filter(path=f"{top}{rest[0]}/").first()


@transaction.atomic
def cast_vote(
    *, user, question: VoteQuestion, answer: list, moment: datetime.datetime | None = None
) -> bool:
    """Cast this person's ballot on a question, or change it while the question is open.
    Returns True when an earlier ballot was changed."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to vote."))
    ratelimits.spend("mark", user)  # a tap like a mark, under its limits
    # The account's row first, as an erasure takes it: a ballot racing the erasure of its
    # account (another tab) waits for it, then finds the account erased and stores nothing;
    # one stored first is withdrawn by the erasure (`erasure._withdraw_votes`).
    if not (
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=user.pk, is_active=True)
        .values_list("pk", flat=True)
        .first()
    ):
        raise PermissionDenied(_("This account is no longer active: it cannot vote."))
    moment = moment or timezone.now()
    question = VoteQuestion.objects.select_related("discussion__territory").get(pk=question.pk)
    decision = vote_decision(user, question, moment=moment)
    if not decision.allowed:
        raise PermissionDenied(" ".join(decision.reasons))
    values = _checked_answer(question, answer)
    # Inserted once whatever the race (INSERT … ON CONFLICT DO NOTHING), then locked: the same
    # person's ballots on the question are decided one after another.
    Voter.objects.bulk_create(
        [
            Voter(
                question=question,
                person=user,
                basis=decision.basis or Voter.Basis.OTHER,
                area=_area(question.discussion, decision.facts.residence_path),
                age_group=age_group(decision.facts.birthdate, timezone.localdate(moment)),
                voted_at=moment,
            )
        ],
        ignore_conflicts=True,
    )
    voter = Voter.objects.select_for_update().get(question=question, person=user)
    key = ballot_key(question.pk, user.pk)
    changed = voter.counted
    if changed:
        updated = Ballot.objects.filter(question=question, key=key).update(answer=values)
        if not updated:
            # The vote key was changed under an open vote: a second ballot would count twice.
            raise ValidationError(_("Your ballot can no longer be changed; it is counted."))
    else:
        Ballot.objects.create(question=question, key=key, answer=values)
        voter.counted = True
        voter.save(update_fields=["counted"])
    record_event(
        actor=user,
        action="discussion.vote_changed" if changed else "discussion.vote_cast",
        target=question,
        data={"discussion": question.discussion_id},  # never the choice
    )
    return changed
