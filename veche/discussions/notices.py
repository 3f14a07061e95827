"""Who hears of what happens to a discussion or an application, and what each notice says: small
classes, one per kind, registered with the notifications app (`register`, from
`DiscussionsConfig.ready()`).

The services announce an event (``"schedule_changed"``, ``"protocol"``, …) in the transaction
of the change (`veche.notifications.services.announce`): the event is stored with an outbox
message, and the outbox's worker works out who hears of it and stores their notices, once. A
notice's text lives in ``templates/discussions/notices/<name>.txt``; its title is a short
translatable phrase with the title of the project or the application. `veche discussion_tick`
announces discussions on their notice date and, once a day, the questions that wait for the
experts (`remind_experts`).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import (
    Application,
    Discussion,
    ExpertAnswer,
    Follow,
    Milestone,
    ScheduleChange,
    Submission,
)
from veche.discussions.wording import PHRASES
from veche.notifications import registry
from veche.notifications.services import announce
from veche.organizations.models import Membership

# --- Audiences ------------------------------------------------------------------------------


def followers_of(discussion: Discussion) -> set[int]:
    """Who follows the discussion, or the territory it concerns or one around it."""
    codes = [code for code in discussion.territory.path.strip("/").split("/") if code]
    return set(
        Follow.objects.filter(Q(discussion=discussion) | Q(territory__code__in=codes)).values_list(
            "user_id", flat=True
        )
    )


def participants_of(discussion: Discussion) -> set[int]:
    return set(
        discussion.submissions.filter(author__isnull=False).values_list("author_id", flat=True)
    )


def experts_of(discussion: Discussion) -> set[int]:
    return set(discussion.experts.values_list("pk", flat=True))


def experts_for(question: Submission) -> set[int]:
    """The experts a question goes to: those the organizer assigned to the document it names,
    while they are still the discussion's experts; otherwise all the discussion's experts."""
    everyone = experts_of(question.discussion)
    if question.material_id:
        assigned = set(question.material.experts.values_list("pk", flat=True)) & everyone
        if assigned:
            return assigned
    return everyone


def organizers_of(organization_id: int) -> set[int]:
    from veche.discussions.rules import ORGANIZER_ROLES

    return set(
        Membership.objects.filter(
            organization_id=organization_id, role__in=ORGANIZER_ROLES
        ).values_list("user_id", flat=True)
    )


def author_of(submission: Submission | None) -> set[int]:
    return {submission.author_id} if submission and submission.author_id else set()


# --- Notice kinds of a discussion -----------------------------------------------------------


class OwnNotice(registry.Notice):
    """A notice of this app: its text is ``discussions/notices/<kind less the prefix>.txt``."""

    @property
    def template_name(self) -> str:
        return f"discussions/notices/{self.kind.removeprefix('discussion_')}.txt"


class Notice(OwnNotice):
    """One kind of notice about a discussion: by default its followers and participants hear
    it, and it links to the discussion's page."""

    def audience(self, discussion: Discussion, context: dict, extra: dict) -> set[int]:
        return followers_of(discussion) | participants_of(discussion)

    def url(self, discussion: Discussion, extra: dict) -> str:
        return discussion.get_absolute_url()

    def title_params(self, discussion: Discussion, extra: dict) -> dict:
        return {"title": discussion.title}

    def template_context(self, discussion: Discussion, extra: dict) -> dict:
        return {"discussion": discussion, "site_url": settings.SITE_URL} | extra


class AboutSubmission(Notice):
    """About one submission (context "submission"): its author hears it, and it links to it."""

    def load(self, discussion, context):
        submission = discussion.submissions.filter(pk=context.get("submission")).first()
        return {"submission": submission}

    def audience(self, discussion, context, extra):
        return author_of(extra["submission"])

    def url(self, discussion, extra):
        submission = extra["submission"]
        return submission.get_absolute_url() if submission else discussion.get_absolute_url()


class Announced(Notice):
    """On the notice date: those who follow the discussion or its territory are invited."""

    kind = "discussion_announced"
    title = _("Notice: “%(title)s” is put to public discussion")

    def audience(self, discussion, context, extra):
        return followers_of(discussion)


