"""Use cases of problems and collective appeals. Each runs in one transaction, checks who may
act and in which state, records an audit event, and queues notices after commit."""

import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.delivery import queue_dispatch
from veche.appeals.models import (
    Answer,
    Appeal,
    Comment,
    ControlPeriod,
    Dispatch,
    EditProposal,
    Follow,
    Message,
    Problem,
    Rating,
    Revision,
    Signature,
)
from veche.appeals.participants import number_of
from veche.appeals.policy import forwarding_due, overdue, policy_for, unsolved_after_answer
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.identity.eligibility import check_eligibility, person_facts
from veche.identity.models import EligibilityRule, Level
from veche.identity.queries import verified_name
from veche.moderation.screening import screen
from veche.notifications.services import announce
from veche.organizations.models import Membership
from veche.organizations.rules import holds_role
from veche.territories.geo import check_point

Status = Appeal.Status
# Until it is sent, an appeal goes nowhere: a signature on it may still be counted out.
NOT_SENT = (Status.DRAFT, Status.COLLECTING)
# The addressee has received it, whatever became of it since.
RECEIVED = (Status.SENT, Status.REGISTERED, Status.ANSWERED, Status.CLOSED, Status.ESCALATED)


class ScreeningFailed(ValidationError):
    """The appeal has something that would let the addressee leave it unanswered."""

    def __init__(self, findings):
        super().__init__([finding.message for finding in findings])
        self.findings = findings


def _refuse_unless(decision) -> None:
    if not decision.allowed:
        raise PermissionDenied(" ".join(decision.reasons))


