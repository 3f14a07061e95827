"""Taking up a problem publicly: another organization's letter of support to the addressee."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals import documents
from veche.appeals.delivery import queue_take_up
from veche.appeals.models import Appeal, Problem, TakeUp
from veche.appeals.rules import take_up_organizations
from veche.core.audit import record_event
from veche.core.i18n import translate
from veche.documents.letterhead import position_of
from veche.moderation.screening import is_obscene, is_threatening

from ._common import Status, _notify

LETTER_MIN_LENGTH = 50
LETTER_MAX_LENGTH = 5000


def clean_letter_text(text: str) -> str:
    """The letter's text as it is sent, or a ValidationError saying what to change: it is
    published on the problem's page and the addressee may leave an obscene letter unread."""
    text = text.strip()
    if len(text) < LETTER_MIN_LENGTH:
        raise ValidationError(
            _("Write at least %(count)s characters: why the organization supports it.")
            % {"count": LETTER_MIN_LENGTH}
        )
    if len(text) > LETTER_MAX_LENGTH:
        raise ValidationError(
            _("Write at most %(count)s characters.") % {"count": LETTER_MAX_LENGTH}
        )
    if is_obscene(text):
        raise ValidationError(
            _("The text contains obscene words; the letter is public, please rephrase it.")
        )
    if is_threatening(text):
        raise ValidationError(_("The text reads as a threat; please rephrase it."))
    return text


def draft_take_up(*, official, problem: Problem, organization, text: str) -> TakeUp:
    """The letter as it would be sent now, unsaved: what the preview shows. It is signed with
    the person's name: without one (a public letter never shows an e-mail address) it is refused."""
    if not official.full_name:
        raise ValidationError(
            _("The letter is signed with your name: add it to your profile first.")
        )
    appeal = problem.current_appeal
    return TakeUp(
        problem=problem,
        appeal=appeal,
        organization=organization,
        addressee=appeal.organization,
        recipient=appeal.organization.dispatch_email,
        official=official,
        signer_name=official.full_name,
        signer_position=position_of(official, organization)
        or translate(organization.signatory_title),
        text=text,
        signature_count=appeal.signature_count,
        created_at=timezone.now().replace(microsecond=0),
    )


def take_up_problem(*, official, problem: Problem, organization, text: str) -> TakeUp:
    """The organization takes the problem up: its letter is issued as a verifiable PDF and sent
    to the addressee of the problem's appeal at once, whether or not the appeal has been
    dispatched yet (the addressee learns early that the problem has support); the page shows it.
    Once per organization and problem, even when two of its staff send at the same moment."""
    text = clean_letter_text(text)
    try:
        return _take_up(official=official, problem=problem, organization=organization, text=text)
    except IntegrityError:
        raise ValidationError(already_taken_up(organization)) from None


def already_taken_up(organization) -> str:
    return _("%(organization)s has already taken up this problem.") % {
        "organization": organization.title
    }


@transaction.atomic
def _take_up(*, official, problem: Problem, organization, text: str) -> TakeUp:
    # The problem's row is the take-ups' lock: the second of two senders waits, then sees the first.
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not rules.has_perm("appeals.take_up_problem", official, problem):
        raise PermissionDenied(_("You cannot take up this problem."))
    appeal = Appeal.objects.select_related("organization").get(pk=problem.current_appeal_id)
    if organization.pk == appeal.organization_id:
        raise ValidationError(_("An organization does not take up a problem addressed to itself."))
    acts_for = organization.pk in take_up_organizations(official, problem)
    if not (acts_for and organization.is_active):
        raise PermissionDenied(_("You do not act for this organization."))
    if appeal.status in (Status.DRAFT, Status.CLOSED):
        raise ValidationError(_("This problem cannot be taken up now."))
    if TakeUp.objects.filter(problem=problem, organization=organization).exists():
        raise ValidationError(already_taken_up(organization))
    problem.current_appeal = appeal
    take_up = draft_take_up(
        official=official, problem=problem, organization=organization, text=text
    )
    take_up.save()
    take_up.document = documents.take_up_letter(take_up).document
    take_up.save(update_fields=["document"])
    record_event(
        actor=official,
        action="problem.taken_up",
        target=appeal,
        data={
            "organization": organization.slug,
            "addressee": appeal.organization.slug,
            "take_up": take_up.pk,
            "document": take_up.document.code,
            "signatures": take_up.signature_count,
        },
    )
    queue_take_up(take_up)
    _notify("taken_up", appeal, actor=official.pk, take_up=take_up.pk)
    return take_up
