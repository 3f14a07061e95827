"""Publishing a problem and its appeal."""

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
    now = timezone.now()
    problem = Problem.objects.create(
        author=author,
        title=normalize_line(title),
        description=description.strip(),
        category=category,
        territory=territory,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        status=Problem.Status.PUBLISHED,
        language=language,
        published_at=now,
    )
    number_of(problem.pk, author.pk)  # the author is the problem's Participant No. 1
    for image in photos:
        problem.photos.create(image=image)
    appeal = Appeal.objects.create(
        problem=problem,
        organization=organization,
        status=Status.COLLECTING,
        signature_threshold=policy_for(organization).signature_threshold,
    )
    Revision.objects.create(
        appeal=appeal, number=1, text=appeal_text.strip(), author=author, note=_("First version")
    )
    problem.current_appeal = appeal
    problem.save(update_fields=["current_appeal"])
    _default_rules(appeal)
    Follow.objects.get_or_create(problem=problem, user=author)
    record_event(
        actor=author,
        action="problem.published",
        target=problem,
        data={"organization": organization.slug, "territory": territory.code},
    )
    decision = check_eligibility(author, EligibilityRule.Action.SIGN, appeal)
    if decision.allowed:
        _add_signature(author, appeal, decision)
    return problem
