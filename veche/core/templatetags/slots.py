"""`{% slot "template.html" %}`: an include whose output differs from visitor to visitor. On any
page it is an include; in a page rendered for the shared cache its output is marked, so that
`veche.core.slots.fill` renders it again for each visitor."""

from django import template
from django.utils.safestring import mark_safe

from veche.core.slots import MARKED, closing, opening

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    with context.push():  # as an include: what the part sets stays in it
        html = context.template.engine.get_template(name).render(context)
    if context.get(MARKED):
        html = opening(name) + html + closing(name)
    return mark_safe(html)  # noqa: S308 (a template's output, escaped as it rendered)