class ScheduleChanged(Notice):
    kind = "discussion_schedule_changed"
    title = _("The schedule of “%(title)s” has changed")

    def load(self, discussion, context):
        changes = list(
            ScheduleChange.objects.filter(
                discussion=discussion, pk__in=context.get("changes") or []
            ).order_by("id")
        )
        return {"changes": changes, "reason": changes[0].reason if changes else ""}

    def audience(self, discussion, context, extra):
        return super().audience(discussion, context, extra) if extra["changes"] else set()


class Cancelled(Notice):
    kind = "discussion_cancelled"
    title = _("“%(title)s” is cancelled")


class QuestionAsked(AboutSubmission):
    kind = "discussion_question_asked"
    title = _("A new question to the experts on “%(title)s”")

    def audience(self, discussion, context, extra):
        return experts_for(extra["submission"]) if extra["submission"] else set()


class QuestionAnswered(AboutSubmission):
    kind = "discussion_question_answered"
    title = _("The experts answered your question on “%(title)s”")

    def load(self, discussion, context):
        answer = (
            ExpertAnswer.objects.select_related("submission")
            .filter(pk=context.get("answer"), submission__discussion=discussion)
            .first()
        )
        return {"answer": answer, "submission": answer.submission if answer else None}


class RecommendationGiven(AboutSubmission):
    kind = "discussion_recommendation"
    title = _("The organizer reviewed your submission on “%(title)s”")

    def heading(self, discussion, extra):
        # A question is reviewed as a question: "Организатор рассмотрел ваш вопрос…".
        submission = extra["submission"]
        if submission is None:
            return super().heading(discussion, extra)
        return str(PHRASES[submission.kind].reviewed) % self.title_params(discussion, extra)


class ProtocolSigned(Notice):
    kind = "discussion_protocol"
    title = _("The protocol of “%(title)s” is published")


class MeetingRecordPublished(Notice):
    """The minutes or the recording of a hearing's meeting, published once it is over: those
    who follow the hearing or took part in it may read what was said before the protocol."""

    kind = "discussion_meeting_record"
    title = _("The record of the meeting on “%(title)s” is published")


class ConclusionPublished(Notice):
    kind = "discussion_conclusion"
    title = _("The conclusion on “%(title)s” is published")


class ProgressRecorded(Notice):
    """Progress on one accepted proposal is for its author; on the whole project, for all."""

    kind = "discussion_progress"
    title = _("Progress on “%(title)s”")

    def load(self, discussion, context):
        milestone = (
            Milestone.objects.select_related("submission")
            .filter(pk=context.get("milestone"), discussion=discussion)
            .first()
        )
        return {"milestone": milestone}

    def audience(self, discussion, context, extra):
        milestone = extra["milestone"]
        if milestone is None:
            return set()
        if milestone.submission_id:
            return author_of(milestone.submission)
        return super().audience(discussion, context, extra)

    def url(self, discussion, extra):
        milestone = extra["milestone"]
        if milestone is not None and milestone.submission_id:
            return milestone.submission.get_absolute_url()
        return discussion.get_absolute_url()


class ExpertReminder(AboutSubmission):
    """Announced by `remind_experts`, once a day for each question left waiting."""

    kind = "discussion_expert_reminder"
    title = _("A question on “%(title)s” waits for your answer")

    def audience(self, discussion, context, extra):
        question = extra["submission"]
        # Answered between the tick and the worker: nobody needs reminding.
        if question is None or question.answers.exists():
            return set()
        return experts_for(question)


class ExpertOverdue(AboutSubmission):
    """Announced by `alert_organizers`, once for each question that has waited twice the
    experts' reminder time: the organizer, who chose the experts, steps in."""

    kind = "discussion_expert_overdue"
    title = _("A question on “%(title)s” still waits for the experts")

    def audience(self, discussion, context, extra):
        question = extra["submission"]
        if question is None or question.answers.exists():
            return set()
        return organizers_of(discussion.organizer_id)


