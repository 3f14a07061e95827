"""Who hears of what happens to an appeal, and what each notice says: small classes, one per
kind, registered with the notifications app (`register`, from `AppealsConfig.ready()`).

An appeal event (``"sent"``, ``"answer_final"``, …) maps to one or more notice kinds, in order:
a person who would hear several of them hears only the first (an official who also follows the
problem gets "a new appeal arrived", not also "your appeal was sent"). A notice's text lives in
``templates/appeals/notices/<kind>.txt``; its title is a short translatable phrase. The
services announce events (`veche.notifications.services.announce`); the notices are made in
the background. Overdue appeals are found by the daily round (`notify_overdue_appeals`).
"""

import datetime
from collections import defaultdict

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import (
    Answer,
    Appeal,
    ControlPeriod,
    Follow,
    Message,
    Problem,
    Revision,
    Signature,
    TakeUp,
)
from veche.appeals.policy import overdue_q
from veche.appeals.rules import OFFICIAL_ROLES
from veche.notifications import registry
from veche.notifications.models import Notification
from veche.notifications.services import notify
from veche.organizations.models import Membership, Organization

# --- Audiences ------------------------------------------------------------------------------


def author_of(appeal: Appeal) -> set[int]:
    return {appeal.problem.author_id}


def signatories_of(appeal: Appeal) -> set[int]:
    return set(
        Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def followers_of(problem_id: int) -> set[int]:
    return set(Follow.objects.filter(problem_id=problem_id).values_list("user_id", flat=True))


def residents_of(appeal: Appeal) -> set[int]:
    """Everyone with a stake in the appeal's progress: author, signatories, followers."""
    return author_of(appeal) | signatories_of(appeal) | followers_of(appeal.problem_id)


def officials_of(organization_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            organization_id=organization_id, role__in=OFFICIAL_ROLES
        ).values_list("user_id", flat=True)
    )


def addressee_at(appeal: Appeal, context: dict) -> Organization:
    """The appeal's addressee when the event happened (the event records it)."""
    organization_id = context.get("organization")
    if organization_id in (None, appeal.organization_id):
        return appeal.organization
    return Organization.objects.filter(pk=organization_id).first() or appeal.organization


def day_in(context: dict, key: str) -> datetime.date | None:
    return datetime.date.fromisoformat(context[key]) if context.get(key) else None


def cabinet_url(appeal: Appeal) -> str:
    try:
        return reverse("cabinet:appeal", args=[appeal.pk])
    except NoReverseMatch:  # the cabinet's pages are not there yet: the public page will do
        return appeal.problem.get_absolute_url()


# --- Notice kinds ---------------------------------------------------------------------------


class Notice(registry.Notice):
    """One kind of notice about an appeal: by default the residents hear it, and it links to the
    problem's page. It is written when the outbox's worker gets to the event, which may be after
    the appeal has moved on (a forwarding): what it says comes from the event, not from the
    appeal as it stands then."""

    def load(self, appeal: Appeal, context: dict) -> dict:
        return {"organization": addressee_at(appeal, context)} | self.details(appeal, context)

    def details(self, appeal: Appeal, context: dict) -> dict:
        """What else this kind's text needs, loaded once for all recipients."""
        return {}

    def audience(self, appeal: Appeal, context: dict, extra: dict) -> set[int]:
        return residents_of(appeal)

    def url(self, appeal: Appeal, extra: dict) -> str:
        return appeal.problem.get_absolute_url()

    def title_params(self, appeal: Appeal, extra: dict) -> dict:
        organization = extra.get("organization") or appeal.organization
        return {"problem": appeal.problem.title, "organization": organization.title}

    def template_context(self, appeal: Appeal, extra: dict) -> dict:
        return {
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": appeal.organization,
        } | extra

    @property
    def template_name(self) -> str:
        return f"appeals/notices/{self.kind}.txt"


class ForOfficials(Notice):
    def audience(self, appeal, context, extra):
        return officials_of(extra["organization"].pk)

    def url(self, appeal, extra):
        return cabinet_url(appeal)


