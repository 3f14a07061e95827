from django import template
from django.conf import settings

from veche.moderation import models

register = template.Library()


@register.simple_tag
def contest_days() -> int:
    return settings.VECHE_MODERATION_CONTEST_DAYS


@register.filter
def ground_label(value: str) -> str:
    return models.ground_label(value)
