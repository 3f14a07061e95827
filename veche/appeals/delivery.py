"""The e-mail that carries an appeal to its addressee."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from veche.documents.appeals import appeal_pdf


def send_appeal_email(dispatch) -> None:
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
        headers={"X-Veche-Appeal": str(appeal.pk)},
    )
    message.attach(f"appeal-{appeal.pk}.pdf", pdf, "application/pdf")
    message.send()
