"""Pre-moderation: what an account below a verification level publishes waits for a moderator.

The site's level is `VECHE_PREMODERATION_BELOW_LEVEL`; a territory's own row (`Premoderation`,
set by an operator on its admin page, with a permission and an audit row) overrides it for that
territory and those inside it, the nearest one deciding. A product app asks `holds_for` when it
publishes, and registers with its moderated kind how a held item is published or refused
(`registry.Prepublication`); the moderator's acts are `services.approve_content` and
`services.refuse_content`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.identity.eligibility import person_facts
from veche.identity.models import Level
from veche.moderation.models import Premoderation

SITE_LEVELS = {
    "email": Level.EMAIL,
    "phone": Level.PHONE,
    "census": Level.CENSUS,
    "provider": Level.PROVIDER,
}


def level_in(territory) -> int | None:
    """The verification level below which new content in the territory is pre-moderated, or
    None (not pre-moderated): the nearest territory's own setting, or the site's."""
    if territory is not None:
        places = [territory.pk, *territory.ancestors().values_list("pk", flat=True)]
        rules = {
            rule.territory_id: rule
            for rule in Premoderation.objects.filter(territory_id__in=places)
        }
        nearest = next((rules[pk] for pk in places if pk in rules), None)
        if nearest is not None:
            return nearest.below_level
    return SITE_LEVELS.get(settings.VECHE_PREMODERATION_BELOW_LEVEL)


def holds_for(author, territory) -> bool:
    """Whether what the author publishes in the territory waits for a moderator first."""
    level = level_in(territory)
    return level is not None and person_facts(author).level < level


# --- The operators' settings of territories -------------------------------------------------


def _require(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only operators with this permission may do it."))
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Only operators with this permission may do it."))


def _facts(rule: Premoderation) -> dict:
    return {"territory": rule.territory.code, "below_level": rule.below_level}


@transaction.atomic
def save_territory_premoderation(*, actor, rule: Premoderation) -> Premoderation:
    """Sets a territory's own pre-moderation; the audit row keeps what it was and what it is."""
    permission = "change" if rule.pk else "add"
    _require(actor, f"moderation.{permission}_premoderation")
    before = None
    if rule.pk is not None:
        stored = Premoderation.objects.select_for_update().filter(pk=rule.pk).first()
        before = stored.below_level if stored is not None else None
    rule.full_clean()
    rule.save()
    record_event(
        actor=actor,
        action="moderation.premoderation_set",
        target=rule.territory,
        data={**_facts(rule), "before": before},
    )
    return rule


@transaction.atomic
def delete_territory_premoderation(*, actor, rule: Premoderation) -> None:
    """The territory follows the site's (or a parent territory's) setting again."""
    _require(actor, "moderation.delete_premoderation")
    record_event(
        actor=actor,
        action="moderation.premoderation_removed",
        target=rule.territory,
        data=_facts(rule),
    )
    rule.delete()