def _default_rules(appeal: Appeal) -> None:
    """Signing and rating an appeal: verified residents of the problem's territory, by default
    (settings.VECHE_SIGN_MIN_LEVEL); an administrator may change the rule of any appeal."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    level = {
        "email": Level.EMAIL,
        "phone": Level.PHONE,
        "census": Level.CENSUS,
        "provider": Level.PROVIDER,
    }[settings.VECHE_SIGN_MIN_LEVEL]
    for action in (EligibilityRule.Action.SIGN, EligibilityRule.Action.RATE):
        rule = EligibilityRule.objects.create(
            action=action,
            content_type=ContentType.objects.get_for_model(Appeal),
            object_id=appeal.pk,
            min_level=level,
        )
        rule.territories.set([appeal.problem.territory])


def _lock(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update()
        .select_related("problem", "organization")
        .get(pk=appeal.pk)
    )


def _require_status(appeal: Appeal, *allowed: str) -> None:
    if appeal.status not in allowed:
        raise ValidationError(
            _("This cannot be done now: the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        )


def _on_commit(callback, *args, **kwargs) -> None:
    transaction.on_commit(lambda: callback(*args, **kwargs))


def _notify(event: str, appeal: Appeal, **context) -> None:
    """Tell the people concerned (veche.appeals.notices): the event is stored with the change,
    and its notices are made in the background, through the outbox, once it commits. The event
    keeps the addressee of the moment: the notices are written later, perhaps after a
    forwarding, and must name the organization it happened at."""
    announce(
        subject=appeal, event=event, context={"organization": appeal.organization_id, **context}
    )


# --- Publishing -----------------------------------------------------------------------------


@transaction.atomic
def publish_problem(
    *,
    author,
    title: str,
    description: str,
    category,
    territory,
    organization,
    appeal_text: str,
    address: str = "",
    latitude=None,
    longitude=None,
    photos=(),
    language: str = "ru",
) -> Problem:
    """Publish a problem with its appeal, which starts collecting signatures at once."""
    _refuse_unless(check_eligibility(author, EligibilityRule.Action.PUBLISH))
    check_point(territory, latitude, longitude)
    findings = [f for f in screen(text=appeal_text, title=title, author=author) if f.blocking]
    if findings:
        raise ScreeningFailed(findings)
    now = timezone.now()
    problem = Problem.objects.create(
        author=author,
        title=normalize_line(title),
        description=description.strip(),
        category=category,
        territory=territory,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        status=Problem.Status.PUBLISHED,
        language=language,
        published_at=now,
    )
    number_of(problem.pk, author.pk)  # the author is the problem's Participant No. 1
    for image in photos:
        problem.photos.create(image=image)
    appeal = Appeal.objects.create(
        problem=problem,
        organization=organization,
        status=Status.COLLECTING,
        signature_threshold=policy_for(organization).signature_threshold,
    )
    Revision.objects.create(
        appeal=appeal, number=1, text=appeal_text.strip(), author=author, note=_("First version")
    )
    problem.current_appeal = appeal
    problem.save(update_fields=["current_appeal"])
    _default_rules(appeal)
    Follow.objects.get_or_create(problem=problem, user=author)
    record_event(
        actor=author,
        action="problem.published",
        target=problem,
        data={"organization": organization.slug, "territory": territory.code},
    )
    decision = check_eligibility(author, EligibilityRule.Action.SIGN, appeal)
    if decision.allowed:
        _add_signature(author, appeal, decision)
    return problem


# --- Co-editing -----------------------------------------------------------------------------


@transaction.atomic
def revise_appeal(
    *,
    author,
    appeal: Appeal,
    text: str,
    substantive: bool,
    note: str = "",
    proposal: EditProposal | None = None,
) -> Revision:
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.edit_appeal", author, appeal):
        raise PermissionDenied(_("Only the author edits the appeal."))
    _require_status(appeal, Status.DRAFT, Status.COLLECTING)
    current = appeal.current_revision
    if text.strip() == current.text:
        raise ValidationError(_("The text is the same as in the current revision."))
    findings = [
        f for f in screen(text=text, title=appeal.problem.title, author=author) if f.blocking
    ]
    if findings:
        raise ScreeningFailed(findings)
    revision = Revision.objects.create(
        appeal=appeal,
        number=current.number + 1,
        text=text.strip(),
        author=author,
        substantive=substantive,
        note=note.strip()[:300],
    )
    record_event(
        actor=author,
        action="appeal.revised",
        target=appeal,
        data={
            "revision": revision.number,
            "substantive": substantive,
            "proposal": proposal.pk if proposal else None,
        },
    )
    if substantive:
        _notify("revised", appeal, revision=revision.number)
    return revision


@transaction.atomic
def propose_edit(*, user, appeal: Appeal, text: str, note: str = "") -> EditProposal:
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.propose_edit", user, appeal):
        raise PermissionDenied(_("Only signatories propose edits to the appeal."))
    _require_status(appeal, Status.COLLECTING)
    current = appeal.current_revision
    if text.strip() == current.text:
        raise ValidationError(_("The proposed text is the same as the current one."))
    number_of(appeal.problem_id, user.pk)
    proposal = EditProposal.objects.create(
        appeal=appeal,
        base_revision=current,
        proposer=user,
        text=text.strip(),
        note=note.strip()[:300],
    )
    record_event(
        actor=user, action="appeal.edit_proposed", target=appeal, data={"proposal": proposal.pk}
    )
    return proposal


@transaction.atomic
def decide_edit(
    *, author, proposal: EditProposal, accept: bool, substantive: bool = True
) -> EditProposal:
    proposal = EditProposal.objects.select_for_update().select_related("appeal").get(pk=proposal.pk)
    if proposal.status != EditProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    if not rules.has_perm("appeals.edit_appeal", author, proposal.appeal):
        raise PermissionDenied(_("Only the author decides on proposed edits."))
    if accept:
        proposal.result_revision = revise_appeal(
            author=author,
            appeal=proposal.appeal,
            text=proposal.text,
            substantive=substantive,
            note=proposal.note or _("Edit proposed by a signatory"),
            proposal=proposal,
        )
    proposal.status = EditProposal.Status.ACCEPTED if accept else EditProposal.Status.REJECTED
    proposal.decided_at = timezone.now()
    proposal.save()
    record_event(
        actor=author,
        action=f"appeal.edit_{proposal.status}",
        target=proposal.appeal,
        data={"proposal": proposal.pk},
    )
    return proposal


# --- Signing --------------------------------------------------------------------------------


def _snapshot(user) -> dict:
    """What the addressee gets about a co-applicant, taken from the verified identity."""
    verifications = list(
        user.verifications.filter(revoked_at__isnull=True).order_by("-level", "-verified_at")
    )
    address = verifications[0].address if verifications else ""
    return {
        # The verified name, never the profile's, which the person may edit at will.
        "full_name": verified_name(user, verifications=verifications)
        or user.full_name
        or user.email,
        "postal_address": address,
        "email": user.email,
    }


# Statuses in which an appeal takes signatures.
SIGNABLE = (Status.COLLECTING,)


def _add_signature(user, appeal: Appeal, decision) -> Signature:
    """Record an eligible person's signature. What may be read without a lock is read first:
    the signature row is the one write that may fail (the unique constraint: "already signed",
    IntegrityError, for the caller), and the appeal's counter is updated last, so that its
    row stays locked only for the commit that follows (README, "Design decisions")."""
    revision = appeal.current_revision
    snapshot = _snapshot(user)
    with transaction.atomic():
        signature = Signature.objects.create(
            appeal=appeal, user=user, revision=revision, basis=decision.basis, **snapshot
        )
        Follow.objects.bulk_create(
            [Follow(problem_id=appeal.problem_id, user=user)], ignore_conflicts=True
        )
        record_event(
            actor=user,
            action="appeal.signed",
            target=appeal,
            data={"signature": signature.pk, "revision": revision.number},
        )
        _count_signature(appeal, signature)
    return signature


def _count_signature(appeal: Appeal, signature: Signature) -> None:
    """Add the signature to the appeal's count, and dispatch the appeal when this signature
    reached the threshold. The UPDATE takes the appeal's row lock, held to the commit: every
    signing before it is counted, and exactly one signing sees the threshold reached. An appeal
    that stopped taking signatures meanwhile refuses this one (the transaction is undone)."""
    table = Appeal._meta.db_table
    statuses = ", ".join(["%s"] * len(SIGNABLE))
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET signature_count = signature_count + 1 "  # noqa: S608 (our names)
            f"WHERE id = %s AND status IN ({statuses}) "
            "RETURNING signature_count, signature_threshold, status",
            [appeal.pk, *SIGNABLE],
        )
        row = cursor.fetchone()
    if row is None:
        fresh = Appeal.objects.get(pk=appeal.pk)
        _require_status(fresh, *SIGNABLE)
        raise ValidationError(_("This appeal does not take signatures now."))
    appeal.signature_count, appeal.signature_threshold, appeal.status = row
    signature.appeal = appeal
    if appeal.status == Status.COLLECTING and appeal.signature_count >= appeal.signature_threshold:
        _dispatch(appeal, actor=None)


def sign_appeal(*, user, appeal: Appeal) -> Signature:
    """One signature per person, only when eligible; the threshold dispatches the appeal.

    Nothing is locked while eligibility and the co-applicant's data are gathered; the short
    transaction that follows inserts the signature and counts it (`_add_signature`)."""
    _require_status(appeal, *SIGNABLE)
    decision = check_eligibility(user, EligibilityRule.Action.SIGN, appeal)
    _refuse_unless(decision)
    number_of(appeal.problem_id, user.pk)
    try:
        return _add_signature(user, appeal, decision)
    except IntegrityError:
        raise ValidationError(_("You have already signed this appeal.")) from None


@transaction.atomic
def withdraw_signature(*, user, appeal: Appeal) -> None:
    appeal = _lock(appeal)
    _require_status(appeal, Status.COLLECTING)
    if _withdraw(user, appeal) is None:
        raise ValidationError(_("You have not signed this appeal."))


def _withdraw(user, appeal: Appeal, **audit) -> Signature | None:
    """Count the person's signature out, if there is one. The caller holds the appeal's lock,
    the same one signing takes, so the count stays exact."""
    signature = Signature.objects.filter(
        appeal=appeal, user=user, withdrawn_at__isnull=True
    ).first()
    if signature is None:
        return None
    signature.withdrawn_at = timezone.now()
    signature.save(update_fields=["withdrawn_at"])
    Appeal.objects.filter(pk=appeal.pk).update(signature_count=F("signature_count") - 1)
    record_event(
        actor=user,
        action="appeal.signature_withdrawn",
        target=appeal,
        data={"signature": signature.pk, **audit},
    )
    return signature


@transaction.atomic
def confirm_signature(*, user, appeal: Appeal) -> Signature:
    """After a substantive change the signatory confirms the current revision."""
    appeal = _lock(appeal)
    _require_status(appeal, Status.COLLECTING)
    signature = Signature.objects.filter(
        appeal=appeal, user=user, withdrawn_at__isnull=True
    ).first()
    if signature is None:
        raise ValidationError(_("You have not signed this appeal."))
    signature.revision = appeal.current_revision
    signature.save(update_fields=["revision"])
    record_event(
        actor=user,
        action="appeal.signature_confirmed",
        target=appeal,
        data={"signature": signature.pk, "revision": signature.revision.number},
    )
    return signature


# --- Dispatch -------------------------------------------------------------------------------


def _dispatch(appeal: Appeal, *, actor, event: str = "sent", **notice) -> Dispatch | None:
    """Mark the appeal sent and queue its delivery, once. The caller holds the appeal's lock.
    The people concerned hear of it as `event` (a forwarding tells them more than "sent")."""
    updated = Appeal.objects.filter(pk=appeal.pk, status=Status.COLLECTING).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    if not updated:
        return None
    appeal.refresh_from_db()
    dispatch = Dispatch.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        recipient=appeal.organization.dispatch_email,
        revision=appeal.current_revision,
    )
    record_event(
        actor=actor,
        action="appeal.dispatched",
        target=appeal,
        data={
            "organization": appeal.organization.slug,
            "dispatch": dispatch.pk,
            "signatures": appeal.signature_count,
        },
    )
    queue_dispatch(dispatch)
    _notify(event, appeal, **_actor(actor), **notice)
    return dispatch


def _actor(user) -> dict:
    """The notice context naming who acted, so that they are not told of their own act."""
    return {"actor": user.pk} if user is not None else {}


@transaction.atomic
def send_appeal_now(*, author, appeal: Appeal) -> Dispatch | None:
    """The author sends the appeal before the threshold; Veche delivers it."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.send_appeal", author, appeal):
        raise PermissionDenied(_("Only the author sends the appeal."))
    _require_status(appeal, Status.COLLECTING)
    return _dispatch(appeal, actor=author)


