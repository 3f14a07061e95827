"""An operator adds or removes a site allowed to embed the widgets: one transaction, the rules
asked, an audit row each (`veche.core.origins`)."""

from django.utils.translation import gettext_lazy as _

from veche.core import origins
from veche.embeds.models import EmbedOrigin

EMBEDDING_SITES = origins.OriginList(
    model=EmbedOrigin,
    permission="embeds.manage_origins",
    refusal=_("Only an operator with this permission manages embedding sites."),
    reason_needed=_("Say why this site may show the widgets."),
    allowed_action="embeds.origin_allowed",
    disallowed_action="embeds.origin_disallowed",
)


def allow_origin(*, user, origin: str, reason: str) -> EmbedOrigin:
    return origins.allow(EMBEDDING_SITES, user=user, origin=origin, reason=reason)


def disallow_origin(*, user, allowed: EmbedOrigin) -> None:
    origins.disallow(EMBEDDING_SITES, user=user, allowed=allowed)
