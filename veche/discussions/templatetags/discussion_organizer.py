"""Template helpers for the organizer's links: whether a person organizes discussions at all
(the cabinet's menu), the organizer's pages of one discussion (its public page) and the documents
they may open (the review page)."""

import rules
from django import template

register = template.Library()


@register.filter
def organizes_discussions(user) -> bool:
    return rules.has_perm("discussions.organize", user)


@register.simple_tag
def organizer_documents(discussion) -> list:
    from veche.discussions.queries_organizer import organizer_documents

    return organizer_documents(discussion)


@register.simple_tag
def organizer_pages(discussion) -> list[dict]:
    from veche.discussions.views.organizer._common import tabs_for

    return tabs_for(discussion)
