"""Collective appeals and the organizations' answers as printable, verifiable PDF documents,
and how the verification page describes them (registered in `AppealsConfig.ready()`)."""

from dataclasses import dataclass

import rules
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.accounts.personal_data import is_erased
from veche.appeals.models import Answer, Appeal, Revision, Signature, SupplementaryList, TakeUp
from veche.appeals.participants import known_number, number_here, public_name
from veche.core.i18n import translate
from veche.documents.letterhead import heading_lines, lines, logo_data_uri, position_of
from veche.documents.registry import Subject, register
from veche.documents.services import issue

# The codes the register stores (IssuedDocument.kind): never changed once issued.
APPEAL = "appeal"
ANSWER = "answer"
TAKE_UP = "take_up"
SUPPLEMENTARY = "supplementary"

NOT_SENT = (Appeal.Status.DRAFT, Appeal.Status.COLLECTING)


@dataclass(frozen=True)
class Applicant:
    """A line of the document about one person: public name, or for the addressee the 59-FZ data."""

    name: str
    postal_address: str = ""
    email: str = ""


def appeal_pdf(appeal: Appeal, *, revision: Revision | None = None, for_addressee: bool) -> bytes:
    """The appeal as a document "Collective appeal", in the site language.

    The addressee's copy names every co-applicant with the postal address and e-mail they gave
    when signing (59-FZ); the public copy shows only the names people agreed to publish.
    """
    with translation.override(settings.LANGUAGE_CODE):
        revision = revision or appeal.current_revision
        problem = appeal.problem
        # Those of a text since changed in substance are not the appeal's until confirmed.
        signatures = Signature.objects.filter(appeal=appeal).counted()
        if for_addressee:
            # The addressee's register holds what was sent with the appeal; the signatures
            # given since reach it in supplementary lists, numbered on.
            signatures = signatures.filter(after_dispatch=False)
        signatures = list(
            signatures.select_related("user", "revision")
            .annotate(number=number_here("user_id", "appeal__problem_id"))
            .order_by("created_at", "id")
        )
        signatories = [
            (signature, _applicant(signature, for_addressee)) for signature in signatures
        ]
        author_signature = next((s for s in signatures if s.user_id == problem.author_id), None)
        if author_signature is not None:
            author = _applicant(author_signature, for_addressee)
        elif for_addressee and is_erased(problem.author):
            author = Applicant(_("Anonymous participant (account erased)"))
        elif for_addressee:
            author = Applicant(problem.author.private_name, "", problem.author.email)
        else:
            number = known_number(problem.pk, problem.author_id)
            author = Applicant(public_name(problem.author, number))
        title = _("Collective appeal “%(title)s”, revision %(number)s") % {
            "title": problem.title,
            "number": revision.number,
        }
        context = {
            "appeal": appeal,
            "problem": problem,
            "organization": appeal.organization,
            "revision": revision,
            "author": author,
            "signatories": signatories,
            "signature_count": len(signatures),
            "for_addressee": for_addressee,
            "not_sent": appeal.status in NOT_SENT,
            "signed_on": appeal.sent_at or revision.created_at,
            "earlier": earlier_appeals(appeal),
            "site_url": settings.SITE_URL,
        }
        return issue(
            kind=APPEAL,
            target=appeal,
            title=title,
            template_name="appeals/documents/appeal.html",
            context=context,
            for_addressee=for_addressee,
        ).pdf


def supplementary_list_pdf(supplementary: SupplementaryList) -> bytes:
    """The signatures given after the dispatch, for the addressee: each co-applicant with the
    data of the appeal's own register (59-FZ), numbered on from the last one it received."""
    with translation.override(settings.LANGUAGE_CODE):
        appeal = supplementary.appeal
        signatures = list(
            supplementary.signatures.select_related("revision").order_by("created_at", "id")
        )
        title = _("Supplementary list No. %(number)s to the collective appeal “%(title)s”") % {
            "number": supplementary.number,
            "title": appeal.problem.title,
        }
        context = {
            "supplementary": supplementary,
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": supplementary.organization,
            "signatories": [
                (supplementary.first_number + index, signature, _applicant(signature, True))
                for index, signature in enumerate(signatures)
            ],
            "site_url": settings.SITE_URL,
        }
        return issue(
            kind=SUPPLEMENTARY,
            target=supplementary,
            title=title,
            template_name="appeals/documents/supplementary_list.html",
            context=context,
            for_addressee=True,
        ).pdf


def earlier_appeals(appeal: Appeal, limit: int = 10) -> list[Appeal]:
    """The appeals this one continues, oldest first: the new addressee reads what became of
    them, and which deadline an addressee missed."""
    chain, previous_id = [], appeal.previous_id
    while previous_id is not None and len(chain) < limit:
        previous = Appeal.objects.select_related("organization").get(pk=previous_id)
        chain.append(previous)
        previous_id = previous.previous_id
    return chain[::-1]


