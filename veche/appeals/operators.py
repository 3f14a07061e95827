"""What operators do with the routing and delivery of appeals, without a shell: categories,
responsibilities (category × territory → organization), appeal policies and dispatches.

Every change is asked of the operator's Django model permission (granted by an administrator,
directly or through a group; a staff flag alone grants nothing) and leaves an audit row in its
transaction, naming what changed. The admin pages (`appeals/admin.py`) call these functions and
nothing else to change these rows.

A dispatch given up after its last attempt tells every operator who may act on dispatches
(`appeals.change_dispatch`), once for each giving up, with a notice and an e-mail
(`dispatch_gave_up`, which the outbox calls). So does a supplementary list of signatures or a
letter taking a problem up (`letter_gave_up`): the operator sends it again from the outbox's page.
A dispatch's letter retried or given up on the outbox's page is an act on the dispatch: it asks
`appeals.change_dispatch` too, and is on the dispatch's record (`dispatch_letter_operated`).
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.appeals.models import (
    DISPATCH_KIND,
    SUPPLEMENTARY_KIND,
    AppealPolicy,
    Category,
    Dispatch,
    Responsibility,
    SupplementaryList,
    TakeUp,
)
from veche.core import audited, outbox
from veche.core.audit import record_event
from veche.core.models import AuditEvent, OutboxMessage
from veche.notifications import registry
from veche.notifications.services import announce
from veche.organizations.models import Organization

MIN_REASON_LENGTH = 10


# The operators' rows are saved and deleted as every configuration row is (`veche.core.audited`).
_require = audited.require
_values = audited.values
_delete = audited.delete


def _save(actor, row: Model, *, noun: str) -> Model:
    return audited.save(actor, row, noun=noun)[0]


# --- Categories, responsibilities, policies ----------------------------------------------------


def save_category(*, actor, category: Category) -> Category:
    _require(
        actor, actor.has_perm("appeals.change_category" if category.pk else "appeals.add_category")
    )
    return _save(actor, category, noun="category")


def delete_category(*, actor, category: Category) -> None:
    """The category goes, and its responsibilities with it: each of them on record as deleted,
    as if withdrawn one by one, so that the audit log says who answered for what until then."""
    _require(actor, actor.has_perm("appeals.delete_category"))
    if category.problems.exists():
        raise ValidationError(_("Problems are filed under this category: it cannot be deleted."))
    with transaction.atomic():
        # Locked: a responsibility declared meanwhile waits for the category's row, so none is
        # deleted with it unrecorded.
        Category.objects.select_for_update().filter(pk=category.pk).first()
        responsibilities = list(category.responsibilities.select_for_update().order_by("pk"))
        if responsibilities:
            _require(actor, actor.has_perm("appeals.delete_responsibility"))
        for responsibility in responsibilities:
            record_event(
                actor=actor,
                action="responsibility.deleted",
                target=responsibility,
                data=_values(responsibility),
            )
        _delete(actor, category, noun="category")


def save_responsibility(*, actor, responsibility: Responsibility) -> Responsibility:
    _require(
        actor,
        actor.has_perm(
            "appeals.change_responsibility" if responsibility.pk else "appeals.add_responsibility"
        ),
    )
    return _save(actor, responsibility, noun="responsibility")


def delete_responsibility(*, actor, responsibility: Responsibility) -> None:
    _require(actor, actor.has_perm("appeals.delete_responsibility"))
    _delete(actor, responsibility, noun="responsibility")


def save_appeal_policy(*, actor, policy: AppealPolicy) -> AppealPolicy:
    _require(
        actor,
        actor.has_perm("appeals.change_appealpolicy" if policy.pk else "appeals.add_appealpolicy"),
    )
    return _save(actor, policy, noun="appeal_policy")


def delete_appeal_policy(*, actor, policy: AppealPolicy) -> None:
    """The organization's appeals follow the site's defaults again."""
    _require(actor, actor.has_perm("appeals.delete_appealpolicy"))
    _delete(actor, policy, noun="appeal_policy")


# --- Dispatches --------------------------------------------------------------------------------


def dispatches_for_operators() -> QuerySet[Dispatch]:
    """Dispatches with how their letter is going (state, attempts, last error, next attempt),
    read with the dispatch in one query."""
    letter = OutboxMessage.objects.filter(kind=DISPATCH_KIND, target_id=OuterRef("pk"))

    def of_letter(name: str) -> Subquery:
        return Subquery(letter.values(name)[:1])

    return Dispatch.objects.select_related("appeal__problem", "organization").annotate(
        letter_state=of_letter("state"),
        letter_attempts=of_letter("attempts"),
        letter_error=of_letter("last_error"),
        letter_next_attempt=of_letter("next_attempt_at"),
        letter_sent_at=of_letter("sent_at"),
        letter_message_id=of_letter("message_id"),
    )


def _fingerprint(recipient: str, state, attempts, message_id) -> str:
    facts = "\n".join(str(fact) for fact in (recipient, state, attempts, message_id))
    return hashlib.sha256(facts.encode()).hexdigest()[:32]


def letter_seen(dispatch: Dispatch) -> str:
    """What an operator's page shows of the dispatch's letter (the address, its state, attempts
    and Message-ID), as one value for the page's form: the act refuses if it changed meanwhile.
    The dispatch is one of `dispatches_for_operators`."""
    return _fingerprint(
        dispatch.recipient,
        dispatch.letter_state,
        dispatch.letter_attempts,
        dispatch.letter_message_id,
    )


def _letter(dispatch: Dispatch) -> OutboxMessage:
    # A dispatch stored before the outbox carried dispatches gets its letter now.
    return outbox.put(kind=DISPATCH_KIND, target_id=dispatch.pk)


def _unchanged_since(dispatch: Dispatch, seen: str | None) -> None:
    """Refuse an act asked from a page made before the letter changed (`seen`, `letter_seen`
    then): another operator may have sent it again, or to another address, and it may have
    been delivered. The dispatch is locked; so is its letter here, so that no worker sends it
    between this look and the act."""
    if seen is None:
        return
    letter = (
        OutboxMessage.objects.select_for_update()
        .filter(kind=DISPATCH_KIND, target_id=dispatch.pk)
        .first()
    )
    facts = (letter.state, letter.attempts, letter.message_id) if letter else (None,) * 3
    if _fingerprint(dispatch.recipient, *facts) != seen:
        raise ValidationError(
            _(
                "The letter changed while this page was open: another operator may "
                "have sent it again. See how it stands now and send it again only if "
                "it is still needed."
            ),
            code="changed",
        )


def resend_dispatch(
    *, actor, dispatch: Dispatch, reason: str = "", seen: str | None = None
) -> OutboxMessage:
    """Send the appeal's letter to the dispatch's recipient once more, whatever became of the
    last attempts (failed, given up, or delivered but not received). With `seen` (`letter_seen`
    when the operator's page was made), refused if the letter changed since: another operator
    may have sent it again, and it may have been delivered."""
    _require(actor, actor.has_perm("appeals.change_dispatch"))
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        _unchanged_since(dispatch, seen)
        before = _letter(dispatch)
        letter = outbox.send_again(before)
        record_event(
            actor=actor,
            action="dispatch.resent",
            target=dispatch,
            data={
                "recipient": dispatch.recipient,
                "state": before.state,
                "attempts": before.attempts,
                "reason": reason.strip()[:500],
            },
        )
    return letter


def change_dispatch_recipient(
    *,
    actor,
    dispatch: Dispatch,
    recipient: str,
    reason: str,
    for_future: bool = False,
    seen: str | None = None,
) -> Dispatch:
    """Send the appeal to another address (the organization's own was wrong or gone), with the
    reason on record. With `for_future`, the organization's dispatch e-mail changes too, so its
    next appeals go there. With `seen`, refused if the letter changed since the page was made
    (`resend_dispatch`)."""
    _require(actor, actor.has_perm("appeals.change_dispatch"))
    recipient, reason = recipient.strip().lower(), " ".join(reason.split())
    validate_email(recipient)
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(_("Say why the address changes (at least 10 characters)."))
    if for_future and not actor.has_perm("organizations.change_organization"):
        raise PermissionDenied(_("Only operators who may edit organizations change their e-mail."))
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update().select_related("organization").get(pk=dispatch.pk)
        )
        _unchanged_since(dispatch, seen)
        if recipient == dispatch.recipient.lower():
            raise ValidationError(_("The appeal already goes to this address."))
        previous = dispatch.recipient
        dispatch.recipient = recipient
        dispatch.save(update_fields=["recipient"])
        letter = outbox.send_again(_letter(dispatch))
        data = {"from": previous, "to": recipient, "reason": reason[:500]}
        if for_future:
            organization = dispatch.organization
            data["organization_email_was"] = organization.dispatch_email
            Organization.objects.filter(pk=organization.pk).update(dispatch_email=recipient)
        record_event(
            actor=actor,
            action="dispatch.recipient_changed",
            target=dispatch,
            data=data | {"message": letter.message_id},
        )
    return dispatch


def dispatch_letter_operated(*, actor, message: OutboxMessage, act: str) -> None:
    """An operator retried or gave up a dispatch's letter on the outbox's page (the outbox
    calls this in the act's transaction, `outbox.register`'s `operated`). It is an act on the
    dispatch: it asks the dispatch permission too, and goes on the dispatch's record."""
    _require(actor, actor.has_perm("appeals.change_dispatch"))
    dispatch = Dispatch.objects.filter(pk=message.target_id).first()
    if dispatch is None:
        return
    record_event(
        actor=actor,
        action=f"dispatch.{act}",
        target=dispatch,
        data={
            "recipient": dispatch.recipient,
            "state": message.state,
            "attempts": message.attempts,
            "message": message.pk,
        },
    )


DISPATCH_ACTIONS = {
    "dispatch.gave_up": gettext_lazy("given up after the last attempt"),
    "dispatch.resent": gettext_lazy("sent again"),
    "dispatch.recipient_changed": gettext_lazy("sent to another address"),
    "dispatch.retried": gettext_lazy("retried from the outbox"),
    "dispatch.given_up": gettext_lazy("given up from the outbox"),
}


def dispatch_history(dispatch: Dispatch) -> list[AuditEvent]:
    """The audit events of the dispatch, newest first, with who acted and what it was called."""
    events = list(
        AuditEvent.objects.filter(
            object_type=Dispatch._meta.label_lower, object_id=str(dispatch.pk)
        )
        .select_related("actor")
        .order_by("-id")
    )
    for event in events:
        event.label = DISPATCH_ACTIONS.get(event.action, event.action)
    return events


# --- Telling the operators of a dispatch given up ----------------------------------------------


def operators(permission: str = "appeals.change_dispatch") -> set[int]:
    """Active staff who may act on dispatches, or who hold `permission` (directly, by group, or
    as superusers)."""
    people = get_user_model().objects.with_perm(
        permission,
        is_active=True,
        include_superusers=True,
        backend="veche.accounts.backends.ModelBackend",
    )
    return set(people.filter(is_staff=True).values_list("pk", flat=True))


def dispatch_gave_up(message: OutboxMessage) -> None:
    """The outbox gave up the letter of a dispatch: on record, and every operator is told."""
    dispatch = Dispatch.objects.filter(pk=message.target_id).first()
    if dispatch is None:
        return
    facts = {"attempts": message.attempts, "error": message.last_error[:500]}
    record_event(
        actor=None,
        action="dispatch.gave_up",
        target=dispatch,
        data=facts | {"recipient": dispatch.recipient},
    )
    announce(subject=dispatch, event="gave_up", context=facts)


class DispatchGaveUp(registry.Notice):
    kind = "dispatch_gave_up"
    title = gettext_lazy("An appeal could not be delivered to %(organization)s")

    def load(self, dispatch, context):
        return {"attempts": context.get("attempts"), "error": context.get("error", "")}

    def audience(self, dispatch, context, extra):
        return operators()

    def url(self, dispatch, extra):
        return reverse("admin:appeals_dispatch_change", args=[dispatch.pk])

    def title_params(self, dispatch, extra):
        return {"organization": dispatch.organization.title}

    def template_context(self, dispatch, extra):
        return {
            "dispatch": dispatch,
            "appeal": dispatch.appeal,
            "problem": dispatch.appeal.problem,
        } | extra

    @property
    def template_name(self) -> str:
        return "appeals/notices/dispatch_gave_up.txt"


def letter_gave_up(message: OutboxMessage) -> None:
    """The outbox gave up a supplementary list or a letter taking a problem up: on record, and
    every operator is told, with the outbox's page where the letter is sent again."""
    supplementary = message.kind == SUPPLEMENTARY_KIND
    model = SupplementaryList if supplementary else TakeUp
    letter = model.objects.filter(pk=message.target_id).first()
    if letter is None:
        return
    facts = {"attempts": message.attempts, "error": message.last_error[:500], "message": message.pk}
    record_event(
        actor=None,
        action="supplementary_list.gave_up" if supplementary else "take_up.gave_up",
        target=letter,
        data=facts | {"recipient": letter.recipient},
    )
    announce(subject=letter, event="gave_up", context=facts)


class LetterGaveUp(registry.Notice):
    """Of a supplementary list (addressed to its `organization`) or a take-up (to `addressee`)."""

    kind = "letter_gave_up"
    title = gettext_lazy("A letter could not be delivered to %(organization)s")

    def load(self, letter, context):
        return {key: context.get(key) for key in ("attempts", "error", "message")}

    def audience(self, letter, context, extra):
        return operators("core.change_outboxmessage")  # who may send it again

    def url(self, letter, extra):
        return reverse("admin:core_outboxmessage_change", args=[extra["message"]])

    def title_params(self, letter, extra):
        return {"organization": _addressee(letter).title}

    def template_context(self, letter, extra):
        return {
            "addressee": _addressee(letter),
            "recipient": letter.recipient,
            "supplementary": isinstance(letter, SupplementaryList),
            "problem": letter.appeal.problem,
        } | extra

    @property
    def template_name(self) -> str:
        return "appeals/notices/letter_gave_up.txt"


def _addressee(letter) -> Organization:
    return letter.organization if isinstance(letter, SupplementaryList) else letter.addressee


def register() -> None:
    registry.register_subject(
        Dispatch.objects.select_related("appeal__problem", "organization"),
        events={"gave_up": (DispatchGaveUp(),)},
    )
    registry.register_subject(
        SupplementaryList.objects.select_related("appeal__problem", "organization"),
        events={"gave_up": (LetterGaveUp(),)},
    )
    registry.register_subject(
        TakeUp.objects.select_related("appeal__problem", "addressee"),
        events={"gave_up": (LetterGaveUp(),)},
    )