@transaction.atomic
def record_sent_by_author(*, author, appeal: Appeal) -> Appeal:
    """The author printed the appeal and took it to the organization himself."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.send_appeal", author, appeal):
        raise PermissionDenied(_("Only the author sends the appeal."))
    _require_status(appeal, Status.COLLECTING)
    appeal.status, appeal.sent_at, appeal.sent_by_author = Status.SENT, timezone.now(), True
    appeal.save(update_fields=["status", "sent_at", "sent_by_author"])
    record_event(actor=author, action="appeal.sent_by_author", target=appeal)
    _notify("sent", appeal, **_actor(author))
    return appeal


# --- The organization's side ----------------------------------------------------------------


def _official_check(official, appeal: Appeal) -> None:
    if not rules.has_perm("appeals.act_as_addressee", official, appeal):
        raise PermissionDenied(_("Only officials of the addressee act on this appeal."))


@transaction.atomic
def register_appeal(
    *,
    official,
    appeal: Appeal,
    registration_number: str,
    registered_on: datetime.date | None = None,
) -> Appeal:
    appeal = _lock(appeal)
    _official_check(official, appeal)
    _require_status(appeal, Status.SENT)
    number = registration_number.strip()
    if not number:
        raise ValidationError(_("Enter the registration number."))
    registered_on = registered_on or timezone.localdate()
    appeal.status = Status.REGISTERED
    appeal.registration_number = number[:64]
    appeal.registered_at = timezone.now()
    appeal.due_date = policy_for(appeal.organization).due_date(registered_on)
    appeal.save()
    record_event(
        actor=official,
        action="appeal.registered",
        target=appeal,
        data={"number": appeal.registration_number, "due": appeal.due_date.isoformat()},
    )
    _notify(
        "registered",
        appeal,
        number=appeal.registration_number,
        due=appeal.due_date.isoformat(),
        **_actor(official),
    )
    return appeal


@transaction.atomic
def answer_appeal(
    *, official, appeal: Appeal, kind: str, text: str, attachments=(), on_letterhead: bool = False
) -> Answer:
    appeal = _lock(appeal)
    _official_check(official, appeal)
    _require_status(appeal, Status.REGISTERED)
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    if kind == Answer.Kind.EXTENSION:
        if appeal.extended:
            raise ValidationError(_("The deadline can be extended only once."))
        appeal.extended = True
        appeal.due_date += datetime.timedelta(days=policy_for(appeal.organization).extension_days)
    elif kind == Answer.Kind.FINAL:
        now = timezone.now()
        appeal.status = Status.ANSWERED
        appeal.answered_at = now
        appeal.answered_on_time = timezone.localdate(now) <= appeal.due_date
        appeal.rating_until = now + datetime.timedelta(
            days=policy_for(appeal.organization).rating_days
        )
    elif kind != Answer.Kind.INTERIM:
        raise ValidationError(_("Unknown kind of answer."))
    appeal.save()
    answer = Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=official,
        kind=kind,
        text=text.strip(),
        on_letterhead=on_letterhead,
    )
    for upload in attachments:
        answer.attachments.create(file=upload, name=upload.name[:200])
    record_event(
        actor=official,
        action=f"appeal.answer_{kind}",
        target=appeal,
        data={"answer": answer.pk, "due": appeal.due_date.isoformat()},
    )
    _notify(f"answer_{kind}", appeal, answer=answer.pk, due=appeal.due_date.isoformat())
    return answer


@transaction.atomic
def forward_appeal(*, official, appeal: Appeal, organization, reason: str) -> Appeal:
    """Send the appeal on to the competent organization, with a reason the applicants see.
    After the forwarding days it is still forwarded (the appeal must reach the right body),
    and recorded as late."""
    appeal = _lock(appeal)
    _official_check(official, appeal)
    _require_status(appeal, Status.SENT, Status.REGISTERED)
    if organization == appeal.organization:
        raise ValidationError(_("Choose another organization."))
    if not reason.strip():
        raise ValidationError(_("Say why the appeal is forwarded."))
    forward_by = forwarding_due(appeal)
    late = forward_by is not None and timezone.localdate() > forward_by
    answer = Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=official,
        kind=Answer.Kind.FORWARDING,
        text=reason.strip(),
        late=late,
    )
    previous = appeal.organization
    appeal.organization = organization
    appeal.status = Status.COLLECTING  # briefly: _dispatch moves it to SENT for the new addressee
    appeal.registration_number, appeal.registered_at, appeal.due_date = "", None, None
    appeal.save()
    record_event(
        actor=official,
        action="appeal.forwarded",
        target=appeal,
        data={
            "from": previous.slug,
            "to": organization.slug,
            "reason": reason.strip(),
            "answer": answer.pk,
            "forward_by": forward_by.isoformat() if forward_by else None,
            "late": late,
        },
    )
    # Residents hear that it was forwarded, where and why; the new addressee, that it arrived.
    _dispatch(appeal, actor=official, event="answer_forwarding", answer=answer.pk)
    return appeal


# An appeal is taken under control while it is in the addressee's hands.
CONTROLLABLE = (Status.SENT, Status.REGISTERED, Status.ANSWERED)


def _controlling_organization(head, appeal: Appeal):
    """The organization in whose name the head acts: the nearest one, from the addressee up,
    where the person is a head."""
    organization = appeal.organization
    while organization is not None:
        if holds_role(head, organization, roles=Membership.Role.HEAD):
            return organization
        organization = organization.parent
    raise PermissionDenied(_("Only a head of the addressee or of a superior organization."))


@transaction.atomic
def set_under_control(*, head, appeal: Appeal, under_control: bool) -> Appeal:
    """A head of the addressee or of an organization above it takes the appeal under control,
    or lifts it. Both are public: the problem's page and timeline show who took control, and
    when; the applicants and the addressee's officials hear of it."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.take_under_control", head, appeal):
        raise PermissionDenied(
            _(
                "Only a head of the addressee or of a superior organization "
                "takes appeals under control."
            )
        )
    now = timezone.now()
    if under_control:
        _require_status(appeal, *CONTROLLABLE)
        if appeal.under_control:
            raise ValidationError(_("The appeal is already under control."))
        period = ControlPeriod.objects.create(
            appeal=appeal,
            organization=_controlling_organization(head, appeal),
            head=head,
            taken_at=now,
        )
    else:
        period = ControlPeriod.objects.filter(appeal=appeal, lifted_at__isnull=True).first()
        if not appeal.under_control:
            raise ValidationError(_("The appeal is not under control."))
        if period is not None:  # an appeal put under control before periods were kept has none
            period.lifted_at, period.lifted_by = now, head
            period.save(update_fields=["lifted_at", "lifted_by"])
    appeal.under_control = under_control
    appeal.save(update_fields=["under_control"])
    record_event(
        actor=head,
        action="appeal.under_control" if under_control else "appeal.control_lifted",
        target=appeal,
        data={
            "period": period.pk if period else None,
            "organization": period.organization.slug if period else None,
        },
    )
    if under_control:
        _notify("under_control", appeal, **_actor(head), period=period.pk)
    return appeal


