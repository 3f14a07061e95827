from django import template
from django.conf import settings

from veche.moderation.models import Ground

register = template.Library()


@register.simple_tag
def contest_days() -> int:
    return settings.VECHE_MODERATION_CONTEST_DAYS


@register.filter
def ground_label(value: str) -> str:
    """A ground's published name in the active language; text kept from before the published
    list (a hidden comment's old reason) is shown as it is."""
    return str(Ground(value).label) if value in Ground.values else value
