"""Background work of discussions: the participant's receipt, an outbox letter (kind
`RECEIPT_KIND`) that `send_receipt_email` sends; the documents built in the background
(`records.builds`)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from veche.core import outbox
from veche.discussions.models import Submission

RECEIPT_KIND = "discussions.receipt"


def queue_receipt(submission_id: int) -> None:
    """Store the receipt's letter in the caller's transaction (the submission's own): it is
    queued once that commits, and a crash in between leaves it for the outbox's sweep."""
    outbox.put(kind=RECEIPT_KIND, target_id=submission_id)


def send_receipt_email(message) -> None:
    """The outbox's sender for RECEIPT_KIND: mail the participant the registered submission."""
    submission = (
        Submission.objects.select_related("discussion", "author")
        .filter(pk=message.target_id)
        .first()
    )
    if submission is None or submission.author is None or not submission.author.email:
        raise outbox.NothingToSend("no one to tell")
    author = submission.author
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        subject = submission.words.receipt_subject
        body = render_to_string(
            "discussions/email/receipt.txt",
            {"submission": submission, "site_url": settings.SITE_URL},
        )
    EmailMessage(
        subject,
        body,
        to=[author.email],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message.message_id},
    ).send()
    Submission.objects.filter(pk=submission.pk).update(receipt_sent_at=timezone.now())


@task()
def send_receipt(submission_id: int) -> str:
    """Mail the receipt now, through its outbox message (stored if it is not yet); at most once."""
    return outbox.deliver(outbox.put(kind=RECEIPT_KIND, target_id=submission_id).pk)


@task()
def build_record(build_pk: int) -> str:
    """Build a document of a discussion (`RecordBuild`): claimed once, progress on the way."""
    from veche.discussions.records import builds

    return builds.run(build_pk)
