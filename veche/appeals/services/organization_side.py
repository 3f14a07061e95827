"""The organization's side: registering, answering, forwarding, control by the head, messages to the
author and the signatories."""

import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Answer,
    Appeal,
    ControlPeriod,
    Message,
)
from veche.appeals.policy import (
    check_forwarding_target,
    check_registration_day,
    extension_refused,
    forwarding_due,
    forwarding_late,
    policy_for,
)
from veche.appeals.rules import extended_by_addressee
from veche.core.audit import record_event
from veche.organizations.models import Membership
from veche.organizations.rules import holds_role

from ._common import RECEIVED, Status, _lock, _notify, _require_status
from .dispatch import _actor, _dispatch


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
    # The due date counts from this day: it must be a real one, not shifted back or ahead.
    check_registration_day(appeal, registered_on)
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
        if not rules.has_perm("appeals.extend_deadline", official, appeal):
            raise ValidationError(
                extension_refused(appeal, extended_by_addressee(appeal))
                or _("The deadline cannot be extended now.")
            )
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
    check_forwarding_target(organization)
    if not organization.is_active:
        raise ValidationError(_("Choose an organization that works on Veche."))
    if not reason.strip():
        raise ValidationError(_("Say why the appeal is forwarded."))
    forward_by = forwarding_due(appeal)
    # After the forwarding days, or once the appeal is overdue: counted against this addressee.
    late = forwarding_late(appeal)
    answer = Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=official,
        kind=Answer.Kind.FORWARDING,
        text=reason.strip(),
        late=late,
    )
    previous = appeal.organization
    # The new addressee starts afresh: its own registration, due date and one extension. Control
    # taken over the previous addressee ends with its part (a head of the new one may take it).
    now = timezone.now()
    lifted = list(
        ControlPeriod.objects.filter(appeal=appeal, lifted_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    ControlPeriod.objects.filter(pk__in=lifted).update(lifted_at=now)
    appeal.organization = organization
    appeal.status = Status.COLLECTING  # briefly: _dispatch moves it to SENT for the new addressee
    appeal.registration_number, appeal.registered_at, appeal.due_date = "", None, None
    appeal.extended = False
    appeal.under_control = False
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
            "control_lifted": lifted,
        },
    )
    # Residents hear that it was forwarded, where and why; the new addressee, that it arrived.
    # Both organizations' systems hear of it (webhooks): the one it left and the one it reached.
    _dispatch(
        appeal,
        actor=official,
        event="answer_forwarding",
        answer=answer.pk,
        forwarded_from=previous.pk,
    )
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
    if under_control and not rules.has_perm("appeals.take_under_control", head, appeal):
        raise PermissionDenied(
            _(
                "Only a head of the addressee or of a superior organization "
                "takes appeals under control."
            )
        )
    if not under_control and not rules.has_perm("appeals.lift_control", head, appeal):
        raise PermissionDenied(
            _(
                "Only a head of the organization that took the appeal under control, "
                "or of one above it, lifts the control."
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