class ByAuthor(Notice):
    """Only the author does this (close, escalate): the author is the actor."""

    def actor_id(self, appeal, context, extra):
        return appeal.problem.author_id


class AboutAnswer(Notice):
    def details(self, appeal, context):
        answer = Answer.objects.filter(pk=context.get("answer"), appeal=appeal).first()
        return {"answer": answer}

    def actor_id(self, appeal, context, extra):
        answer = extra["answer"]
        return answer.official_id if answer else context.get("actor")


class AppealArrived(ForOfficials):
    kind = "appeal_arrived"
    title = _("New appeal: “%(problem)s”")

    def details(self, appeal, context):
        # A forwarded appeal arrives with the forwarding: who sent it on, and why.
        forwarding = None
        if context.get("answer"):
            forwarding = (
                Answer.objects.select_related("organization")
                .filter(pk=context["answer"], appeal=appeal, kind=Answer.Kind.FORWARDING)
                .first()
            )
        return {"forwarding": forwarding}


class AppealSent(Notice):
    kind = "appeal_sent"
    title = _("The appeal “%(problem)s” was sent to %(organization)s")


class AppealSentByAuthor(ByAuthor):
    """The author sends the appeal himself: the signatories hear that their names and addresses
    go to the addressee in the author's copy, as their consent said."""

    kind = "appeal_sent_by_author"
    title = _("The author sends the appeal “%(problem)s” to %(organization)s himself")


class AppealRegistered(Notice):
    kind = "appeal_registered"
    title = _("The appeal “%(problem)s” was registered")

    def details(self, appeal, context):
        return {
            "number": context.get("number") or appeal.registration_number,
            "due": day_in(context, "due") or appeal.due_date,
        }


class AppealRevised(Notice):
    """A substantive change: those who signed an earlier text are asked to confirm, since their
    signatures no longer count until they do. Whoever confirmed before the notice was made is
    not asked."""

    kind = "appeal_revised"
    title = _("The text of the appeal “%(problem)s” changed: confirm your signature")

    def details(self, appeal, context):
        revision = Revision.objects.filter(appeal=appeal, number=context.get("revision")).first()
        return {"revision": revision}

    def audience(self, appeal, context, extra):
        return set(
            Signature.objects.filter(appeal=appeal)
            .awaiting_confirmation()
            .values_list("user_id", flat=True)
        )

    def actor_id(self, appeal, context, extra):
        revision = extra["revision"]
        return revision.author_id if revision else appeal.problem.author_id


class InterimAnswer(AboutAnswer):
    kind = "answer_interim"
    title = _("Interim answer to the appeal “%(problem)s”")


class DeadlineExtended(AboutAnswer):
    kind = "answer_extension"
    title = _("The answer to the appeal “%(problem)s” was postponed")

    def details(self, appeal, context):
        return super().details(appeal, context) | {"due": day_in(context, "due") or appeal.due_date}


class AppealForwarded(AboutAnswer):
    """The addressee sent the appeal on: the applicants hear from whom, to whom and why."""

    kind = "answer_forwarding"
    title = _("The appeal “%(problem)s” was forwarded to %(organization)s")

    def details(self, appeal, context):
        answer = (
            Answer.objects.select_related("organization")
            .filter(pk=context.get("answer"), appeal=appeal)
            .first()
        )
        return {"answer": answer}


class FinalAnswer(AboutAnswer):
    kind = "answer_final"
    title = _("%(organization)s answered the appeal “%(problem)s”")


class AboutMessage(Notice):
    """Correspondence is private to the author and the addressee's officials."""

    from_organization = False

    def details(self, appeal, context):
        return {"message": Message.objects.filter(pk=context.get("message"), appeal=appeal).first()}

    def audience(self, appeal, context, extra):
        if bool(context.get("from_organization")) != self.from_organization:
            return set()
        return self.correspondents(appeal, extra["organization"])

    def correspondents(self, appeal, organization) -> set[int]:
        raise NotImplementedError

    def actor_id(self, appeal, context, extra):
        message = extra["message"]
        return message.sender_id if message else context.get("actor")


