"""`{% feed_url "problems" territory=… category=… %}`: the address of a feed with the filters a
list page has, leaving out the empty ones."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def feed_url(kind: str, **filters) -> str:
    url = reverse(f"opendata:{kind}_feed")
    query = urlencode({name: value for name, value in filters.items() if value})
    return f"{url}?{query}" if query else url
