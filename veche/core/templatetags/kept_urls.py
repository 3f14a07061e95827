"""`{% url %}` as Django's, with each address it built remembered: a page's header and panels
reverse the same few names on every request, and reversing costs more than the rest of such a
tag. Loaded as a builtin (`TEMPLATES` in the settings), so it stands for Django's tag everywhere.

An address is remembered by everything it is built from: the name, the arguments (numbers and
text only; anything else is reversed every time, as Django would), the application namespace
asked for, the script prefix and the request's URLconf."""

from functools import lru_cache

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
_PLAIN = (int, str)


@lru_cache(maxsize=4096)
def _address(view_name, args, kwargs, current_app, _prefix, urlconf) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _current_app(context):
    request = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app
    match = getattr(request, "resolver_match", None)
    return match.namespace if match is not None else None


class KeptURLNode(defaulttags.URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        plain = isinstance(view_name, str) and all(
            type(value) in _PLAIN for value in (*args, *(value for _name, value in kwargs))
        )
        if not plain:
            return super().render(context)
        try:
            url = _address(
                view_name, args, kwargs, _current_app(context), get_script_prefix(), get_urlconf()
            )
        except NoReverseMatch:
            return super().render(context)  # raises, or sets the variable to ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
