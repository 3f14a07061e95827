"""Background work of discussions: the participant's receipt."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from veche.discussions.models import Submission

logger = logging.getLogger(__name__)


@task()
def send_receipt(submission_id: int) -> str:
    """Mail the participant the receipt of a registered submission, at most once."""
    submission = (
        Submission.objects.select_related("discussion", "author").filter(pk=submission_id).first()
    )
    if submission is None or submission.author is None or not submission.author.email:
        return "no one to tell"
    now = timezone.now()
    claimed = Submission.objects.filter(pk=submission_id, receipt_sent_at__isnull=True).update(
        receipt_sent_at=now
    )
    if not claimed:
        return "already sent"
    author = submission.author
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        subject = str(
            translation.gettext("Submission %(number)s is registered")
            % {"number": submission.registration_number}
        )
        body = render_to_string(
            "discussions/email/receipt.txt",
            {"submission": submission, "site_url": settings.SITE_URL},
        )
    try:
        EmailMessage(
            subject,
            body,
            to=[author.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
    except Exception:
        Submission.objects.filter(pk=submission_id, receipt_sent_at=now).update(
            receipt_sent_at=None
        )
        raise
    return "sent"
