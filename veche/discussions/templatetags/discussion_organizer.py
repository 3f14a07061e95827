"""Template helpers for the organizer's links: whether a person organizes discussions at all
(the cabinet's menu), and the organizer's pages of one discussion (its public page)."""

import rules
from django import template

register = template.Library()


@register.filter
def organizes_discussions(user) -> bool:
    return rules.has_perm("discussions.organize", user)


@register.simple_tag
def organizer_pages(discussion) -> list[dict]:
    from veche.discussions.views.organizer._common import tabs_for

    return tabs_for(discussion)
