"""Review and the records: the organizer's recommendations, the signed protocol, the published
conclusion, and the documents built for them."""

import rules
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions import records
from veche.discussions.models import (
    Discussion,
    RecordBuild,
    Stage,
    Submission,
)
from veche.discussions.queries import may_build, unreviewed
from veche.discussions.records import builds

from ._common import _actor, _lock, _notify, _require, _require_stage


@transaction.atomic
def recommend(*, user, submission: Submission, recommendation: str, reason: str) -> Submission:
    """The organizer's reasoned recommendation on one submission."""
    discussion = _lock(submission.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.INTAKE, Stage.REVIEW)
    if recommendation not in Submission.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Give the reasons for the recommendation.")})
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    changed = bool(submission.recommendation)
    submission.recommendation = recommendation
    submission.recommendation_reason = reason.strip()
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.save(
        update_fields=["recommendation", "recommendation_reason", "reviewed_by", "reviewed_at"]
    )
    record_event(
        actor=user,
        action="discussion.recommendation_revised" if changed else "discussion.recommended",
        target=submission,
        data={"recommendation": recommendation},
    )
    _notify("recommendation", discussion, submission=submission.pk, **_actor(user))
    return submission


def _keep_issued(discussion: Discussion, which: str, issued):
    """Record the registered document's code and keep its PDF exactly as issued."""
    document = issued.document
    setattr(discussion, f"{which}_code", document.code)
    getattr(discussion, f"{which}_file").save(
        f"{which}-{document.code}.pdf", ContentFile(issued.pdf), save=False
    )
    return document


@transaction.atomic
def sign_protocol(*, user, discussion: Discussion) -> RecordBuild:
    """Sign off the protocol: only in review, with every submission recommended. The protocol
    is built in the background (a hearing's can take minutes), registered and published, and
    its followers told, by `keep_signed_protocol`; returns that build."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.REVIEW)
    missing = unreviewed(discussion).count()
    if missing:
        raise ValidationError(
            _("%(count)s submission(s) have no recommendation yet; review them first.")
            % {"count": missing}
        )
    now = timezone.now()
    still_open = discussion.vote_questions.filter(closes_at__gt=now).order_by("closes_at").first()
    if still_open is not None:
        # The protocol gives the results of every vote: one still open would be left out of it.
        raise ValidationError(
            _("Voting on a question is open until %(until)s: sign the protocol after it closes.")
            % {"until": formats.date_format(timezone.localtime(still_open.closes_at), "j E Y, H:i")}
        )
    discussion.protocol_signed_at = now
    discussion.protocol_signed_by = user
    discussion.save(update_fields=["protocol_signed_at", "protocol_signed_by"])
    record_event(
        actor=user,
        action="discussion.protocol_signed",
        target=discussion,
        data={"submissions": discussion.submissions.filter(hidden_at__isnull=True).count()},
    )
    return builds.request(discussion, RecordBuild.Kind.PROTOCOL, user)


def _keep_published(discussion: Discussion, which: str, issued, actor) -> None:
    """Keep the built protocol or conclusion on the discussion (once: a second build of the same
    act keeps the first), record it and tell the followers."""
    with transaction.atomic():
        discussion = _lock(discussion)
        if getattr(discussion, f"{which}_file"):
            return
        document = _keep_issued(discussion, which, issued)
        discussion.save(update_fields=[f"{which}_code", f"{which}_file"])
        record_event(
            actor=actor,
            action=f"discussion.{which}_issued",
            target=discussion,
            data={"code": document.code, "sha256": document.sha256},
        )
        _notify(which, discussion, **_actor(actor))


def keep_signed_protocol(discussion: Discussion, progress=None) -> None:
    """Build the signed protocol (in the background: `records.builds`), register it and keep it
    as issued; then it is published and its followers are told."""
    issued = records.issue_protocol(discussion, progress or records.no_progress)
    _keep_published(discussion, "protocol", issued, discussion.protocol_signed_by)


@transaction.atomic
def publish_conclusion(*, user, discussion: Discussion, text: str) -> RecordBuild:
    """Publish the conclusion; once published it never changes. Its PDF is built in the
    background by `keep_published_conclusion`; returns that build."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.PROTOCOL)
    if len(text.strip()) < 10:
        raise ValidationError({"text": _("Write the overall conclusions, with reasons.")})
    discussion.conclusion_text = text.strip()
    discussion.conclusion_published_at = timezone.now()
    discussion.conclusion_published_by = user
    discussion.save(
        update_fields=["conclusion_text", "conclusion_published_at", "conclusion_published_by"]
    )
    record_event(
        actor=user,
        action="discussion.conclusion_published",
        target=discussion,
        data={"submissions": discussion.submissions.filter(hidden_at__isnull=True).count()},
    )
    return builds.request(discussion, RecordBuild.Kind.CONCLUSION, user)


def keep_published_conclusion(discussion: Discussion, progress=None) -> None:
    issued = records.issue_conclusion(discussion, progress or records.no_progress)
    _keep_published(discussion, "conclusion", issued, discussion.conclusion_published_by)


def request_record(*, user, discussion: Discussion, kind: str) -> RecordBuild:
    """Build a document of the discussion for its organizer, in the background; the build
    already under way, if there is one."""
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not may_build(discussion, kind):
        raise ValidationError(_("This document cannot be prepared at this stage."))
    return builds.request(discussion, kind, user)
