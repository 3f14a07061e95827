"""An operator adds or removes a site allowed to embed the widgets: one transaction, the rules
asked, an audit row each."""

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.embeds.models import EmbedOrigin
from veche.embeds.origins import parse_origin


def _require(user) -> None:
    if not rules.has_perm("embeds.manage_origins", user):
        raise PermissionDenied(_("Only an operator with this permission manages embedding sites."))


@transaction.atomic
def allow_origin(*, user, origin: str, reason: str) -> EmbedOrigin:
    _require(user)
    try:
        origin = parse_origin(origin, allow_http=settings.DEBUG)
    except ValidationError as error:
        raise ValidationError({"origin": error.messages}) from error
    reason = normalize_line(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why this site may show the widgets.")})
    if EmbedOrigin.objects.select_for_update().filter(origin=origin).exists():
        raise ValidationError({"origin": _("This site is already allowed.")})
    allowed = EmbedOrigin.objects.create(origin=origin, reason=reason, added_by=user)
    record_event(
        actor=user,
        action="embeds.origin_allowed",
        target=allowed,
        data={"origin": origin, "reason": reason},
    )
    return allowed


@transaction.atomic
def disallow_origin(*, user, allowed: EmbedOrigin) -> None:
    _require(user)
    record_event(
        actor=user,
        action="embeds.origin_disallowed",
        target=allowed,
        data={"origin": allowed.origin, "reason": allowed.reason},
    )
    EmbedOrigin.objects.filter(pk=allowed.pk).delete()