class MessageToAuthor(AboutMessage):
    kind = "message_to_author"
    title = _("%(organization)s wrote about the appeal “%(problem)s”")
    from_organization = True

    def correspondents(self, appeal, organization):
        return author_of(appeal)


class MessageToOfficials(AboutMessage):
    kind = "message_to_officials"
    title = _("The author of the appeal “%(problem)s” wrote to you")
    from_organization = False

    def correspondents(self, appeal, organization):
        return officials_of(organization.pk)

    def url(self, appeal, extra):
        return cabinet_url(appeal)


class AppealClosed(ByAuthor):
    kind = "appeal_closed"
    title = _("The appeal “%(problem)s” was closed")

    def details(self, appeal, context):
        outcome = context.get("outcome") or appeal.outcome
        return {"outcome_label": dict(Problem.Status.choices).get(outcome, "")}


class ClosedBeforeAnswer(ForOfficials):
    """The applicants closed the appeal as solved while the addressee was still working on it:
    its officials hear that no answer is awaited any more."""

    kind = "appeal_closed_before_answer"
    title = _("The applicants closed the appeal “%(problem)s”: the problem is solved")

    def audience(self, appeal, context, extra):
        return super().audience(appeal, context, extra) if context.get("before_answer") else set()

    def actor_id(self, appeal, context, extra):
        return appeal.problem.author_id


class AboutEscalation(ByAuthor):
    def details(self, appeal, context):
        new_appeal = (
            Appeal.objects.select_related("organization")
            .filter(pk=context.get("new_appeal"))
            .first()
        )
        return {"new_appeal": new_appeal}

    def title_params(self, appeal, extra):
        new_appeal = extra["new_appeal"]
        organization = new_appeal.organization if new_appeal else appeal.organization
        return {"problem": appeal.problem.title, "organization": organization.title}


class EscalationInvitation(AboutEscalation):
    """Signatures are never carried over to the new appeal: the old signatories are asked."""

    kind = "escalation_invitation"
    title = _("Sign the new appeal “%(problem)s” to %(organization)s")

    def audience(self, appeal, context, extra):
        return signatories_of(appeal)


class AppealEscalated(AboutEscalation):
    kind = "appeal_escalated"
    title = _("The problem “%(problem)s” was taken to %(organization)s")


class EscalatedWhileLate(AboutEscalation):
    """The addressee missed a deadline and the author took the problem higher: its officials
    hear which deadline, and where the problem went."""

    kind = "appeal_escalated_while_late"
    title = _("The appeal “%(problem)s” you did not answer in time was taken to %(organization)s")

    def audience(self, appeal, context, extra):
        return officials_of(extra["organization"].pk) if context.get("missed") else set()

    def url(self, appeal, extra):
        return cabinet_url(appeal)


class AboutControl(Notice):
    def details(self, appeal, context):
        period = (
            ControlPeriod.objects.select_related("organization")
            .filter(pk=context.get("period"), appeal=appeal)
            .first()
        )
        return {"period": period}

    def title_params(self, appeal, extra):
        period = extra["period"]
        controller = period.organization if period else appeal.organization
        return {"problem": appeal.problem.title, "organization": controller.title}


class UnderControlForOfficials(AboutControl, ForOfficials):
    """The addressee's officials hear that a head watches their answer."""

    kind = "appeal_under_control_addressee"
    title = _("%(organization)s took the appeal “%(problem)s” under control")


class UnderControl(AboutControl):
    """The applicants hear that a head watches the answer to their appeal."""

    kind = "appeal_under_control"
    title = _("%(organization)s took the appeal “%(problem)s” under control")


class MessageToSignatories(Notice):
    """An official of the addressee wrote to everyone who signed (the author among them)."""

    kind = "message_to_signatories"
    title = _("%(organization)s wrote to the signatories of the appeal “%(problem)s”")

    def details(self, appeal, context):
        return {"message": Message.objects.filter(pk=context.get("message"), appeal=appeal).first()}

    def audience(self, appeal, context, extra):
        return author_of(appeal) | signatories_of(appeal)


