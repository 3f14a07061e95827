"""The e-mails that carry an appeal, the supplementary lists of its later signatories, and other
organizations' letters taking up its problem, to its addressee, sent through the outbox."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from veche.appeals.documents import appeal_pdf, supplementary_list_pdf, take_up_letter
from veche.appeals.models import (
    DISPATCH_KIND,
    SUPPLEMENTARY_KIND,
    TAKE_UP_KIND,
    Dispatch,
    SupplementaryList,
    TakeUp,
)
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


def queue_take_up(take_up: TakeUp) -> None:
    """Store the take-up's letter in the caller's transaction; it is sent after the commit."""
    outbox.put(kind=TAKE_UP_KIND, target_id=take_up.pk)


def send_take_up(message) -> None:
    """The outbox's sender for TAKE_UP_KIND: the organization's letter, as the PDF issued when
    it was sent, to the appeals e-mail of the addressee it was written to."""
    take_up = (
        TakeUp.objects.select_related("problem", "appeal", "organization", "addressee", "document")
        .filter(pk=message.target_id)
        .first()
    )
    if take_up is None:
        raise outbox.NothingToSend("the take-up is gone")
    with translation.override(settings.LANGUAGE_CODE):
        issued = take_up_letter(take_up)
        context = {
            "take_up": take_up,
            "problem": take_up.problem,
            "organization": take_up.organization,
            "addressee": take_up.addressee,
            "public_url": settings.SITE_URL + take_up.problem.get_absolute_url(),
            "verification_url": settings.SITE_URL + issued.document.get_absolute_url(),
        }
        subject = render_to_string("appeals/email/take_up_subject.txt", context).strip()
        body = render_to_string("appeals/email/take_up.txt", context)
    letter = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[take_up.recipient],
        headers={"X-Veche-Appeal": str(take_up.appeal_id), "Message-ID": message.message_id},
    )
    letter.attach(f"take-up-{take_up.pk}.pdf", issued.pdf, "application/pdf")
    letter.send()


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
