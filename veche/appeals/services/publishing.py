"""Publishing a problem and its appeal. Pre-moderation is one step of it: a problem from an
account below the level the territory asks (`moderation.premoderation`) is kept, with its
appeal, until a moderator approves it; approving it then takes the rest of the same steps
(`_make_public`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Appeal,
    Follow,
    Problem,
    Revision,
)
from veche.appeals.participants import number_of
from veche.appeals.policy import policy_for
from veche.core import ratelimits
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.identity.eligibility import check_eligibility
from veche.identity.models import EligibilityRule
from veche.moderation.premoderation import holds_for
from veche.moderation.screening import screen
from veche.territories.geo import check_point

from ._common import ScreeningFailed, Status, _default_rules, _refuse_unless
from .signing import _add_signature


@transaction.atomic
def publish_problem(
    *,
    author,
    title: str,
    description: str,
    category,
    territory,
    organization,
    appeal_text: str,
    address: str = "",
    latitude=None,
    longitude=None,
    photos=(),
    language: str = "ru",
) -> Problem:
    """Publish a problem with its appeal, which starts collecting signatures at once."""
    ratelimits.spend("publish", author)
    _refuse_unless(check_eligibility(author, EligibilityRule.Action.PUBLISH))
    check_point(territory, latitude, longitude)
    findings = [f for f in screen(text=appeal_text, title=title, author=author) if f.blocking]
    if findings:
        raise ScreeningFailed(findings)
    held = holds_for(author, territory)
    problem = Problem.objects.create(
        author=author,
        title=normalize_line(title),
        description=description.strip(),
        category=category,
        territory=territory,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        status=Problem.Status.AWAITING if held else Problem.Status.DRAFT,
        language=language,
    )
    number_of(problem.pk, author.pk)  # the author is the problem's Participant No. 1
    for image in photos:
        problem.photos.create(image=image)
    appeal = Appeal.objects.create(
        problem=problem,
        organization=organization,
        status=Status.DRAFT,
        signature_threshold=policy_for(organization).signature_threshold,
    )
    Revision.objects.create(
        appeal=appeal, number=1, text=appeal_text.strip(), author=author, note=_("First version")
    )
    problem.current_appeal = appeal
    problem.save(update_fields=["current_appeal"])
    _default_rules(appeal)
    Follow.objects.get_or_create(problem=problem, user=author)
    if held:
        record_event(
            actor=author,
            action="problem.held_for_moderation",
            target=problem,
            data={"organization": organization.slug, "territory": territory.code},
        )
    else:
        _make_public(problem, actor=author)
    return problem


def _make_public(problem: Problem, *, actor, **audit) -> None:
    """What publishing does, at once or when a moderator approves the problem: it is listed
    from this moment, its appeal starts collecting signatures, and the author signs first."""
    appeal, author = problem.current_appeal, problem.author
    problem.status, problem.published_at = Problem.Status.PUBLISHED, timezone.now()
    problem.save(update_fields=["status", "published_at"])
    appeal.status = Status.COLLECTING
    appeal.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="problem.published",
        target=problem,
        data={
            "organization": appeal.organization.slug,
            "territory": problem.territory.code,
            **audit,
        },
    )
    decision = check_eligibility(author, EligibilityRule.Action.SIGN, appeal)
    if decision.allowed:
        _add_signature(author, appeal, decision)


def _held(problem: Problem) -> Problem:
    # Only the problem's row is locked: its appeal may be missing (an outer join PostgreSQL
    # does not lock).
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("author", "territory", "current_appeal__organization")
        .get(pk=problem.pk)
    )
    if problem.status not in (Problem.Status.AWAITING, Problem.Status.REFUSED):
        raise ValidationError(_("This problem is not awaiting moderation."))
    return problem


def release_problem(problem: Problem, moderator) -> None:
    """Publishes a problem held for pre-moderation, or refused there when a second moderator
    reverses the refusal: called by the moderation service that checked the permission and
    writes the moderator's audit row, in its transaction."""
    _make_public(_held(problem), actor=moderator, premoderated=True)


def refuse_problem(problem: Problem) -> None:
    """The problem stays unpublished, seen by its author with the ground (moderation's
    refusal, in its transaction)."""
    problem = _held(problem)
    problem.status = Problem.Status.REFUSED
    problem.save(update_fields=["status"])