@transaction.atomic
def send_message(*, sender, appeal: Appeal, text: str) -> Message:
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.correspond", sender, appeal):
        raise PermissionDenied(_("Only the author and the addressee's officials correspond."))
    from_organization = rules.has_perm("appeals.act_as_addressee", sender, appeal)
    if not text.strip():
        raise ValidationError(_("Write a message."))
    message = Message.objects.create(
        appeal=appeal, sender=sender, text=text.strip(), from_organization=from_organization
    )
    record_event(actor=sender, action="appeal.message", target=appeal, data={"message": message.pk})
    _notify("message", appeal, message=message.pk, from_organization=from_organization)
    return message


@transaction.atomic
def message_signatories(*, official, appeal: Appeal, text: str, public: bool = False) -> Message:
    """An official of the addressee writes to everyone who signed the appeal (the author among
    them): each hears of it as a notice and by e-mail, as they chose to be told; a public message
    is also shown in the problem's timeline."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.message_signatories", official, appeal):
        raise PermissionDenied(_("Only officials of the addressee write to the signatories."))
    _require_status(appeal, *RECEIVED)
    if not text.strip():
        raise ValidationError(_("Write a message."))
    message = Message.objects.create(
        appeal=appeal,
        sender=official,
        text=text.strip(),
        from_organization=True,
        audience=Message.Audience.SIGNATORIES,
        public=public,
    )
    record_event(
        actor=official,
        action="appeal.message_to_signatories",
        target=appeal,
        data={"message": message.pk, "public": public, "signatories": appeal.signature_count},
    )
    _notify("message_to_signatories", appeal, **_actor(official), message=message.pk)
    return message


# --- After the answer -----------------------------------------------------------------------


@transaction.atomic
def rate_answer(*, user, appeal: Appeal, score: int, comment: str = "") -> Rating:
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.rate_answer", user, appeal):
        raise PermissionDenied(_("Only signatories rate the answer."))
    if not appeal.rating_open:
        raise ValidationError(_("The answer can be rated only while the rating is open."))
    _refuse_unless(check_eligibility(user, EligibilityRule.Action.RATE, appeal))
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Rate from 1 to 5."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                appeal=appeal, user=user, score=int(score), comment=comment.strip()
            )
    except IntegrityError:
        raise ValidationError(_("You have already rated this answer.")) from None
    record_event(actor=user, action="appeal.rated", target=appeal, data={"score": rating.score})
    return rating


# Before the final answer the author may close the appeal only as solved: a problem that is
# not solved is escalated once the addressee is late, not closed.
OPEN_FOR_SOLVING = (Status.COLLECTING, Status.SENT, Status.REGISTERED)
OUTCOMES = (Problem.Status.SOLVED, Problem.Status.PARTLY_SOLVED, Problem.Status.UNSOLVED)
CLOSABLE = (*OPEN_FOR_SOLVING, Status.ANSWERED)


@transaction.atomic
def close_appeal(*, author, appeal: Appeal, outcome: str) -> Appeal:
    """The author closes the appeal: as solved at any time, or, after the final answer, as
    partly solved or not solved. Closing does not end the rating window: signatories rate the
    final answer until `rating_until` whatever the author does."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.close_appeal", author, appeal):
        raise PermissionDenied(_("Only the author closes the appeal."))
    if outcome not in OUTCOMES:
        raise ValidationError(_("Choose how the problem ended."))
    if outcome == Problem.Status.SOLVED:
        _require_status(appeal, *CLOSABLE)
    elif appeal.status in OPEN_FOR_SOLVING:
        raise ValidationError(
            _(
                "Before the answer the appeal is closed only as solved. If the organization "
                "is late, escalate it instead."
            )
        )
    else:
        _require_status(appeal, Status.ANSWERED)
    before_answer = appeal.status in (Status.SENT, Status.REGISTERED)
    previous_status = appeal.status
    now = timezone.now()
    appeal.status, appeal.outcome, appeal.closed_at = Status.CLOSED, outcome, now
    appeal.save(update_fields=["status", "outcome", "closed_at"])
    Problem.objects.filter(pk=appeal.problem_id).update(status=outcome, closed_at=now)
    record_event(
        actor=author,
        action="appeal.closed",
        target=appeal,
        data={"outcome": outcome, "from": previous_status},
    )
    # The addressee still working on it hears that the applicants need no answer any more.
    _notify("closed", appeal, outcome=outcome, before_answer=before_answer)
    return appeal


