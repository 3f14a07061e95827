"""`{% sections "slot" %}`: where a page's template places the sections apps registered for it
(`veche.core.sections`); the view passes them as `sections`."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context, slot: str = "main"):
    """The page's sections in `slot`, in order, each rendered like an `{% include %}` with its
    own context on top of the page's (so the request, the user and the CSRF token are there)."""
    page = context.get("sections")
    if not page:
        return ""
    engine = context.template.engine
    html = []
    for section in page.in_slot(slot):
        with context.push(section.context):
            html.append(engine.get_template(section.template_name).render(context))
    return mark_safe("".join(html))  # noqa: S308 — each part is a rendered, autoescaped template