class TakenUp(Notice):
    """Another organization took the problem up publicly: the author, signatories and followers
    hear who supports them and that its letter went to the addressee."""

    kind = "problem_taken_up"
    title = _("%(organization)s took up the problem “%(problem)s”")

    def details(self, appeal, context):
        take_up = (
            TakeUp.objects.select_related("organization", "addressee")
            .filter(pk=context.get("take_up"), appeal=appeal)
            .first()
        )
        return {"take_up": take_up}

    def title_params(self, appeal, extra):
        take_up = extra["take_up"]
        supporter = take_up.organization if take_up else appeal.organization
        return {"problem": appeal.problem.title, "organization": supporter.title}


class AppealOverdue(ForOfficials):
    """Sent by the daily check, not by an appeal event."""

    kind = "appeal_overdue"
    title = _("The answer to the appeal “%(problem)s” is overdue")

    def details(self, appeal, context):
        today = context["today"]
        return {"today": today, "days_late": (today - appeal.due_date).days}


# --- Registry -------------------------------------------------------------------------------

APPEAL_EVENTS: dict[str, tuple[Notice, ...]] = {
    "sent": (AppealArrived(), AppealSent()),
    "sent_by_author": (AppealArrived(), AppealSentByAuthor()),
    "registered": (AppealRegistered(),),
    "revised": (AppealRevised(),),
    "answer_interim": (InterimAnswer(),),
    "answer_extension": (DeadlineExtended(),),
    # The new addressee's officials hear that it arrived; the residents, that it was forwarded.
    "answer_forwarding": (AppealArrived(), AppealForwarded()),
    "answer_final": (FinalAnswer(),),
    "message": (MessageToAuthor(), MessageToOfficials()),
    # The officials hear of a closing only when it spares them an answer.
    "closed": (ClosedBeforeAnswer(), AppealClosed()),
    "escalated": (EscalatedWhileLate(), EscalationInvitation(), AppealEscalated()),
    # The addressee's officials first: one of them who follows the problem hears it as staff.
    "under_control": (UnderControlForOfficials(), UnderControl()),
    "message_to_signatories": (MessageToSignatories(),),
    "taken_up": (TakenUp(),),
}

OVERDUE = AppealOverdue()


def register() -> None:
    registry.register_subject(
        Appeal.objects.select_related("problem", "organization"), events=APPEAL_EVENTS
    )
    registry.register_kind(OVERDUE)
    registry.register_daily(
        "appeals.overdue", label="Notices of overdue appeals", run=notify_overdue_appeals
    )


# --- The daily round ------------------------------------------------------------------------


def notify_overdue_appeals(today: datetime.date | None = None) -> list[Notification]:
    """Officials of the addressee hear of each appeal left unanswered past its due date, once a
    day: a second run on the same day creates nothing. Overdue as everywhere (`overdue_q`); the
    notice speaks of the answer, so of the appeals late with it (registered ones)."""
    today = today or timezone.localdate()
    appeals = list(
        Appeal.objects.filter(overdue_q(today), status=Appeal.Status.REGISTERED).select_related(
            "problem", "organization"
        )
    )
    staff: dict[int, set[int]] = defaultdict(set)
    for organization_id, user_id in Membership.objects.filter(
        organization_id__in={appeal.organization_id for appeal in appeals},
        role__in=OFFICIAL_ROLES,
    ).values_list("organization_id", "user_id"):
        staff[organization_id].add(user_id)
    created: list[Notification] = []
    for appeal in appeals:
        created += notify(
            OVERDUE,
            subject=appeal,
            extra=OVERDUE.load(appeal, {"today": today}),
            user_ids=staff[appeal.organization_id],
            key=f"{OVERDUE.kind}:{appeal.pk}:{today.isoformat()}",
        )
    return created
