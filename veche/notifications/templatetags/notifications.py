"""The unread count for the site header: `{% load notifications %}` then
`{% unread_notification_count as unread %}` or the ready link `{% notifications_link %}`."""

from django import template

from veche.notifications.queries import unread_count

register = template.Library()

_CACHE_ATTRIBUTE = "_veche_unread_notifications"


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Counted once per request, however many times a page asks."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if request is None:
        return unread_count(user) if user is not None else 0
    if not hasattr(request, _CACHE_ATTRIBUTE):
        setattr(request, _CACHE_ATTRIBUTE, unread_count(user) if user is not None else 0)
    return getattr(request, _CACHE_ATTRIBUTE)


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context) -> dict:
    """A link to the inbox with the number of unread notices, for signed-in people."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    signed_in = bool(user and user.is_authenticated)
    return {
        "signed_in": signed_in,
        "unread": unread_notification_count(context) if signed_in else 0,
        "current": bool(
            request
            and request.resolver_match
            and request.resolver_match.view_name == "notifications:inbox"
        ),
    }