@transaction.atomic
def escalate_appeal(*, author, appeal: Appeal, organization) -> Appeal:
    """The problem goes to the parent or another organization in a new appeal that carries the
    history: after a final answer that did not solve it (the appeal closed as not or partly
    solved), or when the addressee is late (not registered within the registration days, or
    not answered by the due date), whatever it did before. The missed deadline is kept with
    the earlier appeal and shown to the new addressee and the public. Old signatories are
    invited to sign again, never carried over."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.escalate_appeal", author, appeal):
        raise PermissionDenied(_("Only the author escalates the appeal."))
    if Appeal.objects.filter(previous=appeal).exists():
        raise ValidationError(_("This appeal has already been escalated."))
    if appeal.status == Status.CLOSED and appeal.outcome == Problem.Status.SOLVED:
        raise ValidationError(_("A solved problem is not escalated."))
    late = overdue(appeal)
    if late is None and not unsolved_after_answer(appeal):
        raise ValidationError(
            _(
                "The appeal is escalated after an answer that did not solve the problem, or "
                "when the organization did not register or answer it in time."
            )
        )
    if organization == appeal.organization:
        raise ValidationError(_("Choose another organization."))
    appeal.status, appeal.escalated_at = Status.ESCALATED, timezone.now()
    if late is not None:
        appeal.missed_deadline, appeal.missed_deadline_on = late.deadline, late.due
    appeal.save(update_fields=["status", "escalated_at", "missed_deadline", "missed_deadline_on"])
    new = Appeal.objects.create(
        problem=appeal.problem,
        organization=organization,
        previous=appeal,
        status=Status.COLLECTING,
        signature_threshold=policy_for(organization).signature_threshold,
    )
    Revision.objects.create(
        appeal=new,
        number=1,
        text=appeal.current_revision.text,
        author=author,
        note=_("Escalated from the previous appeal"),
    )
    Problem.objects.filter(pk=appeal.problem_id).update(
        status=Problem.Status.PUBLISHED, closed_at=None, current_appeal=new
    )
    _default_rules(new)
    facts = {"previous": appeal.pk, "organization": organization.slug}
    if late is not None:
        facts |= {
            "missed_deadline": late.deadline,
            "missed_deadline_on": late.due.isoformat(),
            "days_late": late.days_late,
            "sent_at": appeal.sent_at.isoformat() if appeal.sent_at else None,
            "registration_number": appeal.registration_number,
        }
    record_event(actor=author, action="appeal.escalated", target=new, data=facts)
    _notify("escalated", appeal, new_appeal=new.pk, missed=late is not None)
    decision = check_eligibility(author, EligibilityRule.Action.SIGN, new)
    if decision.allowed:
        _add_signature(author, new, decision)
    return new


# --- Discussion and following ---------------------------------------------------------------


@transaction.atomic
def add_comment(*, author, problem: Problem, text: str, parent: Comment | None = None) -> Comment:
    if not author.is_authenticated:
        raise PermissionDenied(_("Sign in to comment."))
    if person_facts(author).level < 10:
        raise PermissionDenied(_("Confirm your e-mail address to comment."))
    if not text.strip():
        raise ValidationError(_("Write a comment."))
    if parent is not None and parent.problem_id != problem.pk:
        raise ValidationError(_("You can only reply to a comment on this problem."))
    number_of(problem.pk, author.pk)
    comment = Comment.objects.create(
        problem=problem, author=author, text=text.strip(), parent=parent
    )
    record_event(
        actor=author, action="problem.commented", target=problem, data={"comment": comment.pk}
    )
    return comment


@transaction.atomic
def set_following(*, user, problem: Problem, follow: bool) -> None:
    if follow:
        Follow.objects.get_or_create(problem=problem, user=user)
    else:
        Follow.objects.filter(problem=problem, user=user).delete()


# --- Erasure of an account ------------------------------------------------------------------


def erase_personal_data(user) -> None:
    """What erasing an account does here (README, "Personal data"). Runs inside the erasure's
    transaction.

    - A signature on an appeal not yet sent (draft or collecting) is withdrawn: counted out
      under the appeal's lock, as when the person withdraws it, so the appeal is never sent
      with them.
    - A signature on a sent appeal keeps counting (the appeal went with it), but the platform's
      copy of the 59-FZ data (name, postal address, e-mail) is blanked: staff and any later
      copy show an anonymous participant. The copy the addressee received is theirs.
    - Follows go. Problems, appeal texts, comments and ratings stay, under the anonymous
      participant number the account keeps.
    """
    appeal_ids = (
        Signature.objects.filter(user=user, withdrawn_at__isnull=True, appeal__status__in=NOT_SENT)
        .order_by("appeal_id")  # locks taken in one order: two erasures never deadlock
        .values_list("appeal_id", flat=True)
    )
    for appeal in Appeal.objects.filter(pk__in=list(appeal_ids)).order_by("pk"):
        appeal = _lock(appeal)
        if appeal.status in NOT_SENT:  # not sent meanwhile by a signature before the lock
            _withdraw(user, appeal, reason="account erased")
    Signature.objects.filter(user=user).update(full_name="", postal_address="", email="")
    Follow.objects.filter(user=user).delete()
