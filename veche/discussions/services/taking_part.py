"""Taking part: proposals, remarks and questions sent online or registered on behalf of a
participant."""

import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core import ratelimits
from veche.core.audit import record_event
from veche.discussions import tasks
from veche.discussions.models import (
    Discussion,
    Follow,
    Material,
    Reply,
    Stage,
    Submission,
)
from veche.discussions.models.submissions import ONLINE_CHANNELS
from veche.discussions.queries import identification_of
from veche.discussions.wording import PHRASES
from veche.identity.eligibility import age_on, check_eligibility, requirement_for
from veche.identity.models import EligibilityRule
from veche.moderation.screening import is_obscene, is_threatening

from ._common import Kind, _actor, _lock, _notify, _require


def _next_number(discussion: Discussion) -> int:
    last = discussion.submissions.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _participant_number(discussion: Discussion, **same_person) -> int:
    """The number the person already has in this discussion, else the next one."""
    earlier = (
        discussion.submissions.filter(**same_person)
        .exclude(participant_number=None)
        .values_list("participant_number", flat=True)
        .first()
        if same_person
        else None
    )
    if earlier:
        return earlier
    if "author" in same_person and same_person["author"] is not None:
        # Someone who replied before submitting keeps the number the replies show.
        earlier = (
            Reply.objects.filter(submission__discussion=discussion, author=same_person["author"])
            .values_list("participant_number", flat=True)
            .first()
        )
        if earlier:
            return earlier
    return next_participant_number(discussion)


def next_participant_number(discussion: Discussion) -> int:
    """A number no participant of the discussion has yet, whether they submitted or replied;
    the caller holds the discussion's lock."""
    last = discussion.submissions.aggregate(last=Max("participant_number"))["last"] or 0
    replied = (
        Reply.objects.filter(submission__discussion=discussion).aggregate(
            last=Max("participant_number")
        )["last"]
        or 0
    )
    return max(last, replied) + 1


def _basis(decision_basis: str) -> str:
    return {
        "resident": Submission.Basis.RESIDENT,
        "owner": Submission.Basis.OWNER,
    }.get(decision_basis, Submission.Basis.OTHER)


def _material_of(discussion: Discussion, material: Material | None, page: int | None):
    if material is None:
        return None, None
    if material.discussion_id != discussion.pk:
        raise ValidationError({"material": _("Choose a document of this discussion.")})
    version = material.current
    if page is not None and version and version.pages and not 1 <= page <= version.pages:
        raise ValidationError(
            {"page": _("The document has %(pages)s pages.") % {"pages": version.pages}}
        )
    return material, page


@transaction.atomic
def submit(
    *,
    user,
    discussion: Discussion,
    kind: str,
    text: str,
    material: Material | None = None,
    page: int | None = None,
    as_legal_entity: bool = False,
    moment: datetime.datetime | None = None,
) -> Submission:
    """An eligible participant's proposal, remark or question, registered with a number."""
    ratelimits.spend("submit", user)
    moment = moment or timezone.now()
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": _("Choose what you send: a proposal, a remark or a question.")}
        )
    discussion = _lock(discussion)  # submissions of one discussion are numbered one by one
    if kind == Kind.QUESTION:
        if not discussion.questions_open_at(moment):
            raise ValidationError(_("Questions to the experts are taken during the exposition."))
        action = EligibilityRule.Action.ASK
    else:
        if not discussion.intake_open_at(moment):
            raise ValidationError(
                _("Proposals and remarks are not taken now: the intake is closed.")
                if discussion.stage_at(moment) not in (Stage.ANNOUNCED, Stage.EXPOSITION)
                else _("Proposals and remarks are taken from %(date)s.")
                % {"date": discussion.intake_start.isoformat()}
            )
        action = EligibilityRule.Action.SUBMIT
    return register_online(
        user=user,
        discussion=discussion,
        kind=kind,
        text=text,
        material=material,
        page=page,
        as_legal_entity=as_legal_entity,
        moment=moment,
        action=action,
        channel=Submission.Channel.SITE,
    )


def register_online(
    *,
    user,
    discussion: Discussion,
    kind: str,
    text: str,
    material: Material | None,
    page: int | None,
    as_legal_entity: bool,
    moment: datetime.datetime,
    action: str,
    channel: str,
) -> Submission:
    """Register what a participant sends from their account, once the caller has checked that it
    is taken now and holds the discussion's lock: eligibility, the text, the number, the
    receipt. The same for a submission of the intake and a remark at a hearing's meeting."""
    decision = check_eligibility(user, action, discussion, moment=moment)
    if not decision.allowed:
        raise PermissionDenied(" ".join(decision.reasons))
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": str(PHRASES[kind].write_it)})
    # Submissions are published with their number: what could not be published is refused
    # before it is registered, with the reason, so that the participant can rephrase it.
    if is_obscene(text):
        raise ValidationError(
            {"text": _("The text contains obscene words; it is published, so please rephrase it.")}
        )
    if is_threatening(text):
        raise ValidationError({"text": _("The text reads as a threat; please rephrase it.")})
    material, page = _material_of(discussion, material, page)
    # Pressed twice, or sent again from the browser's history: the same thing is kept once.
    earlier = discussion.submissions.filter(
        author=user,
        kind=kind,
        text=text,
        material=material,
        page=page,
        as_legal_entity=as_legal_entity,
    ).first()
    if earlier is not None:
        raise ValidationError(
            _("You have already sent this; it is registered under number %(number)s.")
            % {"number": earlier.registration_number}
        )
    number = _next_number(discussion)
    submission = Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.registration_prefix}-{number:04d}",
        kind=kind,
        text=text,
        material=material,
        page=page,
        author=user,
        as_legal_entity=as_legal_entity,
        participant_number=_participant_number(discussion, author=user),
        participant=identification_of(user, as_legal_entity=as_legal_entity),
        basis=_basis(decision.basis),
        channel=channel,
        created_at=moment,
    )
    Follow.objects.get_or_create(user=user, discussion=discussion)
    record_event(
        actor=user,
        action="discussion.submission_registered",
        target=submission,
        data={
            "discussion": discussion.pk,
            "number": submission.registration_number,
            "kind": kind,
            "basis": submission.basis,
            "channel": channel,
        },
    )
    # The receipt is stored with the submission: a crash after the commit cannot lose it.
    tasks.queue_receipt(submission.pk)
    # The organizer's systems hear of it (webhooks): public facts only, never the participant.
    _notify("submission_registered", discussion, submission=submission.pk, **_actor(user))
    if kind == Kind.QUESTION:
        _notify("question_asked", discussion, submission=submission.pk, **_actor(user))
    return submission