# --- Notice kinds of an application ---------------------------------------------------------


class AboutApplication(OwnNotice):
    """A landowner's or developer's application to hold a discussion."""

    def title_params(self, application: Application, extra: dict) -> dict:
        return {"title": application.title}

    def template_context(self, application: Application, extra: dict) -> dict:
        return {"application": application} | extra


class ApplicationFiled(AboutApplication):
    kind = "discussion_application_filed"
    title = _("An application to discuss “%(title)s”")

    def audience(self, application, context, extra):
        return organizers_of(application.organization_id)

    def url(self, application, extra):
        return reverse("discussions:applications")


class ApplicationDecided(AboutApplication):
    kind = "discussion_application_decided"
    title = _("Your application “%(title)s” is decided")

    def audience(self, application, context, extra):
        return {application.applicant_id}

    def url(self, application, extra):
        return reverse("discussions:my_applications")


# --- Registry -------------------------------------------------------------------------------

DISCUSSION_EVENTS: dict[str, tuple[Notice, ...]] = {
    "announced": (Announced(),),
    "schedule_changed": (ScheduleChanged(),),
    "cancelled": (Cancelled(),),
    # Nobody is told by a notice (the participant gets the receipt); the organizer's systems
    # hear of it through the webhooks, which listen to every announced event.
    "submission_registered": (),
    "question_asked": (QuestionAsked(),),
    "question_answered": (QuestionAnswered(),),
    "recommendation": (RecommendationGiven(),),
    "meeting_record": (MeetingRecordPublished(),),
    "protocol": (ProtocolSigned(),),
    "conclusion": (ConclusionPublished(),),
    "progress": (ProgressRecorded(),),
    "expert_reminder": (ExpertReminder(),),
    "expert_overdue": (ExpertOverdue(),),
}

APPLICATION_EVENTS: dict[str, tuple[AboutApplication, ...]] = {
    "filed": (ApplicationFiled(),),
    "decided": (ApplicationDecided(),),
}


def register() -> None:
    registry.register_subject(
        Discussion.objects.select_related("territory", "organizer"), events=DISCUSSION_EVENTS
    )
    registry.register_subject(Application.objects.all(), events=APPLICATION_EVENTS)


# --- Reminders ------------------------------------------------------------------------------


def _announce_waiting(now, *, hours: int, event: str, once_per: str) -> int:
    """Announce `event` for each question still unanswered after `hours`, while experts may
    answer it, once per question and `once_per` (a day, or "" for once); returns how many."""
    questions = (
        Submission.objects.filter(
            kind=Submission.Kind.QUESTION,
            answers__isnull=True,
            created_at__lte=now - datetime.timedelta(hours=hours),
            discussion__protocol_signed_at__isnull=True,
            discussion__status=Discussion.Status.PUBLISHED,
            hidden_at__isnull=True,
        )
        .select_related("discussion")
        .order_by("created_at")
    )
    announced = 0
    for question in questions:
        stored = announce(
            subject=question.discussion,
            event=event,
            context={"submission": question.pk},
            key=f"discussion_{event}:{question.pk}" + (f":{once_per}" if once_per else ""),
        )
        announced += stored is not None
    return announced


def remind_experts(now: datetime.datetime | None = None) -> int:
    """Experts hear once a day of each question waiting longer than the setting allows; returns
    how many questions they are reminded of (a second run on the same day announces none)."""
    now = now or timezone.now()
    return _announce_waiting(
        now,
        hours=settings.VECHE_EXPERT_REMINDER_HOURS,
        event="expert_reminder",
        once_per=timezone.localdate(now).isoformat(),
    )


def alert_organizers(now: datetime.datetime | None = None) -> int:
    """The organizers hear, once for each question, of one that has waited twice as long as the
    experts' reminder time; returns how many questions they hear of in this run."""
    return _announce_waiting(
        now or timezone.now(),
        hours=2 * settings.VECHE_EXPERT_REMINDER_HOURS,
        event="expert_overdue",
        once_per="",
    )
