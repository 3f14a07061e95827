"""The e-mails that carry an appeal, and the supplementary lists of its later signatories, to its
addressee, sent through the outbox."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from veche.appeals.documents import appeal_pdf, supplementary_list_pdf
from veche.appeals.models import DISPATCH_KIND, SUPPLEMENTARY_KIND, Dispatch, SupplementaryList
from veche.core import outbox


def queue_dispatch(dispatch: Dispatch) -> None:
    """Store the dispatch's letter in the caller's transaction; it is sent after the commit."""
    outbox.put(kind=DISPATCH_KIND, target_id=dispatch.pk)


def send_dispatch(message) -> None:
    """The outbox's sender for DISPATCH_KIND."""
    dispatch = (
        Dispatch.objects.select_related("appeal__problem", "organization", "revision")
        .filter(pk=message.target_id)
        .first()
    )
    if dispatch is None:
        raise outbox.NothingToSend("the dispatch is gone")
    send_appeal_email(dispatch, message_id=message.message_id)


def send_appeal_email(dispatch: Dispatch, *, message_id: str) -> None:
    appeal = dispatch.appeal
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": dispatch.organization,
            "revision": dispatch.revision,
            "cabinet_url": settings.SITE_URL + reverse("cabinet:appeal", args=[appeal.pk]),
            "public_url": settings.SITE_URL + appeal.problem.get_absolute_url(),
        }
        subject = render_to_string("appeals/email/dispatch_subject.txt", context).strip()
        body = render_to_string("appeals/email/dispatch.txt", context)
        pdf = appeal_pdf(appeal, revision=dispatch.revision, for_addressee=True)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[dispatch.recipient],
        # The same Message-ID on every attempt: a resend after a crash is the same letter.
        headers={"X-Veche-Appeal": str(appeal.pk), "Message-ID": message_id},
    )
    message.attach(f"appeal-{appeal.pk}.pdf", pdf, "application/pdf")
    message.send()


def queue_supplementary_list(supplementary: SupplementaryList) -> None:
    outbox.put(kind=SUPPLEMENTARY_KIND, target_id=supplementary.pk)


def send_supplementary_list(message) -> None:
    """The outbox's sender for SUPPLEMENTARY_KIND."""
    supplementary = (
        SupplementaryList.objects.select_related("appeal__problem", "organization")
        .filter(pk=message.target_id)
        .first()
    )
    if supplementary is None:
        raise outbox.NothingToSend("the supplementary list is gone")
    appeal = supplementary.appeal
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "supplementary": supplementary,
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": supplementary.organization,
            "cabinet_url": settings.SITE_URL + reverse("cabinet:appeal", args=[appeal.pk]),
            "public_url": settings.SITE_URL + appeal.problem.get_absolute_url(),
        }
        subject = render_to_string("appeals/email/supplementary_list_subject.txt", context)
        body = render_to_string("appeals/email/supplementary_list.txt", context)
        pdf = supplementary_list_pdf(supplementary)
    letter = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[supplementary.recipient],
        headers={"X-Veche-Appeal": str(appeal.pk), "Message-ID": message.message_id},
    )
    letter.attach(
        f"appeal-{appeal.pk}-supplement-{supplementary.number}.pdf", pdf, "application/pdf"
    )
    letter.send()