PAPER_FIELDS = ("full_name", "birthdate", "address", "legal_name", "ogrn", "legal_address")


@transaction.atomic
def _check_paper_age(discussion: Discussion, kind: str, birthdate: str, day) -> None:
    """A person who wrote in was born before they wrote, and was as old as the discussion asks
    of those who take part online (its eligibility rule's minimum age) on that day."""
    try:
        born = datetime.date.fromisoformat(birthdate)
    except ValueError:
        raise ValidationError({"birthdate": _("Give the date of birth as a date.")}) from None
    if born >= day:
        raise ValidationError(
            {"birthdate": _("The date of birth must be before the date of receipt.")}
        )
    action = (
        EligibilityRule.Action.ASK
        if kind == Submission.Kind.QUESTION
        else EligibilityRule.Action.SUBMIT
    )
    least = requirement_for(action, discussion).min_age
    if least and age_on(born, day) < least:
        raise ValidationError(
            {
                "birthdate": _("Only people aged %(age)s or over take part in this discussion.")
                % {"age": least}
            }
        )


def register_on_behalf(
    *,
    official,
    discussion: Discussion,
    kind: str,
    text: str,
    channel: str,
    received_on: datetime.date,
    participant: dict,
    basis: str,
    material: Material | None = None,
    page: int | None = None,
) -> Submission:
    """A submission that came in writing, at the meeting or in the visitors' book, registered
    by an official of the organizer. It must have arrived while the intake was open."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.register_submission", official, discussion))
    if channel in ONLINE_CHANNELS or channel not in Submission.Channel.values:
        raise ValidationError({"channel": _("Say how the submission was received.")})
    if discussion.protocol_signed_at or discussion.status != Discussion.Status.PUBLISHED:
        raise ValidationError(_("The protocol is signed: no submission can be added."))
    if not discussion.intake_start <= received_on <= discussion.intake_end:
        raise ValidationError(
            {
                "received_on": _(
                    "Submissions are accepted from %(start)s to %(end)s; this one came on "
                    "%(day)s and cannot be registered."
                )
                % {
                    "start": discussion.intake_start.isoformat(),
                    "end": discussion.intake_end.isoformat(),
                    "day": received_on.isoformat(),
                }
            }
        )
    if received_on > discussion.local_date():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    participant = {name: str(participant.get(name, "")).strip() for name in PAPER_FIELDS}
    as_legal_entity = bool(participant["legal_name"] or participant["ogrn"])
    if as_legal_entity:
        if not (participant["legal_name"] and participant["ogrn"] and participant["legal_address"]):
            raise ValidationError(_("A legal entity gives its name, OGRN and address."))
    elif not (participant["full_name"] and participant["birthdate"] and participant["address"]):
        raise ValidationError(
            _("A person gives full name, date of birth and address of residence.")
        )
    else:
        _check_paper_age(discussion, kind, participant["birthdate"], received_on)
    if basis not in Submission.Basis.values:
        raise ValidationError({"basis": _("Choose the basis of participation.")})
    if len(text.strip()) < 10:
        raise ValidationError({"text": _("Write out the submission as received.")})
    material, page = _material_of(discussion, material, page)
    participant |= {"received_on": received_on.isoformat()}
    # The same paper registered twice (a double press, two officials) is kept once.
    for earlier in discussion.submissions.filter(
        author__isnull=True,
        kind=kind,
        text=text.strip(),
        channel=channel,
        material=material,
        page=page,
    ):
        if earlier.participant == participant:
            raise ValidationError(earlier.words.already_registered)
    number = _next_number(discussion)
    submission = Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.registration_prefix}-{number:04d}",
        kind=kind,
        text=text.strip(),
        material=material,
        page=page,
        author=None,
        as_legal_entity=as_legal_entity,
        participant_number=_participant_number(
            discussion,
            author=None,
            **(
                {"participant__ogrn": participant["ogrn"]}
                if as_legal_entity
                else {
                    "participant__full_name": participant["full_name"],
                    "participant__birthdate": participant["birthdate"],
                }
            ),
        ),
        participant=participant,
        basis=basis,
        channel=channel,
        registered_by=official,
    )
    record_event(
        actor=official,
        action="discussion.submission_registered_on_behalf",
        target=submission,
        data={"discussion": discussion.pk, "number": submission.registration_number},
    )
    _notify("submission_registered", discussion, submission=submission.pk, **_actor(official))
    return submission
