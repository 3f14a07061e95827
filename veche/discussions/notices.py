"""Who hears what about a discussion. Each function is called after the change commits, takes ids,
and creates in-app notices (mailed as each person chose) through the notifications app."""

import datetime

from django.conf import settings
from django.db import transaction
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
from veche.notifications.services import notify_people
from veche.organizations.models import Membership


def after_commit(function, *args) -> None:
    # robust: the change is committed; a failing notice must not turn it into an error page.
    transaction.on_commit(lambda: function(*args), robust=True)


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


def organizers_of(organization_id: int) -> set[int]:
    from veche.discussions.rules import ORGANIZER_ROLES

    return set(
        Membership.objects.filter(
            organization_id=organization_id, role__in=ORGANIZER_ROLES
        ).values_list("user_id", flat=True)
    )


def _discussion(discussion_id: int) -> Discussion | None:
    return (
        Discussion.objects.select_related("territory", "organizer").filter(pk=discussion_id).first()
    )


def _tell(kind, user_ids, title, discussion, *, template=None, key="", url=None, **context):
    return notify_people(
        kind=f"discussion_{kind}",
        user_ids=user_ids,
        title=title,
        title_params={"title": discussion.title},
        template_name=template or f"discussions/notices/{kind}.txt",
        context={"discussion": discussion, "site_url": settings.SITE_URL} | context,
        url=url or discussion.get_absolute_url(),
        key=key,
        subject=discussion,
    )


# --- Notices --------------------------------------------------------------------------------


def announced(discussion_id: int) -> None:
    discussion = _discussion(discussion_id)
    if discussion:
        _tell(
            "announced",
            followers_of(discussion),
            _("Notice: “%(title)s” is put to public discussion"),
            discussion,
            key=f"discussion_announced:{discussion.pk}",
        )


def schedule_changed(discussion_id: int, change_ids: list[int]) -> None:
    discussion = _discussion(discussion_id)
    changes = list(ScheduleChange.objects.filter(pk__in=change_ids).order_by("id"))
    if discussion and changes:
        _tell(
            "schedule_changed",
            followers_of(discussion) | participants_of(discussion),
            _("The schedule of “%(title)s” has changed"),
            discussion,
            changes=changes,
            reason=changes[0].reason,
        )


def cancelled(discussion_id: int) -> None:
    discussion = _discussion(discussion_id)
    if discussion:
        _tell(
            "cancelled",
            followers_of(discussion) | participants_of(discussion),
            _("“%(title)s” is cancelled"),
            discussion,
        )


def submission_received(submission_id: int) -> None:
    """The participant's receipt (an e-mail of its own, whatever their notice settings), and a
    word to the experts when a question arrives."""
    from veche.discussions.tasks import queue_receipt

    submission = Submission.objects.select_related("discussion").filter(pk=submission_id).first()
    if submission is None:
        return
    queue_receipt(submission.pk)
    if submission.kind == Submission.Kind.QUESTION:
        discussion = submission.discussion
        _tell(
            "question_asked",
            set(discussion.experts.values_list("pk", flat=True)),
            _("A new question to the experts on “%(title)s”"),
            discussion,
            url=submission.get_absolute_url(),
            submission=submission,
        )


def question_answered(answer_id: int) -> None:
    answer = (
        ExpertAnswer.objects.select_related("submission__discussion").filter(pk=answer_id).first()
    )
    if answer and answer.submission.author_id:
        _tell(
            "question_answered",
            {answer.submission.author_id},
            _("The experts answered your question on “%(title)s”"),
            answer.submission.discussion,
            url=answer.submission.get_absolute_url(),
            submission=answer.submission,
            answer=answer,
        )


def recommendation_given(submission_id: int) -> None:
    submission = Submission.objects.select_related("discussion").filter(pk=submission_id).first()
    if submission and submission.author_id:
        _tell(
            "recommendation",
            {submission.author_id},
            PHRASES[submission.kind].reviewed,
            submission.discussion,
            url=submission.get_absolute_url(),
            submission=submission,
        )


def protocol_signed(discussion_id: int) -> None:
    discussion = _discussion(discussion_id)
    if discussion:
        _tell(
            "protocol",
            followers_of(discussion) | participants_of(discussion),
            _("The protocol of “%(title)s” is published"),
            discussion,
            key=f"discussion_protocol:{discussion.pk}",
        )


def conclusion_published(discussion_id: int) -> None:
    discussion = _discussion(discussion_id)
    if discussion:
        _tell(
            "conclusion",
            followers_of(discussion) | participants_of(discussion),
            _("The conclusion on “%(title)s” is published"),
            discussion,
            key=f"discussion_conclusion:{discussion.pk}",
        )


def progress_recorded(milestone_id: int) -> None:
    milestone = (
        Milestone.objects.select_related("discussion", "submission").filter(pk=milestone_id).first()
    )
    if milestone is None:
        return
    if milestone.submission_id:
        audience = {milestone.submission.author_id} - {None}
        url = milestone.submission.get_absolute_url()
    else:
        audience = followers_of(milestone.discussion) | participants_of(milestone.discussion)
        url = milestone.discussion.get_absolute_url()
    _tell(
        "progress",
        audience,
        _("Progress on “%(title)s”"),
        milestone.discussion,
        url=url,
        milestone=milestone,
    )


def application_filed(application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application:
        notify_people(
            kind="discussion_application_filed",
            user_ids=organizers_of(application.organization_id),
            title=_("An application to discuss “%(title)s”"),
            title_params={"title": application.title},
            template_name="discussions/notices/application_filed.txt",
            context={"application": application},
            url=reverse("discussions:applications"),
            subject=application,
        )


def application_decided(application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application:
        notify_people(
            kind="discussion_application_decided",
            user_ids={application.applicant_id},
            title=_("Your application “%(title)s” is decided"),
            title_params={"title": application.title},
            template_name="discussions/notices/application_decided.txt",
            context={"application": application},
            url=reverse("discussions:my_applications"),
            subject=application,
        )


def remind_experts(now: datetime.datetime | None = None) -> int:
    """Experts hear once a day of each question waiting longer than the setting allows."""
    now = now or timezone.now()
    waiting_since = now - datetime.timedelta(hours=settings.VECHE_EXPERT_REMINDER_HOURS)
    questions = (
        Submission.objects.filter(
            kind=Submission.Kind.QUESTION,
            answers__isnull=True,
            created_at__lte=waiting_since,
            discussion__protocol_signed_at__isnull=True,
            discussion__status=Discussion.Status.PUBLISHED,
            hidden_at__isnull=True,
        )
        .select_related("discussion__territory")
        .order_by("created_at")
    )
    day = timezone.localdate(now).isoformat()
    sent = 0
    for question in questions:
        experts = set(question.discussion.experts.values_list("pk", flat=True))
        sent += len(
            _tell(
                "expert_reminder",
                experts,
                _("A question on “%(title)s” waits for your answer"),
                question.discussion,
                url=question.get_absolute_url(),
                key=f"discussion_expert_reminder:{question.pk}:{day}",
                submission=question,
            )
        )
    return sent
