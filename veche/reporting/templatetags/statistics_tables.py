"""Filters of the statistics page's tables."""

from django import template

register = template.Library()


@register.filter
def cell(value, minimum: int) -> str:
    """A participation count as shown: "<5" for a territory of a few people, "*" for a hidden
    age group."""
    return value.text(minimum)