def _applicant(signature: Signature, for_addressee: bool) -> Applicant:
    if for_addressee:
        return Applicant(signature.addressee_name, signature.postal_address, signature.email)
    return Applicant(public_name(signature.user, signature.number))


def answer_pdf(answer: Answer) -> bytes:
    """The organization's answer on its letterhead, in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        appeal, organization = answer.appeal, answer.organization
        position = position_of(answer.official, organization)
        title = _("%(kind)s of %(organization)s on the collective appeal “%(title)s”") % {
            "kind": answer.get_kind_display().capitalize(),
            "organization": organization.short_title,
            "title": appeal.problem.title,
        }
        context = {
            "answer": answer,
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": organization,
            "heading_lines": heading_lines(organization),
            "footer_lines": lines(translate(organization.letterhead_footer)),
            "logo": logo_data_uri(organization),
            "signatory_title": position or translate(organization.signatory_title),
            "official_name": answer.official.full_name,
            "attachments": list(answer.attachments.all()),
            "site_url": settings.SITE_URL,
        }
        return issue(
            kind=ANSWER,
            target=answer,
            title=title,
            template_name="appeals/documents/answer.html",
            context=context,
            for_addressee=False,
        ).pdf


def take_up_context(take_up: TakeUp) -> dict:
    """What an organization's letter taking up a problem says: all of it stored with the take-up
    (text, signer, the support then), so the letter reads the same whenever it is rendered."""
    organization = take_up.organization
    return {
        "take_up": take_up,
        "problem": take_up.problem,
        "appeal": take_up.appeal,
        "organization": organization,
        "addressee": take_up.addressee,
        "heading_lines": heading_lines(organization),
        "footer_lines": lines(translate(organization.letterhead_footer)),
        "logo": logo_data_uri(organization),
        "signatory_title": take_up.signer_position or translate(organization.signatory_title),
        "official_name": take_up.signer_name,
        "problem_url": settings.SITE_URL + take_up.problem.get_absolute_url(),
    }


def take_up_letter(take_up: TakeUp):
    """The organization's letter taking up a problem, on its letterhead, in the site language,
    as an issued document (`veche.documents.services.Issued`): public, for it is the
    organization's own act and names no resident."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Letter of %(organization)s in support of the problem “%(title)s”") % {
            "organization": take_up.organization.short_title,
            "title": take_up.problem.title,
        }
        return issue(
            kind=TAKE_UP,
            target=take_up,
            title=title,
            template_name="appeals/documents/take_up.html",
            context=take_up_context(take_up),
            for_addressee=False,
        )


def register_kinds() -> None:
    """Tell the register of documents about the appeals' kinds (from `AppConfig.ready()`)."""
    register(
        APPEAL,
        label=gettext_lazy("collective appeal"),
        private_copy=gettext_lazy(
            "It names the applicants and their addresses, so its content is not published."
        ),
        subject=_appeal_subject,
    )
    register(ANSWER, label=gettext_lazy("answer to a collective appeal"), subject=_answer_subject)
    register(
        TAKE_UP,
        label=gettext_lazy("letter of an organization taking up a problem"),
        subject=_take_up_subject,
    )
    register(
        SUPPLEMENTARY,
        label=gettext_lazy("supplementary list of signatories to a collective appeal"),
        private_copy=gettext_lazy(
            "It names the co-applicants and their addresses, so its content is not published."
        ),
        subject=_supplementary_subject,
    )


def _problem_subject(problem, user) -> Subject | None:
    if problem is None or not rules.has_perm("appeals.view_problem", user, problem):
        return None
    return Subject(problem.title, problem.get_absolute_url())


def _appeal_subject(document, user) -> Subject | None:
    appeal = Appeal.objects.select_related("problem").filter(pk=document.object_id).first()
    return _problem_subject(appeal and appeal.problem, user)


def _answer_subject(document, user) -> Subject | None:
    # The answer is shown on its problem's page, whose visibility it follows.
    answer = Answer.objects.select_related("appeal__problem").filter(pk=document.object_id).first()
    return _problem_subject(answer and answer.appeal.problem, user)


def _take_up_subject(document, user) -> Subject | None:
    take_up = TakeUp.objects.select_related("problem").filter(pk=document.object_id).first()
    return _problem_subject(take_up and take_up.problem, user)


def _supplementary_subject(document, user) -> Subject | None:
    supplementary = (
        SupplementaryList.objects.select_related("appeal__problem")
        .filter(pk=document.object_id)
        .first()
    )
    return _problem_subject(supplementary and supplementary.appeal.problem, user)
